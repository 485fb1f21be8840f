from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.pricing import Quote, quote
from ltxstudio.core.request import (
    GenerationRequest,
    LocalFile,
    MediaFacts,
)
from ltxstudio.session.forms import Mode
from ltxstudio.session.history import Presets
from ltxstudio.ui.generate_panel import GeneratePanel, _select

GOOD = (
    "A lighthouse stands on a cliff at dusk. Its beam begins to sweep the fog. Waves crash "
    "below as gulls circle. The camera slowly dollies in. We hear the foghorn and the wind."
)


def estimate(req: GenerationRequest, facts: MediaFacts | None) -> Quote:
    return quote(req.cost_basis(facts))


def panel(qtbot: QtBot, tmp_path: Path) -> GeneratePanel:
    p = GeneratePanel(estimate, presets=Presets(tmp_path / "presets.json"))
    qtbot.addWidget(p)
    p.show()
    return p


def items(combo: object) -> list[object]:
    return [combo.itemData(i) for i in range(combo.count())]  # type: ignore[attr-defined]


def test_controls_follow_the_catalog(qtbot: QtBot, tmp_path: Path) -> None:
    p = panel(qtbot, tmp_path)
    assert p.model.currentData() == "ltx-2-3-pro"
    assert p.resolution.currentData() == Resolution(1920, 1080)
    assert items(p.duration) == [2, 3, 4, 5, 6, 8, 10]
    assert not p.generate_button.isEnabled()
    assert p.reason.text() == "Write a prompt to generate."
    p.prompt.set_text(GOOD)
    assert p.generate_button.isEnabled()
    assert p.cost.text() == "$0.48"  # 6 s at 1080p on 2.3 Pro
    # Fast at 1080p 24 fps may run 20 s; 4K may not, and switching says so.
    _select(p.model, "ltx-2-3-fast")
    assert 20 in items(p.duration)
    _select(p.duration, 20)
    _select(p.resolution, Resolution(3840, 2160))
    assert 20 not in items(p.duration)
    assert "20 s is not available here; now 6 s." in p.note.text()
    # CONTRACT-2026-09 §2: LTX-2.5 Pro gained 1440p, 4K and 48 fps
    _select(p.model, "ltx-2-5-pro")
    assert p.resolution.currentData() == Resolution(3840, 2160)  # kept: 2.5 Pro has 4K now
    assert Resolution(2560, 1440) in items(p.resolution)
    assert 48 in items(p.fps)
    assert None in items(p.duration)  # automatic duration exists for 2.5
    _select(p.duration, 10)
    assert p.cost.text() == "$3.90"  # 10 s of 2.5 Pro 4K at $0.39
    # 2–5 s are allowed but not in the docs: the list says so
    labels = [p.duration.itemText(i) for i in range(p.duration.count())]
    assert "2 s · beyond the documented matrix" in labels
    assert "6 s" in labels
    # camera motion only on Pro
    _select(p.model, "ltx-2-5-fast")
    assert not p.camera.isEnabled()


def test_modes_show_the_right_pickers_and_block_with_reasons(qtbot: QtBot, tmp_path: Path) -> None:
    p = panel(qtbot, tmp_path)
    p.prompt.set_text(GOOD)
    p.set_mode(Mode.IMAGE)
    assert p.image.isVisible()
    # The optional last frame is one line until asked for (issue 14, item 14).
    assert p.add_last_frame.isVisible()
    assert not p.last_frame.isVisible()
    p.add_last_frame.click()
    assert p.last_frame.isVisible()
    assert not p.audio.isVisible()
    assert p.reason.text() == "image-to-video needs a first-frame image"
    p.image.set_path(tmp_path / "first.png")
    assert p.generate_button.isEnabled()
    req = p.request()
    assert req.media() == {"image_uri": LocalFile(str(tmp_path / "first.png"))}
    p.set_mode(Mode.AUDIO)
    assert [Model(m) for m in items(p.model)] == [
        Model.LTX_2_3_PRO,
        Model.LTX_2_5_FAST,
        Model.LTX_2_5_PRO,
    ]
    # Contract §3: audio-to-video takes fps (24 by default), a camera move and a last frame.
    assert p.fps.isVisible()
    assert items(p.fps) == [24, 25, 48, 50]
    assert p.fps.currentData() == 24
    assert p.camera.isVisible()
    assert p.last_frame.isVisible()
    assert not p.duration.isVisible()
    assert p.reason.text().startswith("audio-to-video needs a soundtrack")
    assert p.cost.text() == "$0.10 per second of audio"  # 2.3 Pro at 1080p, published
    _select(p.model, "ltx-2-5-pro")
    _select(p.resolution, Resolution(3840, 2160))
    assert p.cost.text() == "≈ $0.39 per second of audio\n(rate not published)"
    _select(p.fps, 48)
    p.audio.set_path(tmp_path / "song.m4a")
    p.last_frame.set_path(tmp_path / "last.png")
    req = p.request()
    assert req.fps == 48
    assert req.media()["last_frame_uri"] == LocalFile(str(tmp_path / "last.png"))
    assert p.reason.text() == ""  # the image from image mode is still there
    p.image.set_path(None)
    assert p.reason.text() == "a last frame needs a first-frame image too"


def test_ctrl_enter_emits_the_request_and_presets_round_trip(qtbot: QtBot, tmp_path: Path) -> None:
    p = panel(qtbot, tmp_path)
    p.prompt.set_text(GOOD)
    _select(p.duration, 8)
    with qtbot.waitSignal(p.generate_requested) as blocker:
        p.trigger_generate()
    (req,) = blocker.args
    assert req.duration == 8
    values = p.preset_values()
    p.prompt.set_text("")
    _select(p.duration, 4)
    p.apply_values(values)
    assert p.prompt.text() == GOOD
    assert p.duration.currentData() == 8
