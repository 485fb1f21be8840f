"""Colours, palette and fonts shared by every panel (UI-GUIDE §2), so parts built by different
hands look like one app.

The Theme setting applies live (`apply_choice`): light, dark, or — the default — whatever the OS
says, followed when the OS switches while the app runs."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from ltxstudio.jobs.model import JobState
from ltxstudio.settings.model import Theme

GREY = "#8a8f98"
BLUE = "#3b82f6"
AMBER = "#d97706"
GREEN = "#16a34a"
RED = "#dc2626"
ACCENT = "#7c5cff"  # one accent for selection, focus and primary buttons

_STATE_COLOUR = {
    JobState.DRAFT: GREY,
    JobState.QUEUED: GREY,
    JobState.AWAITING_APPROVAL: AMBER,
    JobState.UPLOADING: BLUE,
    JobState.SUBMITTING: BLUE,
    JobState.PENDING: BLUE,
    JobState.PROCESSING: BLUE,
    JobState.DOWNLOADING: BLUE,
    JobState.COMPLETED: GREEN,
    JobState.FAILED: RED,
    JobState.CANCELLED: GREY,
    JobState.EXPIRED: AMBER,
    JobState.OUTCOME_UNKNOWN: AMBER,
}


def state_colour(state: JobState) -> str:
    return _STATE_COLOUR[state]


def monospace_font(point_size: int = 0) -> QFont:
    """Timecodes: a fixed-width font so digits do not jiggle while playing."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if point_size:
        font.setPointSize(point_size)
    return font


def apply(app: QApplication, dark: bool | None = None) -> None:
    """Fusion style; follow the OS light/dark preference unless told; our accent colour."""
    if app.style().name().lower() != "fusion":
        # Once: replacing the style while windows are up deletes the one they paint with.
        app.setStyle("Fusion")
    if dark is None:
        dark = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    palette = app.style().standardPalette() if not dark else _dark_palette()
    accent = QColor(ACCENT)
    palette.setColor(QPalette.ColorRole.Highlight, accent)
    palette.setColor(QPalette.ColorRole.Link, accent)
    app.setPalette(palette)


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#1e1f22"), QColor("#2b2d31"), QColor("#e6e6e6")
    for role, colour in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, base),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor(GREY)),
    ):
        p.setColor(role, colour)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b6f76"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b6f76"))
    return p


class _Follower(QObject):
    """Re-applies the palette when the OS switches light/dark, while the setting says so."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.choice = Theme.SYSTEM
        app.styleHints().colorSchemeChanged.connect(self.on_scheme)

    def on_scheme(self, scheme: Qt.ColorScheme) -> None:
        if self.choice is Theme.SYSTEM:
            apply(self.app, dark=scheme == Qt.ColorScheme.Dark)


def apply_choice(app: QApplication, choice: Theme) -> None:
    """Apply the Theme setting now, and keep following the OS when it is "system"."""
    follower = app.findChild(_Follower)
    if follower is None:
        follower = _Follower(app)
    follower.choice = choice
    match choice:
        case Theme.SYSTEM:
            apply(app)
        case Theme.LIGHT:
            apply(app, dark=False)
        case Theme.DARK:
            apply(app, dark=True)


def follower(app: QApplication) -> QObject | None:
    """The object following the OS scheme (tests drive its `on_scheme`)."""
    return app.findChild(_Follower)
