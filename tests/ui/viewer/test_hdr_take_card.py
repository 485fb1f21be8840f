"""An HDR result is visible in the viewer (issue 14, item 3): a take card with an HDR badge, its
EXR frame count and "Reveal EXR frames"; the HDR dialog says what the API returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from ltxstudio.core.request import Hdr
from ltxstudio.jobs.model import JobState
from ltxstudio.library.model import TakeKind
from ltxstudio.ui.viewer.clip_dialogs import HdrDialog
from tests.support.media_factory import make_video
from tests.ui.conftest import until
from tests.ui.viewer.conftest import Controller, open_panel
from tests.ui.viewer.test_in_window import generated_take, shown

pytestmark = [pytest.mark.gui, pytest.mark.asyncio, pytest.mark.slow]


async def test_an_hdr_take_shows_its_badge_frames_and_reveal(open_app: Any) -> None:
    app = await open_app()
    session = app.session
    source = await generated_take(app, 2)
    panel = await shown(app, source.clip_id)
    dialog = panel.edits.open_hdr()
    assert isinstance(dialog, HdrDialog)
    assert "ZIP of EXR frames" in dialog.returns.text()
    assert "SDR preview" in dialog.returns.text()
    dialog.close()

    job = await session.edit(Hdr(video_uri=session.clips.path_of(source)), source)
    (done,) = await session.wait([job])
    assert done.state is JobState.COMPLETED, done.note
    hdr = session.clips.take_for_job(job.id)
    assert hdr is not None
    assert hdr.kind is TakeKind.HDR
    await until(lambda: any(c.take.id == hdr.id for c in panel.takes.chips), panel.takes.rebuilt)
    # The strip is rebuilt as the take is added and made active: ask for the chip each time.
    await until(
        lambda: "48 EXR frames" in panel.takes.chip(hdr.id).detail.text(),
        panel.takes.rebuilt,
        timeout=60,
    )
    chip = panel.takes.chip(hdr.id)
    assert "HDR" in chip.title.text()
    assert chip.detail.text().endswith("(simulated)")
    assert chip.exr_frames is not None
    assert chip.exr_frames.name.endswith(".exr.zip")

    panel.takes._menu(hdr.id, QPoint(0, 0))
    menus = panel.takes.findChildren(QMenu)
    assert "Reveal EXR frames" in [a.text() for a in menus[-1].actions()]
    menus[-1].close()


async def test_an_input_over_the_hdr_frame_cap_is_said_once(
    qtbot: QtBot, controller: Controller, tmp_path: Path
) -> None:
    # 8 s at 24 fps is 192 frames; HDR takes at most 181 up to 1080p. The media layer says so;
    # the request's own check (field `video_uri` since the requests are typed) must not repeat it.
    long_clip = make_video(tmp_path / "eight-seconds.mp4", seconds=8.0)
    clip = controller.library.add_clip("long")
    panel = await open_panel(qtbot, controller, controller.add_take(clip.id, long_clip))
    dialog = panel.open_hdr()
    assert isinstance(dialog, HdrDialog)
    lines = dialog.reason.text().splitlines()
    assert len([line for line in lines if "181" in line]) == 1, lines
    assert not dialog.submit_button.isEnabled()
