"""Issue 14, item 18: every control on screen is reached with Tab, region by region in reading
order (library, viewer, generate, queue, status bar), Tab never gets stuck, glyph-only buttons
have words for names and combos are labelled by their label (a buddy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QWidget,
)

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.session.forms import Mode, generation_request
from tests.support.media_factory import make_image, make_video
from tests.ui.conftest import App, until

pytestmark = pytest.mark.asyncio

CONTROLS = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QAbstractSpinBox,
    QAbstractSlider,
    QAbstractItemView,
)


def on_screen_controls(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, CONTROLS)
        and not isinstance(w, QScrollBar | QHeaderView)  # parts of what they scroll or head
        and w.isVisible()
        and w.isEnabled()
        and w.window() is root
    ]


def label_of(w: QWidget) -> str:
    return w.accessibleName() or w.objectName() or type(w).__name__


async def test_tab_reaches_every_control_in_reading_order(open_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app: App = await open_app()
    s, w = app.session, app.window
    take = await s.take_for_file(make_video(tmp_path / "shot.mp4", seconds=2.0))
    panel = w.viewer_panel
    w.library.clip_activated.emit(take.clip_id)
    await until(lambda: panel.take is not None, panel.take_shown)
    s.pause()
    await s.generate(
        generation_request(
            Mode.TEXT,
            "A lighthouse at dusk. The beam sweeps. The camera dollies in. We hear the wind.",
            Model.LTX_2_3_FAST,
            Resolution(1280, 720),
            24,
            2,
        )
    )
    w.generate.set_mode(Mode.IMAGE)
    w.generate.image.set_path(make_image(tmp_path / "first.png", width=1280, height=720))
    await until(lambda: w.generate.image.inspection is not None, w.generate.image.changed)
    w.activateWindow()
    w.library.search.setFocus()

    walk: list[QWidget] = []
    for _ in range(300):
        focused = QApplication.focusWidget()
        assert focused is not None
        if focused in walk:
            break
        walk.append(focused)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is walk[0], "Tab must come round, not stop in a widget"

    # Seen failing before: the transport (⇤, ◀|, ▶, |▶, ⇥, loop, mute, volume, full screen),
    # the edit buttons, the timeline, the Image/Audio mode buttons and the docks' own buttons
    # were never reached.
    missing = [label_of(c) for c in on_screen_controls(w) if c not in walk]
    assert missing == [], missing

    regions = [w.library_dock, w.viewer, w.generate_dock, w.queue_dock, w.statusBar()]

    def region(widget: QWidget) -> int:
        return next(i for i, r in enumerate(regions) if r is widget or r.isAncestorOf(widget))

    order = [region(x) for x in walk]
    start = next(i for i in range(len(order)) if order[i] == 0 and order[i - 1] != 0)
    order = order[start:] + order[:start]  # the walk is a circle: read it from the library
    assert order == sorted(order), [label_of(x) for x in walk]

    names = {label_of(b) for b in panel.transport.findChildren(QAbstractButton)}
    assert {"Go to start", "Go to end", "One frame back", "Play / pause"} <= names
    assert not {n for n in names if len(n) == 1}  # no glyph for a name
    buddies = {label.buddy() for label in w.findChildren(QLabel) if label.buddy() is not None}
    for combo in on_screen_controls(w):
        if isinstance(combo, QComboBox):
            assert combo in buddies, label_of(combo)
