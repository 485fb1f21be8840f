"""An HDR result is visible in the viewer (issue 14, item 3): a take card with an HDR badge, its
EXR frame count and "Reveal EXR frames"; the HDR dialog says what the API returns."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu

from ltxstudio.core.request import Hdr
from ltxstudio.jobs.model import JobState
from ltxstudio.library.model import TakeKind
from ltxstudio.ui.viewer.clip_dialogs import HdrDialog
from tests.ui.conftest import until
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
