"""The edit dialogs build exactly the request the selection and choices say (on the frame grid,
mode, prompt pre-filled from provenance), with the lineage the session needs to file the
result as a new take; impossible edits cannot be submitted and say why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from ltxstudio.core.catalog import ExtendMode, Model, Resolution, RetakeMode
from ltxstudio.core.lineage import ExtendSegment, Lineage, RetakeSegment
from ltxstudio.core.request import Extend, Hdr, Placement, Reframe, RemoteUri, Retake
from ltxstudio.core.segments import Window
from ltxstudio.library.model import TakeKind
from ltxstudio.ui.viewer.dialogs import ExtendDialog, RetakeDialog
from tests.support.media_factory import make_video
from tests.support.openapi_contract import request_schema
from tests.ui.viewer.conftest import PROMPT, Controller, FrameLog, open_panel

pytestmark = [pytest.mark.gui, pytest.mark.asyncio]

SHIFT = Qt.KeyboardModifier.ShiftModifier


def body(request: Any) -> dict[str, Any]:
    remote = RemoteUri("https://example.com/v.mp4")
    uploaded: dict[str, Any] = request.with_media(dict.fromkeys(request.media(), remote)).to_body()
    return uploaded


async def test_retake_of_a_marked_window(
    qtbot: QtBot, controller: Controller, clip_a: Path, contract_openapi: dict[str, Any]
) -> None:
    clip = controller.library.add_clip("lighthouse")
    take = controller.add_take(clip.id, clip_a)
    panel = await open_panel(qtbot, controller, take)
    player = panel.player
    log = FrameLog(player.video_sink())

    async def key(k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> int:
        return await log.after(lambda: QTest.keyClick(panel, k, modifier), player)

    for _ in range(2):
        await key(Qt.Key.Key_Right, SHIFT)
    QTest.keyClick(panel, Qt.Key.Key_I)
    for _ in range(2):
        await key(Qt.Key.Key_Right, SHIFT)
    QTest.keyClick(panel, Qt.Key.Key_O)
    assert panel.selection.window == Window(2.0, 4.0)
    assert "2.00 s · 48 frames" in panel.selection_label.text()
    # Shift+I / Shift+O go to the marks.
    assert await key(Qt.Key.Key_I, SHIFT) == 48
    assert await key(Qt.Key.Key_O, SHIFT) == 96

    QTest.keyClick(panel, Qt.Key.Key_R)
    dialog = panel.dialog
    assert isinstance(dialog, RetakeDialog)
    assert dialog.isVisible()
    assert not dialog.isModal()
    assert dialog.prompt.toPlainText() == PROMPT  # from the take's provenance
    assert dialog.window_label.text() == "2.000–4.000 s · 2.00 s · 48 frames"
    assert "$0.50" in dialog.cost.text()  # the whole 5 s input at $0.10/s
    assert "whole input video (5.00 s)" in dialog.cost.text()
    assert dialog.submit_button.isEnabled()

    # The dialog follows the selection while open.
    panel.selection.set_window(Window(1.0, 4.0))
    assert dialog.window_label.text().startswith("1.000–4.000 s · 3.00 s · 72 frames")
    panel.selection.set_window(Window(2.0, 4.0))

    dialog.mode.setCurrentIndex(dialog.mode.findData("replace_video"))
    dialog.prompt.setPlainText("The beam stops; the lamp flickers twice.")
    dialog.submit_button.click()
    assert not dialog.isVisible()
    ((request, lineage),) = controller.queued
    assert request == Retake(
        video_uri=str(controller.library.path_of(take)),
        start_time=2.0,
        duration=2.0,
        mode="replace_video",
        prompt="The beam stops; the lamp flickers twice.",
        model=Model.LTX_2_3_PRO,
    )
    assert lineage == Lineage(
        TakeKind.RETAKE, clip.id, take.id, RetakeSegment(2.0, 2.0, RetakeMode.VIDEO)
    )
    assert request.problems() == []
    request_schema(contract_openapi, "/v2/retake").validate(body(request))
    panel.shutdown()


async def test_extend_hdr_reframe_requests(
    qtbot: QtBot, controller: Controller, clip_a: Path, contract_openapi: dict[str, Any]
) -> None:
    clip = controller.library.add_clip("lighthouse")
    take = controller.add_take(clip.id, clip_a)
    panel = await open_panel(qtbot, controller, take)
    video = str(controller.library.path_of(take))

    QTest.keyClick(panel, Qt.Key.Key_E)
    dialog = panel.dialog
    assert isinstance(dialog, ExtendDialog)
    assert dialog.prompt.toPlainText() == PROMPT
    # Default: +4 s at the end; the model sees the whole 5 s clip (the 505-frame cap allows
    # 17 s); the timeline shades that context.
    assert (
        dialog.plan_label.text() == "+4 s · the model sees 5.00 s of the clip · 216 of 505 frames"
    )
    assert panel.canvas.context_window == Window(0.0, 5.0)
    assert "$0.90" in dialog.cost.text()
    dialog.own_context.setChecked(True)
    dialog.at_start.setChecked(True)
    # +20 s leaves room for 25 frames of context (505 in all): 1.5 s is cut to 1.04 s.
    dialog.seconds.setValue(20.0)
    dialog.context.setValue(1.5)
    assert dialog.context.value() == pytest.approx(25 / 24, abs=0.005)
    assert dialog.plan_label.text().endswith("505 of 505 frames")
    assert panel.canvas.context_window == Window(0.0, dialog.context.value())
    assert "$2.10" in dialog.cost.text()  # (20 + 1.04) s at $0.10/s
    dialog.seconds.setValue(4.0)
    dialog.context.setValue(1.5)
    assert panel.canvas.context_window == Window(0.0, 1.5)
    assert "$0.55" in dialog.cost.text()
    dialog.submit_button.click()
    assert panel.canvas.context_window is None  # the shading goes with the dialog
    ((request, lineage),) = controller.queued
    assert request == Extend(
        video_uri=video, duration=4.0, mode="start", context=1.5, prompt=PROMPT
    )
    assert lineage.kind is TakeKind.EXTEND
    assert lineage.segment == ExtendSegment(4.0, ExtendMode.START, 1.5)
    request_schema(contract_openapi, "/v2/extend").validate(body(request))

    hdr = panel.open_hdr()
    assert hdr is not None
    assert "$0.10" not in hdr.cost.text()
    assert "$1.00" in hdr.cost.text()
    hdr.submit_button.click()
    request, lineage = controller.queued[-1]
    assert request == Hdr(video_uri=video)  # contract §3: HDR takes one field
    assert lineage == Lineage(TakeKind.HDR, clip.id, take.id, None)
    assert not hasattr(hdr, "colorspace")

    reframe = panel.open_reframe()
    assert reframe is not None
    reframe.resolution.setCurrentIndex(reframe.resolution.findData("1080x1920"))
    reframe.anchor.setCurrentIndex(reframe.anchor.findData("top"))
    assert "$1.00" in reframe.cost.text()  # 1080-class output: $0.20/s
    reframe.submit_button.click()
    request, lineage = controller.queued[-1]
    assert request == Reframe(
        video_uri=video, resolution=Resolution(1080, 1920), placement=Placement(anchor="top")
    )
    assert lineage == Lineage(TakeKind.REFRAME, clip.id, take.id, None)
    request_schema(contract_openapi, "/v2/video-to-video-reframe").validate(body(request))
    panel.shutdown()


async def test_impossible_edits_cannot_be_submitted(
    qtbot: QtBot, controller: Controller, tmp_path: Path
) -> None:
    # 2.5 s at 24 fps is 60 frames: retake and extend need an input of at least 73.
    short = make_video(tmp_path / "short.mp4", seconds=2.5, audio=None)
    clip = controller.library.add_clip("short")
    panel = await open_panel(qtbot, controller, controller.add_take(clip.id, short))
    panel.selection.set_window(Window(0.0, 2.5))
    assert "retake needs a video of at least 73" in panel.selection_label.text()
    assert not panel.actions_.retake.isEnabled()
    dialog = panel.open_extend()
    assert dialog is not None
    assert not dialog.submit_button.isEnabled()
    assert "73" in dialog.submit_button.toolTip()
    assert "73" in dialog.reason.text()
    dialog.trigger_submit()  # Enter in the dialog does nothing either
    assert controller.queued == []
    dialog.close()
    panel.shutdown()
