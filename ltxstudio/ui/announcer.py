"""Tell assistive technology what a sighted user sees in passing (UI-GUIDE §6a).

A job done or failed, a queue held for funds, budget or network: shown in the status bar and the
queue, and also announced with `QAccessibleAnnouncementEvent` (Qt ≥ 6.8), which the AT-SPI bridge
sends as `object:announcement` for Orca to speak. Polite unless the user must act.

The offscreen platform has no accessibility bridge, so `announced` also carries every message:
the UI tests listen to it, the AT-SPI test hears the real event.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent


class Announcer(QObject):
    announced = Signal(str, bool)  # message, assertive

    def __init__(self, anchor: QObject) -> None:
        """`anchor`: an object in the accessibility tree the announcements come from (the
        window's status bar), so the screen reader knows which application speaks."""
        super().__init__(anchor)
        self._anchor = anchor
        self.history: list[str] = []

    def announce(self, message: str, *, assertive: bool = False) -> None:
        message = message.strip()
        if not message:
            return
        event = QAccessibleAnnouncementEvent(self._anchor, message)
        event.setPoliteness(
            QAccessible.AnnouncementPoliteness.Assertive
            if assertive
            else QAccessible.AnnouncementPoliteness.Polite
        )
        QAccessible.updateAccessibility(event)
        self.history.append(message)
        del self.history[:-50]
        self.announced.emit(message, assertive)
