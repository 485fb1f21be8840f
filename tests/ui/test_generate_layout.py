"""Issue 14, item 14: the generate panel at 1600×1000 and 1280×800 in image and audio modes —
no horizontal scroll bar, nothing cut off at the right, and the soundtrack's "Convert to AAC-LC
M4A" fix (and at 1600×1000 every row) in view without scrolling. Looked at too: `make
screenshots` (14-generate-image-mode, 15-generate-audio-mode)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QScrollArea, QWidget

from ltxstudio.session.forms import Mode
from tests.support.media_factory import make_audio, make_image
from tests.ui.conftest import App, until

pytestmark = pytest.mark.asyncio


def _in_view(widget: QWidget, area: QScrollArea) -> QRect:
    viewport = area.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return QRect(top_left, widget.size())


def _cut_at_the_right(area: QScrollArea) -> list[str]:
    body = area.widget()
    width = area.viewport().width()
    return [
        f"{type(w).__name__} {w.objectName() or w.accessibleName()!r}"
        for w in body.findChildren(QWidget)
        if w.isVisible() and _in_view(w, area).right() > width
    ]


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
async def test_image_and_audio_modes_fit_the_dock(
    open_app,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    size: tuple[int, int],
) -> None:
    app: App = await open_app()
    w = app.window
    w.resize(*size)
    w.fit_docks()  # as a first start at this size lays the docks out
    g = w.generate
    area = g.findChild(QScrollArea)
    assert area is not None
    g.prompt.set_text(
        "A hot-air balloon rises over misty vineyards at sunrise. The burner roars as it climbs. "
        "The camera cranes up alongside the basket. We hear the burner and distant birds."
    )
    g.set_mode(Mode.IMAGE)
    g.image.set_path(
        make_image(tmp_path / "harbour-at-dawn-first-frame.png", width=1280, height=720)
    )
    await until(lambda: g.image.inspection is not None, g.image.changed)
    assert not area.horizontalScrollBar().isVisible()
    # Seen failing before: the pickers' Choose… buttons and the prompt counter were cut off.
    assert _cut_at_the_right(area) == []
    if size == (1600, 1000):  # every row in view, no scrolling
        assert _in_view(g.audio_on, area).bottom() <= area.viewport().height()

    g.set_mode(Mode.AUDIO)
    g.audio.set_path(make_audio(tmp_path / "foghorn-field-recording.wav", codec="pcm_s16le"))
    await until(lambda: g.audio.inspection is not None, g.audio.changed)
    assert g.audio.fix_button.isVisible()
    assert g.audio.fix_button.text() == "Convert to AAC-LC M4A"
    assert not area.horizontalScrollBar().isVisible()
    assert _cut_at_the_right(area) == []
    assert area.verticalScrollBar().value() == 0
    # Before: the Convert fix sat below the fold at 1280×800.
    assert _in_view(g.audio.fix_button, area).bottom() <= area.viewport().height()
    if size == (1600, 1000):
        assert _in_view(g.camera, area).bottom() <= area.viewport().height()
