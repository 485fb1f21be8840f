"""The timeline on a real clip: scrubbing shows the exact frame, the selection snaps to the
API's rules as it is dragged and says why typed marks are refused, thumbnails are asked for
the visible slots only, zoom keeps the time under the mouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from ltxstudio.core.segments import Window
from ltxstudio.core.timebase import frame_at
from ltxstudio.ui.viewer.timeline import RULER_H, THUMB_TOP, WAVE_TOP
from ltxstudio.ui.viewer.video_area import Page
from tests.ui.viewer.conftest import (
    Controller,
    FrameLog,
    image_index,
    mouse,
    open_panel,
    until,
    wheel,
)

pytestmark = [pytest.mark.gui, pytest.mark.asyncio]


async def test_dragging_the_playhead_shows_the_exact_frame(
    qtbot: QtBot, controller: Controller, clip_a: Path
) -> None:
    clip = controller.library.add_clip("lighthouse")
    panel = await open_panel(qtbot, controller, controller.add_take(clip.id, clip_a))
    canvas, scale = panel.canvas, panel.scale
    log = FrameLog(panel.player.video_sink())
    y = RULER_H / 2
    mouse(canvas, "press", scale.x_of(0.5), y)
    assert canvas.scrubbing
    for seconds in (1.3, 2.71, 4.02):
        x = scale.x_of(seconds)
        mouse(canvas, "move", x, y)
        wanted = frame_at(scale.time_at(x), 24)
        still = panel.video_area.still

        def shows_wanted(still=still, wanted=wanted) -> bool:  # type: ignore[no-untyped-def]
            return (
                panel.video_area.page is Page.STILL
                and still.image is not None
                and image_index(still.image) == wanted
            )

        await until(panel.scrub.frame_ready, shows_wanted)
        assert canvas.playhead == pytest.approx(wanted / 24)
        assert panel.transport.detail.text().startswith(f"f {wanted} ")
    released = frame_at(scale.time_at(scale.x_of(4.02)), 24)
    count = len(log.indices)
    mouse(canvas, "release", scale.x_of(4.02), y)
    assert await log.wait_for(count + 1, panel.player) == released
    await until(panel.player.frame_shown, lambda: panel.video_area.page is Page.LIVE)
    assert panel.player.frame == released
    panel.shutdown()


async def test_selection_snaps_when_dragged_and_typed_marks_say_why_not(
    qtbot: QtBot, controller: Controller, clip_25: Path
) -> None:
    clip = controller.library.add_clip("lighthouse")
    panel = await open_panel(qtbot, controller, controller.add_take(clip.id, clip_25))
    player, canvas, scale = panel.player, panel.canvas, panel.scale
    log = FrameLog(player.video_sink())
    retake = panel.actions_.retake
    assert not retake.isEnabled()

    # I at 2.00 s, O at 3.20 s: a 1.2 s window, refused with its reason, hatched red.
    for _ in range(2):
        await log.after(
            lambda: QTest.keyClick(panel, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier),
            player,
        )
    QTest.keyClick(panel, Qt.Key.Key_I)
    for _ in range(30):
        QTest.keyClick(panel, Qt.Key.Key_Right)
    assert player.frame == 80
    QTest.keyClick(panel, Qt.Key.Key_O)
    assert panel.selection.window == Window(2.0, 3.2)
    reason = "the window is 1.20 s; a retake needs at least 2 s"
    assert "1.20 s · 30 frames" in panel.selection_label.text()
    assert reason in panel.selection_label.text()
    assert not retake.isEnabled()
    assert retake.toolTip() == reason
    assert panel.open_retake() is None  # R does nothing but the label already says why

    # Dragging its out handle snaps the window to 2 s; the label shows duration, frames, cost.
    lane = THUMB_TOP + 10
    mouse(canvas, "press", scale.x_of(3.2), lane)
    mouse(canvas, "move", scale.x_of(3.3), lane)
    assert panel.selection.window == Window(2.0, 4.0)
    mouse(canvas, "move", scale.x_of(4.6), lane)
    mouse(canvas, "release", scale.x_of(4.6), lane)
    window = panel.selection.window
    assert window is not None
    assert window.start == 2.0
    assert window.end == pytest.approx(round(scale.time_at(scale.x_of(4.6)) * 25) / 25)
    assert retake.isEnabled()
    text = panel.selection_label.text()
    frames = round(window.duration * 25)
    assert f"{window.duration:.2f} s · {frames} frames" in text
    assert "est. $0.50" in text  # retake bills the whole 5 s clip at $0.10/s

    # A new drag across the waveform lane: 1.2 s of mouse travel gives a 2 s window at once.
    mouse(canvas, "press", scale.x_of(0.4), WAVE_TOP + 5)
    mouse(canvas, "move", scale.x_of(1.6), WAVE_TOP + 5)
    mouse(canvas, "release", scale.x_of(1.6), WAVE_TOP + 5)
    assert panel.selection.window == Window(0.4, 2.4)
    # Escape clears it; a click (no drag) in the lanes moves the playhead instead.
    QTest.keyClick(panel, Qt.Key.Key_Escape)
    assert panel.selection.window is None
    mouse(canvas, "press", scale.x_of(3.0), lane)
    mouse(canvas, "release", scale.x_of(3.0), lane)
    assert panel.selection.window is None
    assert player.frame == frame_at(scale.time_at(scale.x_of(3.0)), 25)
    panel.shutdown()


async def test_thumbnails_for_visible_slots_waveform_and_zoom(
    qtbot: QtBot, controller: Controller, clip_a: Path, clip_b: Path
) -> None:
    clip = controller.library.add_clip("lighthouse")
    panel = await open_panel(qtbot, controller, controller.add_take(clip.id, clip_a))
    canvas, scale = panel.canvas, panel.scale
    thumbs = canvas.thumbs

    async def loaded() -> None:
        await until(thumbs.updated, lambda: all(thumbs.image(f) for _, f in canvas.visible_slots()))

    await loaded()
    slots = canvas.visible_slots()
    assert len(slots) == -(-int(scale.content_width) // canvas.slot_width(canvas.facts))
    # Each thumbnail is the exact frame at its slot's centre (frames carry their index).
    for _, frame in slots[:4]:
        assert image_index(thumbs.image(frame)) == frame  # type: ignore[arg-type]
    await until(canvas.wave.updated, lambda: canvas.wave.waveform is not None)
    assert canvas.wave.waveform is not None
    assert canvas.wave.waveform.peaks.max() > 0.4

    # Ctrl+wheel zooms around the mouse; the new request covers only what is on screen.
    x = scale.x_of(2.5)
    wheel(canvas, x, THUMB_TOP + 5, 8, ctrl=True)
    assert scale.zoom == pytest.approx(1.25**8)
    assert scale.time_at(x) == pytest.approx(2.5, abs=1e-6)
    await loaded()
    start, end = scale.visible()
    visible = {frame_at(t, 24) for t in (start, end)}
    newest = thumbs.requests[-1]
    assert all(min(visible) - 3 <= f <= max(visible) + 3 for f in newest)
    assert len(newest) <= len(canvas.visible_slots())
    # A plain wheel scrolls.
    offset = scale.offset
    wheel(canvas, x, THUMB_TOP + 5, -2, ctrl=False)
    assert scale.offset > offset
    assert panel.timeline.scrollbar.value() == round(scale.offset * 1000)

    # A clip without sound says so where the waveform would be.
    other = controller.add_take(clip.id, clip_b)
    await until(panel.take_shown, lambda: panel.take is not None and panel.take.id == other.id)
    assert canvas.wave.note == "no audio"
    panel.shutdown()
