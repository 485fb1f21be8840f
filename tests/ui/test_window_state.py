"""Issue 14, items 4, 8, 13 and 16: the Theme setting applies live and follows the OS; the draft
and the open clip survive a restart; the wheel scrolls the generate panel instead of changing the
combo under the pointer; the same request queued twice within seconds asks first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QScrollArea

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.session.forms import Mode
from ltxstudio.settings.model import Theme
from ltxstudio.ui.generate_panel import _select
from tests.support.media_factory import make_image, make_video
from tests.ui.conftest import App, until

pytestmark = pytest.mark.asyncio

PROMPT = (
    "A lighthouse stands on a cliff at dusk. Its beam sweeps the fog as waves crash below. "
    "The camera slowly dollies in. We hear the foghorn and the wind."
)


def dark() -> bool:
    palette = QApplication.palette()
    window = palette.color(QPalette.ColorRole.Window).lightness()
    return window < palette.color(QPalette.ColorRole.WindowText).lightness()


@pytest.fixture
def light_again() -> Iterator[None]:
    """The palette is the whole app's: put the light one back for the tests after this."""
    yield
    from ltxstudio.ui import theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_choice(app, Theme.LIGHT)
    theme.apply_choice(app, Theme.SYSTEM)


async def test_theme_applies_when_settings_are_accepted_and_follows_the_os(
    open_app,  # type: ignore[no-untyped-def]
    light_again: None,
) -> None:
    app: App = await open_app()
    w = app.window
    assert not dark()
    w.open_settings()
    dialog = w.settings_dialog
    dialog.theme.setCurrentIndex(dialog.theme.findData(Theme.DARK))
    dialog._accept()
    # Seen failing before: the value was saved and the palette stayed light.
    assert dark()
    w.open_settings()
    w.settings_dialog.theme.setCurrentIndex(w.settings_dialog.theme.findData(Theme.SYSTEM))
    w.settings_dialog._accept()
    assert not dark()  # the offscreen platform reports no scheme: light
    from ltxstudio.ui import theme

    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    follower = theme.follower(qt_app)
    assert follower is not None
    follower.on_scheme(Qt.ColorScheme.Dark)  # what the OS switching to dark emits
    assert dark()
    follower.on_scheme(Qt.ColorScheme.Light)
    assert not dark()


async def test_draft_and_open_clip_come_back_after_a_restart(
    open_app,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    first: App = await open_app()
    w = first.window
    take = await first.session.take_for_file(make_video(tmp_path / "shot.mp4", seconds=1.0))
    clip_id = take.clip_id
    shown = w.viewer_panel.show_clip(clip_id)
    assert shown is not None
    await shown
    image = make_image(tmp_path / "first.png", width=1280, height=720)
    g = w.generate
    g.set_mode(Mode.IMAGE)
    g.prompt.set_text(PROMPT)
    _select(g.model, Model.LTX_2_3_FAST.value)
    _select(g.resolution, Resolution(1280, 720))
    _select(g.fps, 25)
    _select(g.duration, 8)
    g.image.set_path(image)
    w.close()  # as quitting does (a programmatic close asks nothing)

    second: App = await open_app()
    g2 = second.window.generate
    # Seen failing before: a blank text-to-video form and an empty viewer.
    assert g2.mode is Mode.IMAGE
    assert g2.prompt.text() == PROMPT
    assert g2.model.currentData() == Model.LTX_2_3_FAST.value
    assert g2.resolution.currentData() == Resolution(1280, 720)
    assert g2.fps.currentData() == 25
    assert g2.duration.currentData() == 8
    assert g2.image.path == image
    panel = second.window.viewer_panel
    await until(lambda: panel.clip is not None and panel.clip.id == clip_id, panel.take_shown)


async def test_the_wheel_scrolls_the_panel_and_leaves_unfocused_combos_alone(
    open_app,  # type: ignore[no-untyped-def]
) -> None:
    app: App = await open_app()
    w = app.window
    w.resize(1280, 800)
    w.fit_docks()
    g = w.generate
    g.set_mode(Mode.AUDIO)  # the tallest form: the panel scrolls
    combo = g.resolution
    before = combo.currentIndex()
    assert not combo.hasFocus()
    scroll = g.findChild(QScrollArea)
    bar = scroll.verticalScrollBar()
    start = bar.value()
    centre = QPointF(combo.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(combo.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, -120),  # one notch down
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(combo, wheel)
    # Seen failing before: the resolution moved one entry and the panel did not scroll.
    assert combo.currentIndex() == before
    assert bar.maximum() == 0 or bar.value() > start
    combo.setFocus()
    assert combo.hasFocus() or not w.isActiveWindow()  # offscreen focus may lag activation


async def test_the_same_request_again_within_seconds_asks_first(
    open_app,  # type: ignore[no-untyped-def]
) -> None:
    app: App = await open_app()
    s, w = app.session, app.window
    # The session's virtual clock jumps whenever the idle runner sleeps; this one only moves
    # when the test says so.
    clock = ManualClock()
    if hasattr(w, "duplicates"):
        w.duplicates._clock = clock
    s.pause()  # nothing runs: we count what is queued
    g = w.generate
    g.prompt.set_text(PROMPT)
    _select(g.model, Model.LTX_2_3_FAST.value)
    w.generate_action.trigger()
    await until(lambda: len(s.store) == 1, w.jobs_model.rowsInserted)
    w.generate_action.trigger()  # a second Ctrl+Enter a moment later
    w.generate_action.trigger()  # and a third
    question = w.findChild(QMessageBox, "duplicateQuestion")
    # Seen failing before: three identical jobs in the queue, no question.
    assert question is not None
    assert question.isVisible()
    assert "same request" in question.text()
    assert len(s.store) == 1
    dont = next(b for b in question.buttons() if b.text() == "Don't queue")
    dont.click()
    assert len(s.store) == 1
    w.generate_action.trigger()
    again = w.findChild(QMessageBox, "duplicateQuestion")
    next(b for b in again.buttons() if b.text() == "Queue again").click()
    await until(lambda: len(s.store) == 2, w.jobs_model.rowsInserted)
    clock.advance(60)  # a deliberate re-roll a minute later goes straight in
    w.generate_action.trigger()
    await until(lambda: len(s.store) == 3, w.jobs_model.rowsInserted)
