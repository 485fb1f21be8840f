"""Issue 14, item 10: after a reframe finished, the viewer stayed black (or on the old picture)
until a frame step, about once in two. Cause: a frame of the previous source, queued from the
decoder's thread, arrived after the new source was set and was taken for the new one's first
frame; the player then never asked the new source for its own. Reproduced here deterministically
by delivering such a stale frame at that moment."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtMultimedia import QVideoFrame
from pytestqt.qtbot import QtBot

from ltxstudio.ui.viewer import PlayState
from tests.support.media_factory import make_video
from tests.ui.viewer.conftest import Controller, open_panel, until

pytestmark = [pytest.mark.gui, pytest.mark.asyncio]


async def test_a_stale_frame_of_the_old_take_is_not_the_new_takes_first_frame(
    qtbot: QtBot, controller: Controller, clip_a: Path, tmp_path: Path
) -> None:
    portrait = make_video(tmp_path / "reframed.mp4", width=180, height=320, seconds=2.0)
    clip = controller.library.add_clip("lighthouse")
    panel = await open_panel(qtbot, controller, controller.add_take(clip.id, clip_a))
    player = panel.player
    sink = player.video_sink()
    stale = QVideoFrame(sink.videoFrame())  # the old take's picture, 320x180
    assert (stale.width(), stale.height()) == (320, 180)
    sizes: list[tuple[int, int]] = []
    sink.videoFrameChanged.connect(
        lambda f: sizes.append((f.width(), f.height())) if f.isValid() else None
    )
    player.load(portrait, player.fps, 48, 0)
    player._on_video_frame(stale)  # what the decoder thread's queued signal does, late
    # Seen failing before: the stale frame counted as loaded (state PAUSED at once) and the
    # new source's first frame never came, so the picture stayed the old one until a step.
    await until(sink.videoFrameChanged, lambda: (180, 320) in sizes)
    await until(player.state_changed, lambda: player.state is PlayState.PAUSED)
    assert player.frame == 0


async def test_loading_the_same_file_again_still_shows_it(
    qtbot: QtBot, controller: Controller, clip_a: Path
) -> None:
    clip = controller.library.add_clip("lighthouse")
    take = controller.add_take(clip.id, clip_a)
    panel = await open_panel(qtbot, controller, take)
    player = panel.player
    player.seek_frame(30)
    await until(player.frame_shown, lambda: not player.seeking)
    player.load(clip_a, player.fps, player.frames, 12)  # the same take shown again
    await until(player.state_changed, lambda: player.state is PlayState.PAUSED)
    assert player.frame == 12
