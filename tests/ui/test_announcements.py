"""Issue 14, item 20: a job done or failed and a queue held (402, budget) are announced to
assistive technology, not only shown. Offscreen Qt has no accessibility bridge: the announcer's
`announced` signal carries each message here; tests/ui/test_atspi.py hears the real event."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.jobs.model import JobState
from ltxstudio.session.forms import Mode, generation_request
from tests.ui.conftest import App, until

pytestmark = pytest.mark.asyncio

PROMPT = (
    "A lighthouse stands on a cliff at dusk. Its beam sweeps the fog as waves crash below. "
    "The camera slowly dollies in. We hear the foghorn and the wind."
)
REQUEST = generation_request(Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2)


def heard(app: App) -> list[str]:
    # Seen failing before: the window had no announcer (AttributeError): nothing was announced.
    return list(app.window.status.announcer.history)


async def test_completion_and_failure_are_announced(open_app) -> None:  # type: ignore[no-untyped-def]
    app: App = await open_app()
    s, w = app.session, app.window
    job = await s.generate(REQUEST)
    await until(lambda: s.store.get(job.id).state is JobState.COMPLETED, w.jobs_model.dataChanged)
    await until(
        lambda: any(m.startswith("Done: A lighthouse") for m in heard(app)),
        w.jobs_model.dataChanged,
    )
    filtered = generation_request(
        Mode.TEXT, PROMPT + " sandbox:blocked", Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2
    )
    bad = await s.generate(filtered)  # the sandbox answers 422 content_filtered_error
    await until(lambda: s.store.get(bad.id).state is JobState.FAILED, w.jobs_model.dataChanged)
    assert any(m.startswith("Failed: A lighthouse") for m in heard(app))
    s.pause()
    second = await s.generate(REQUEST)
    s.cancel(second.id)
    assert any(m.startswith("Cancelled: A lighthouse") for m in heard(app))


async def test_holds_for_funds_and_budget_are_announced(open_app) -> None:  # type: ignore[no-untyped-def]
    app: App = await open_app(balance_usd=Decimal("0.05"))
    s, w = app.session, app.window
    await s.generate(REQUEST)
    await until(lambda: s.runner.hold is not None, w.jobs_model.dataChanged)
    assert any(m.startswith("Queue held: not enough funds") for m in heard(app))
    s.add_simulated_credit()
    assert "The queue runs again." in heard(app)
    s.runner.set_budget(Decimal("0.01"))
    job = await s.generate(REQUEST)
    await until(
        lambda: s.store.get(job.id).state is JobState.AWAITING_APPROVAL, w.jobs_model.dataChanged
    )
    assert any(m.startswith("Needs approval: A lighthouse") for m in heard(app))
