"""Issue 7, acceptance 1, end to end: the viewer inside the real main window over a real session
on the in-process sandbox. Keys and dialogs drive a retake of [2 s, 4 s] and an extension of
4 s at the end; each result is filed as a new take of the same clip and shown in the player."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ltxstudio import media
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.lineage import RetakeSegment
from ltxstudio.core.segments import Window
from ltxstudio.jobs.model import JobState
from ltxstudio.library.model import Take, TakeKind
from ltxstudio.session.forms import Mode, generation_request
from ltxstudio.ui.viewer.dialogs import ExtendDialog, RetakeDialog
from tests.support.frames import decode, mean_diff
from tests.ui.conftest import App, until
from tests.ui.viewer.conftest import PROMPT

pytestmark = [pytest.mark.gui, pytest.mark.asyncio, pytest.mark.slow]

SHIFT = Qt.KeyboardModifier.ShiftModifier
SMALL = (320, 180)  # compare pictures at a size where codec noise averages out


async def generated_take(app: App, seconds: int) -> Take:
    request = generation_request(
        Mode.TEXT, PROMPT, Model.LTX_2_3_PRO, Resolution(1280, 720), 24, seconds
    )
    job = await app.session.generate(request)
    (done,) = await app.session.wait([job])
    assert done.state is JobState.COMPLETED, done.note
    take = app.session.library.take_for_job(job.id)
    assert take is not None
    return take


async def shown(app: App, clip_id: str) -> Any:
    """Pick the clip in the library as a user would; the viewer panel once it shows it."""
    panel = app.window.viewer_panel
    app.window.library.clip_activated.emit(clip_id)
    clip = app.session.library.clip(clip_id)
    await until(
        lambda: panel.take is not None and panel.take.id == clip.active_take_id,
        panel.take_shown,
    )
    return panel


async def activate(window: Any) -> None:
    """Make `window` the active one, as a click on it does (the viewer's keys work there)."""
    window.activateWindow()
    qapp = QApplication.instance()
    await until(lambda: QApplication.activeWindow() is window, qapp.focusWindowChanged)  # type: ignore[union-attr]


async def test_retake_then_extend_from_the_timeline(open_app: Any) -> None:
    app = await open_app()
    original = await generated_take(app, 6)
    panel = await shown(app, original.clip_id)
    await activate(app.window)
    panel.setFocus()

    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right):  # Shift+→ twice: 2 s
        QTest.keyClick(panel, key, SHIFT)
    await until(lambda: panel.player.frame == 48, panel.player.frame_changed)
    QTest.keyClick(panel, Qt.Key.Key_I)
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right):
        QTest.keyClick(panel, key, SHIFT)
    await until(lambda: panel.player.frame == 96, panel.player.frame_changed)
    QTest.keyClick(panel, Qt.Key.Key_O)
    assert panel.selection.window == Window(2.0, 4.0)

    QTest.keyClick(panel, Qt.Key.Key_R)
    dialog = panel.dialog
    assert isinstance(dialog, RetakeDialog)
    assert dialog.prompt.toPlainText() == PROMPT  # pre-filled from the take's provenance
    assert "$" in dialog.cost.text()
    dialog.prompt.setPlainText("The beam stops; the lamp flickers twice.")
    dialog.submit_button.click()

    await until(lambda: len(app.session.store) == 2, app.window.jobs_model.rowsInserted)
    retake_job = list(app.session.store)[-1]
    (done,) = await app.session.wait([retake_job])
    assert done.state is JobState.COMPLETED, done.note
    clip = app.session.library.clip(original.clip_id)
    retake = app.session.library.take(clip.active_take_id or "")
    assert retake.kind is TakeKind.RETAKE
    assert retake.provenance.parent_take_id == original.id
    assert retake.provenance.segment == RetakeSegment(2.0, 2.0)
    await until(lambda: panel.take is not None and panel.take.id == retake.id, panel.take_shown)
    assert 48 <= panel.player.frame <= 96  # shown where it changed

    before = decode(app.session.library.path_of(original), SMALL)
    after = decode(app.session.library.path_of(retake), SMALL)
    assert len(before) == len(after) == 144
    diffs = [mean_diff(a, b) for a, b in zip(before, after, strict=True)]
    outside = [d for i, d in enumerate(diffs) if not 48 <= i < 96]
    inside = diffs[48:96]
    assert max(outside) < 6.0, max(outside)
    assert min(inside) > 20.0, min(inside)
    print(f"retake: outside max diff {max(outside):.2f}, inside min diff {min(inside):.2f}")

    # Extend the retake by 4 s at the end (back in the window, as a click on the viewer would).
    await activate(app.window)
    panel.setFocus()
    QTest.keyClick(panel, Qt.Key.Key_E)
    extend = panel.dialog
    assert isinstance(extend, ExtendDialog)
    assert extend.at_end.isChecked()
    extend.seconds.setValue(4.0)
    assert extend.submit_button.isEnabled(), extend.submit_button.toolTip()
    extend.submit_button.click()
    await until(lambda: len(app.session.store) == 3, app.window.jobs_model.rowsInserted)
    (done,) = await app.session.wait([list(app.session.store)[-1]])
    assert done.state is JobState.COMPLETED, done.note
    clip = app.session.library.clip(original.clip_id)
    extended = app.session.library.take(clip.active_take_id or "")
    assert extended.kind is TakeKind.EXTEND
    assert extended.provenance.parent_take_id == retake.id
    before_s = media.probe(app.session.library.path_of(retake)).duration
    after_s = media.probe(app.session.library.path_of(extended)).duration
    assert after_s - before_s == pytest.approx(4.0, abs=1 / 24), (before_s, after_s)
    await until(lambda: panel.take is not None and panel.take.id == extended.id, panel.take_shown)
    assert [t.kind for t in app.session.library.takes(original.clip_id)] == [
        TakeKind.GENERATED,
        TakeKind.RETAKE,
        TakeKind.EXTEND,
    ]
    print(f"extend: {before_s:.3f} s -> {after_s:.3f} s")

    # Undo / redo the active take from the window's Edit menu.
    app.window.undo_action.trigger()
    assert app.session.library.clip(original.clip_id).active_take_id == retake.id
    app.window.redo_action.trigger()
    assert app.session.library.clip(original.clip_id).active_take_id == extended.id
