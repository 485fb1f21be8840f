"""Issue 14, item 9: quitting with jobs running says what will happen to them (they go on at the
service and are picked up at the next start), and the next start says it resumed them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.jobs.model import JobState
from ltxstudio.session.forms import Mode, generation_request
from tests.ui.conftest import App, until

pytestmark = pytest.mark.asyncio

PROMPT = (
    "A lighthouse stands on a cliff at dusk. Its beam sweeps the fog as waves crash below. "
    "The camera slowly dollies in. We hear the foghorn and the wind."
)


async def test_quit_with_running_jobs_explains_and_the_next_start_resumes_them(
    open_app,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    state = tmp_path / "sandbox"
    first: App = await open_app(state_dir=state)
    s, w = first.session, first.window
    job = await s.generate(
        generation_request(Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 8)
    )
    await until(
        lambda: s.store.get(job.id).state in (JobState.PENDING, JobState.PROCESSING),
        w.jobs_model.dataChanged,
    )
    w.quit_action.trigger()
    # Seen failing before: File → Quit closed the window at once, saying nothing.
    box = w.findChild(QMessageBox, "quitQuestion")
    assert box is not None
    assert box.isVisible()
    text = box.informativeText()
    assert "1 job is still running in the sandbox" in text
    assert "does not stop or cancel" in text
    assert "picked up" in text
    keep = next(b for b in box.buttons() if b.text() == "Keep open")
    keep.click()
    assert w.isVisible()
    await s.runner.stop()  # as quitting does: the job stays at the service, mid-flight

    second: App = await open_app(state_dir=state)
    message = second.window.statusBar().currentMessage()
    assert message == "Resumed 1 job from the last run"
    assert "Resumed 1 job from the last run" in second.window.status.announcer.history
