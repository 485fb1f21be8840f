"""Issue 6, acceptance 1: the real window, driven like a user, against the in-process sandbox."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from ltxstudio.jobs.model import JobState
from ltxstudio.jobs.queue_state import HoldReason
from ltxstudio.session.forms import Mode, generation_request
from tests.support.media_factory import make_image
from tests.ui.conftest import App, until

pytestmark = pytest.mark.asyncio

PROMPT = (
    "A lighthouse stands on a cliff at dusk. Its beam begins to sweep the fog. Waves crash below "
    "as gulls circle. The camera slowly dollies in. We hear the foghorn and the wind."
)


def drop(widget: object, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dropEvent(event)  # type: ignore[attr-defined]


def states_of(app: App) -> list[JobState]:
    return [j.state for j in app.session.store]


async def test_prompt_drop_generate_complete_and_library(open_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = await open_app()
    w = app.window
    seen: list[JobState] = []
    app.session.store.changed.connect(
        lambda i, old, new, f: seen.append(new.state) if "state" in f else None
    )
    w.generate.prompt.edit.setPlainText(PROMPT)
    image = make_image(tmp_path / "first.png", width=1280, height=720)
    drop(w, image)  # dropped on the window: switches to image mode and fills the first frame
    assert w.generate.mode is Mode.IMAGE
    await until(lambda: w.generate.image.inspection is not None, w.generate.image.changed)
    assert "PNG" in w.generate.image.summary.text()
    from ltxstudio.core.catalog import Model
    from ltxstudio.ui.generate_panel import _select

    _select(w.generate.model, Model.LTX_2_3_FAST.value)
    _select(w.generate.duration, 2)
    assert w.generate.generate_button.isEnabled(), w.generate.reason.text()
    w.generate_action.trigger()  # Ctrl+Enter
    await until(lambda: len(app.session.store) == 1, w.jobs_model.rowsInserted)
    await until(lambda: states_of(app) == [JobState.COMPLETED], w.jobs_model.dataChanged, 60)
    assert seen[:2] == [JobState.UPLOADING, JobState.SUBMITTING]
    assert JobState.DOWNLOADING in seen
    assert w.jobs_model.index(0, 3).data().startswith("done · 2.0 s")
    await until(lambda: w.clips_model.rowCount() == 1, w.clips_model.modelReset)
    assert w.library.view.isVisible()


async def test_bad_image_shows_its_sentence_and_blocks_generate(open_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = await open_app()
    w = app.window
    w.generate.set_mode(Mode.IMAGE)
    w.generate.prompt.edit.setPlainText(PROMPT)
    fake = tmp_path / "holiday.png"
    fake.write_text("this is not a picture")
    drop(w.generate.image, fake)
    await until(lambda: w.generate.image.inspection is not None, w.generate.image.changed)
    assert "not" in w.generate.image.issues.text().lower()
    assert not w.generate.generate_button.isEnabled()
    assert w.generate.reason.text().startswith("First frame:")


async def test_cancel_retry_pause_resume_and_reorder(open_app) -> None:  # type: ignore[no-untyped-def]
    app = await open_app()
    s, w = app.session, app.window
    w.queue.pause_button.click()
    assert s.runner.hold is not None
    assert w.queue.banner.isVisible()
    request = generation_request(Mode.TEXT, PROMPT, resolution=None)
    from ltxstudio.core.catalog import Model, Resolution

    request = generation_request(
        Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2
    )
    jobs = [await s.generate(request) for _ in range(3)]
    assert states_of(app) == [JobState.QUEUED] * 3  # paused: nothing starts
    mime = w.jobs_model.mimeData([w.jobs_model.index(2, 0)])
    w.jobs_model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, w.jobs_model.index(-1, -1))
    assert next(j.id for j in s.store) == jobs[2].id
    (cancel,) = [a for a in w.queue.actions_for(s.store.get(jobs[1].id)) if a.text() == "Cancel"]
    cancel.trigger()
    assert s.store.get(jobs[1].id).state is JobState.CANCELLED
    retry = [
        a for a in w.queue.actions_for(s.store.get(jobs[1].id)) if a.text().startswith("Retry")
    ]
    retry[0].trigger()
    await until(lambda: len(s.store) == 4, w.jobs_model.rowsInserted)
    w.queue.pause_button.click()  # resume
    assert s.runner.hold is None
    await until(
        lambda: sorted(j.state.value for j in s.store) == ["cancelled"] + ["completed"] * 3,
        w.jobs_model.dataChanged,
        90,
    )
    first_submitted = min((j for j in s.store if j.submitted_at), key=lambda j: j.submitted_at or 0)
    assert first_submitted.id == jobs[2].id  # the job moved to the top ran first


async def test_402_pauses_the_queue_and_says_so(open_app) -> None:  # type: ignore[no-untyped-def]
    app = await open_app(balance_usd=Decimal("0.05"))
    s, w = app.session, app.window
    from ltxstudio.core.catalog import Model, Resolution

    await s.generate(
        generation_request(Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2)
    )
    await until(lambda: s.runner.hold is not None, w.jobs_model.dataChanged)
    assert s.runner.hold is not None
    assert s.runner.hold.reason is HoldReason.FUNDS
    assert w.queue.banner.isVisible()
    assert "6 credits required" in w.queue.banner.text()
    assert states_of(app) == [JobState.QUEUED]
    assert w.queue.pause_button.text() == "Resume queue"
    # On the sandbox the balance is simulated: the banner says so and offers more credit
    # (its balance persists across runs; "top up at console.ltx.video" would be a dead end).
    assert "simulated balance" in w.queue.banner.text()
    assert "console.ltx.video" not in w.queue.banner.text()
    w.queue.banner.linkActivated.emit("add-credit")
    assert s.runner.hold is None
    await until(lambda: states_of(app) == [JobState.COMPLETED], w.jobs_model.dataChanged, 60)
    assert not w.queue.banner.isVisible()


async def test_generate_says_why_with_the_files_own_sentence(open_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = await open_app()
    w = app.window
    w.generate.set_mode(Mode.IMAGE)
    w.generate.prompt.edit.setPlainText(PROMPT)
    fake = tmp_path / "holiday.png"
    fake.write_text("not a picture")
    w.generate.image.set_path(fake)
    await until(lambda: w.generate.image.inspection is not None, w.generate.image.changed)
    assert "still checking" not in w.generate.reason.text()
    # Under the button, a pointer to the file's own sentence (issue 14, item 14); the whole
    # sentence is on the file and in the button's tooltip.
    assert w.generate.reason.text() == "First frame: see the problem above."
    assert "text file" in w.generate.generate_button.toolTip()
    assert "text file" in w.generate.image.issues.text()
