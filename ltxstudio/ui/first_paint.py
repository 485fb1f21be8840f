"""Tell when a widget has first been painted: how the cold-start benchmark times a launch.

Off unless the app is started with `LTXSTUDIO_EXIT_ON_FIRST_PAINT` set (see `ltxstudio/app.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class FirstPaint(QObject):
    """Calls `done` once, right after the paint pass that first painted `widget`."""

    def __init__(self, widget: QWidget, done: Callable[[], None]) -> None:
        super().__init__(widget)
        self._done = done
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # The top level paints first; its children and the flush to the screen follow in the
            # same pass, so the zero timer fires once the whole window is on screen.
            QTimer.singleShot(0, self._done)
        return False
