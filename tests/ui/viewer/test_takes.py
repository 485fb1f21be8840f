"""The takes strip against a real Library: switching the active take (undoable), a take filed
by the session opening where it changed, provenance, delete, and grabbing a start frame."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ltxstudio.library.model import TakeKind
from tests.support.media_factory import read_frame_index
from tests.ui.viewer.conftest import Controller, FrameLog, open_panel, until

pytestmark = [pytest.mark.gui, pytest.mark.asyncio]

CTRL = Qt.KeyboardModifier.ControlModifier


async def shown(panel: object, take_id: str) -> None:
    await until(
        panel.take_shown,  # type: ignore[attr-defined]
        lambda: panel.take is not None and panel.take.id == take_id,  # type: ignore[attr-defined]
    )


async def test_switch_undo_redo_and_fresh_takes(
    qtbot: QtBot, controller: Controller, clip_a: Path, clip_b: Path, clip_long: Path
) -> None:
    lib = controller.library
    clip = lib.add_clip("lighthouse")
    original = controller.add_take(clip.id, clip_a)
    panel = await open_panel(qtbot, controller, original)
    log = FrameLog(panel.player.video_sink())

    # A retake filed by the session (as when its job completes) becomes active and opens at
    # the start of the window it changed.
    retake = controller.add_take(
        clip.id,
        clip_b,
        TakeKind.RETAKE,
        prompt=None,  # a retake sent without a prompt: edits pre-fill the parent's
        segment={"start_time": 2.0, "duration": 2.0, "mode": "replace_audio_and_video"},
        parent=original.id,
        estimate="0.50",
    )
    await shown(panel, retake.id)
    assert await log.wait_for(0, panel.player) == 48
    chips = panel.takes.chips
    assert [c.take.id for c in chips] == [original.id, retake.id]
    assert [c.active for c in chips] == [False, True]
    assert chips[1].title.text() == "retake 2–4 s"
    assert chips[1].detail.text().endswith("$0.50 (simulated)")  # sandbox money says so
    dialog = panel.open_extend()
    assert dialog is not None
    assert dialog.prompt.toPlainText().startswith("A lighthouse")
    dialog.close()
    panel.activateWindow()  # back to the viewer, as a click on it would

    # Clicking the original's chip makes it active (through the controller) and shows it at
    # the same position.
    QTest.mouseClick(panel.takes.chip(original.id), Qt.MouseButton.LeftButton)
    await shown(panel, original.id)
    assert lib.clip(clip.id).active_take_id == original.id
    assert panel.player.frame == 48
    assert [c.active for c in panel.takes.chips] == [True, False]

    # Ctrl+Z / Ctrl+Shift+Z undo and redo the switch; the player follows.
    # (The chip clicked is rebuilt; focus stays in the viewer, so its shortcuts still work.)
    assert QApplication.focusWidget() is panel
    QTest.keyClick(panel, Qt.Key.Key_Z, CTRL)
    await shown(panel, retake.id)
    assert lib.clip(clip.id).active_take_id == retake.id
    QTest.keyClick(panel, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    await shown(panel, original.id)
    assert lib.clip(clip.id).active_take_id == original.id

    # An extend at the end opens where the new part starts: 9 s long, 4 s added → 5 s.
    extend = controller.add_take(
        clip.id,
        clip_long,
        TakeKind.EXTEND,
        segment={"mode": "end", "duration": 4.0, "context": None},
        parent=original.id,
    )
    await shown(panel, extend.id)
    assert await log.wait_for(0, panel.player) == 120
    assert panel.facts is not None
    assert panel.facts.frames == 216
    assert panel.selection.clip_seconds == 9.0
    # A take filed without activation only joins the strip.
    quiet = controller.add_take(clip.id, clip_a, activate=False)
    assert quiet.id in [c.take.id for c in panel.takes.chips]
    assert panel.take is not None
    assert panel.take.id == extend.id


async def test_provenance_delete_and_start_frame(
    qtbot: QtBot, controller: Controller, clip_a: Path, clip_b: Path
) -> None:
    lib = controller.library
    clip = lib.add_clip("lighthouse")
    original = controller.add_take(clip.id, clip_a)
    other = controller.add_take(
        clip.id,
        clip_b,
        TakeKind.RETAKE,
        parent=original.id,
        segment={"start_time": 1.0, "duration": 2.0, "mode": "replace_video"},
    )
    panel = await open_panel(qtbot, controller, other)

    dialog = panel.show_provenance(other.id)
    document = json.loads(dialog.text.toPlainText())
    assert document["take_id"] == other.id
    assert document["provenance"]["request"]["prompt"].startswith("A lighthouse")
    assert document["provenance"]["parent_take_id"] == original.id
    assert document["provenance"]["estimate_usd"] == "0.40"
    assert document["provenance"]["job_id"] == other.provenance.job_id
    assert document["file"] == str(lib.path_of(other))
    assert not dialog.isModal()
    dialog.close()
    panel.activateWindow()  # back to the viewer (offscreen, closing a window activates none)
    panel.setFocus()

    # Delete (to the trash) from the strip; undo brings it back and makes it active again.
    panel.takes.delete_requested.emit(other.id)
    await shown(panel, original.id)
    assert [c.take.id for c in panel.takes.chips] == [original.id]
    QTest.keyClick(panel, Qt.Key.Key_Z, CTRL)
    await shown(panel, other.id)
    assert [c.take.id for c in panel.takes.chips] == [original.id, other.id]

    # "Use this frame": a PNG of exactly the frame on screen.
    log = FrameLog(panel.player.video_sink())
    frame = await log.after(lambda: panel.player.seek_frame(37), panel.player)
    chosen: list[Path] = []
    panel.start_frame_chosen.connect(chosen.append)
    task = panel.use_current_frame()
    assert task is not None
    await task
    (png,) = chosen
    assert png.parent == controller.cache_dir / "frames"
    assert read_frame_index(np.asarray(Image.open(png).convert("RGB"))) == frame == 37
