"""A/B compare: two takes play in sync, land on the same frame on pause and step, and their
parameters are diffed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from ltxstudio.library.model import TakeKind
from ltxstudio.ui.viewer import PlayState
from ltxstudio.ui.viewer.compare import DRIFT_FRAMES, Layout
from tests.ui.viewer.conftest import Controller, FrameLog, image_index, open_panel, until

pytestmark = [pytest.mark.gui, pytest.mark.asyncio]


async def test_compare_plays_in_sync_and_diffs_parameters(
    qtbot: QtBot, controller: Controller, clip_a: Path, clip_b: Path
) -> None:
    clip = controller.library.add_clip("lighthouse")
    a = controller.add_take(clip.id, clip_a)
    b = controller.add_take(
        clip.id,
        clip_b,
        TakeKind.RETAKE,
        parent=a.id,
        segment={"start_time": 2.0, "duration": 2.0, "mode": "replace_video"},
        estimate="0.50",
    )
    panel = await open_panel(qtbot, controller, b)
    cv = panel.compare_view
    QTest.keyClick(
        panel, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    # Ctrl+Shift+C compares the active take with its parent.
    compare = panel.background.task("compare")
    assert compare is not None
    await compare
    await until(cv.a.state_changed, lambda: cv.a.state is PlayState.PAUSED)
    await until(cv.b.state_changed, lambda: cv.b.state is PlayState.PAUSED)
    assert panel.pages.currentWidget() is cv
    assert cv.takes == (a, b)
    log_a, log_b = FrameLog(cv.a.video_sink()), FrameLog(cv.b.video_sink())

    # Play both with Space; sample B's frame each time A shows a new one.
    pairs: list[tuple[int, int]] = []
    cv.a.frame_changed.connect(lambda f: pairs.append((f, cv.b.frame)))
    QTest.keyClick(panel, Qt.Key.Key_Space)
    assert cv.a.state is cv.b.state is PlayState.PLAYING
    await log_a.wait_for(30)
    QTest.keyClick(panel, Qt.Key.Key_Space)
    assert cv.a.state is cv.b.state is PlayState.PAUSED
    assert len(pairs) >= 20
    assert max(abs(fa - fb) for fa, fb in pairs[3:]) <= DRIFT_FRAMES + 1
    # On pause both show the same frame, and the canvas paints both.
    frame_a = await log_a.wait_for(0, cv.a)
    frame_b = await log_b.wait_for(0, cv.b)
    assert frame_a == frame_b == cv.a.frame >= 20
    assert [image_index(i) for i in cv.canvas.images if i is not None] == [frame_a, frame_a]

    # Stepping moves both by exactly one frame.
    QTest.keyClick(panel, Qt.Key.Key_Right)
    assert await log_a.wait_for(0, cv.a) == await log_b.wait_for(0, cv.b) == frame_a + 1
    assert cv.slider.value() == frame_a + 1

    # The parameters, with differences marked.
    rows = {name: (va, vb, differs) for name, va, vb, differs in cv.rows()}
    assert rows["kind"] == ("generated", "retake", True)
    assert rows["segment.start_time"] == ("—", "2.0", True)
    assert rows["request.prompt"][2] is False
    assert rows["duration"] == ("5.000 s", "5.000 s", False)
    assert rows["cost (estimated)"] == ("$0.40 (simulated)", "$0.50 (simulated)", True)
    cv.only_differences.setChecked(True)
    shown = {cv.table.item(r, 0).text() for r in range(cv.table.rowCount())}
    assert "kind" in shown
    assert "request.prompt" not in shown

    # Wipe layout, then close: back to the single viewer.
    for button in cv.layout_group.buttons():
        if button.property("layout") == Layout.WIPE.value:
            button.click()
    assert cv.canvas.layout_mode is Layout.WIPE
    assert not cv.canvas.grab().toImage().isNull()
    cv.close_compare()
    assert panel.pages.currentIndex() == 0
