"""Keyboard transport on a real clip; positions are checked on the frames the video sink
receives (each frame carries its index), never on widget grabs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from ltxstudio.core.clock import ManualClock
from ltxstudio.ui.viewer import PlayState
from tests.ui.viewer.conftest import Controller, FrameLog, open_panel

pytestmark = [pytest.mark.gui, pytest.mark.asyncio]

RIGHT, LEFT = Qt.Key.Key_Right, Qt.Key.Key_Left
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


def press(panel: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> Callable[[], None]:
    return lambda: QTest.keyClick(panel, key, modifier)


async def test_arrows_home_end_move_exactly_one_frame(
    qtbot: QtBot, controller: Controller, clip_a: Path
) -> None:
    clip = controller.library.add_clip("lighthouse")
    panel = await open_panel(qtbot, controller, controller.add_take(clip.id, clip_a))
    player = panel.player
    log = FrameLog(player.video_sink())
    assert (player.frames, player.fps) == (120, 24)

    async def key(k: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> int:
        return await log.after(press(panel, k, modifier), player)

    assert [await key(RIGHT) for _ in range(3)] == [1, 2, 3]
    assert player.position == pytest.approx(3 / 24)
    assert await key(LEFT) == 2
    assert await key(RIGHT, SHIFT) == 26  # one second = 24 frames
    assert await key(LEFT, SHIFT) == 2
    assert await key(Qt.Key.Key_End) == 119
    assert await key(Qt.Key.Key_Home) == 0
    assert await key(LEFT) == 0  # clamped at the start
    assert panel.transport.timecode.text() == "00:00:00:00 / 00:00:05:00"
    assert await key(RIGHT) == 1
    assert panel.transport.detail.text() == "f 1 · 0.042 s"
    assert panel.canvas.playhead == pytest.approx(1 / 24)
    panel.shutdown()


async def test_space_jkl_shuttle_with_no_audio_device(
    qtbot: QtBot, controller: Controller, clip_a: Path
) -> None:
    clock = ManualClock()
    clip = controller.library.add_clip("lighthouse")
    panel = await open_panel(qtbot, controller, controller.add_take(clip.id, clip_a), clock=clock)
    player = panel.player
    errors: list[str] = []
    player.failed.connect(errors.append)
    log = FrameLog(player.video_sink())

    # Space plays (video-only clock: the test machine has no audio device), Space pauses on a
    # frame that the sink shows and the player reports.
    QTest.keyClick(panel, Qt.Key.Key_Space)
    assert player.state is PlayState.PLAYING
    await log.wait_for(6)
    QTest.keyClick(panel, Qt.Key.Key_Space)
    assert player.state is PlayState.PAUSED
    shown = await log.wait_for(0, player)
    assert shown >= 5
    assert await log.after(press(panel, RIGHT), player) == shown + 1

    # L: forward at 1x, again 2x, again 4x; K stops, again on a frame the sink shows.
    QTest.keyClick(panel, Qt.Key.Key_L)
    assert (player.state, player.speed) == (PlayState.PLAYING, 1.0)
    QTest.keyClick(panel, Qt.Key.Key_L)
    QTest.keyClick(panel, Qt.Key.Key_L)
    assert player.speed == 4.0
    assert panel.transport.speed.text() == "+4×"
    await log.wait_for(len(log.indices) + 3)
    QTest.keyClick(panel, Qt.Key.Key_K)
    assert (player.state, player.speed) == (PlayState.PAUSED, 0.0)
    await log.wait_for(0, player)

    # J: backwards, driven by the injected clock; half a second at 1x is 12 frames back.
    start = await log.after(press(panel, RIGHT, SHIFT), player)
    assert start >= 30  # room for the 24 frames J goes back below
    QTest.keyClick(panel, Qt.Key.Key_J)
    assert (player.state, player.speed) == (PlayState.REVERSE, -1.0)
    clock.advance(0.5)
    assert await log.after(player.reverse_tick, player) == start - 12
    QTest.keyClick(panel, Qt.Key.Key_J)  # again: 2x backwards from here
    assert player.speed == -2.0
    clock.advance(0.25)
    assert await log.after(player.reverse_tick, player) == start - 24
    QTest.keyClick(panel, Qt.Key.Key_K)
    assert player.state is PlayState.PAUSED
    assert await log.wait_for(0, player) == start - 24
    QTest.keyClick(panel, Qt.Key.Key_J)
    QTest.keyClick(panel, Qt.Key.Key_L)  # from reverse, L plays forward at 1x
    assert (player.state, player.speed) == (PlayState.PLAYING, 1.0)
    QTest.keyClick(panel, Qt.Key.Key_K)
    await log.wait_for(0, player)
    assert errors == []
    panel.shutdown()
