"""An identical request queued again within a few seconds asks first.

Ctrl+Enter works from anywhere in the window (UI-GUIDE §4), so a second press meant for
something else — or a double press — queued the same paid job again: three identical jobs within
a second were seen. The same request a while later is a deliberate re-roll and goes straight in.
Time is the session's clock, so tests drive it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from ltxstudio.core.clock import Clock

#: Within this many seconds, the same request again is probably a slip.
SAME_REQUEST_SECONDS = 10.0


class DuplicateGuard:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._last: tuple[Any, float] | None = None
        self.question: QMessageBox | None = None

    def seconds_since_same(self, request: Any) -> float | None:
        """How long ago this very request was queued, when that was only moments ago."""
        if self._last is None or self._last[0] != request:
            return None
        ago = self._clock.time() - self._last[1]
        return ago if ago < SAME_REQUEST_SECONDS else None

    def queued(self, request: Any) -> None:
        self._last = (request, self._clock.time())

    @property
    def asking(self) -> bool:
        return self.question is not None and self.question.isVisible()

    def ask(self, parent: QWidget, ago: float, go: Callable[[], None]) -> QMessageBox:
        box = QMessageBox(parent)
        box.setObjectName("duplicateQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(parent.tr("Queue the same request again?"))
        box.setText(parent.tr("You queued this same request %1 s ago.").replace("%1", f"{ago:.0f}"))
        box.setInformativeText(
            parent.tr("Queue it again? It is a second job, estimated and billed on its own.")
        )
        again = box.addButton(parent.tr("Queue again"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(parent.tr("Don't queue"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # a third press of Enter must not be the slip again

        def finished() -> None:
            self.question = None
            if box.clickedButton() is again:
                go()

        box.finished.connect(finished)
        self.question = box
        box.open()
        return box
