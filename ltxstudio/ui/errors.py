"""The one place unexpected errors are shown: logged with their traceback, then presented in a
non-modal panel (the app keeps running) with "Copy details" and "Open log folder".

qasync reports exceptions from `asyncSlot`s to `sys.excepthook`, and so does `ui.background` for
the tasks it starts, so installing this hook covers slots, tasks, timers and callbacks alike. What
the event loop itself catches (a callback that raised, a task whose error nobody retrieved) comes
here through the loop's exception handler. A `UserFacingError` is shown as its sentence, without
an apology or a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ltxstudio.core.errors import UserFacingError
from ltxstudio.core.logsetup import RedactSecrets

log = logging.getLogger("ltxstudio.ui")


class ErrorPresenter:
    def __init__(self, parent: Callable[[], QWidget | None], log_dir: Path | None) -> None:
        self._parent = parent
        self._log_dir = log_dir
        self._open: list[QMessageBox] = []
        self.shown: list[str] = []  # what the user saw (tests read it)

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self.excepthook
        if loop is not None:
            loop.set_exception_handler(self.loop_exception)

    def loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """The event loop's exception handler: errors are presented like any other. A
        cancellation is not an error, and a context without an exception is asyncio talking
        about itself: both go to asyncio's own handler, which logs them."""
        error = context.get("exception")
        if not isinstance(error, Exception):
            loop.default_exception_handler(context)
            return
        log.error("event loop: %s", context.get("message") or "unhandled exception")
        self.excepthook(type(error), error, error.__traceback__)

    def excepthook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if isinstance(error, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        if isinstance(error, UserFacingError):
            log.info("shown to the user: %s", error)
            self.show(str(error), details=None)
            return
        log.error("unexpected error", exc_info=(kind, error, tb))
        details = RedactSecrets.scrub("".join(traceback.format_exception(kind, error, tb)))
        self.show(
            f"Sorry, something went wrong: {RedactSecrets.scrub(str(error)) or kind.__name__}. "
            "The app keeps running; the details are in the log.",
            details=details,
        )

    def show(self, text: str, details: str | None) -> None:
        self.shown.append(text)
        box = QMessageBox(self._parent())
        box.setWindowTitle("LTX Studio Desktop")
        box.setIcon(QMessageBox.Icon.Warning if details else QMessageBox.Icon.Information)
        box.setText(text)
        if details:
            box.setDetailedText(details)
            copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
            copy.clicked.disconnect()
            copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        if self._log_dir is not None:
            folder = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
            folder.clicked.disconnect()
            log_dir = self._log_dir
            folder.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir)))
            )
        box.addButton(QMessageBox.StandardButton.Close)
        box.setModal(False)
        box.finished.connect(lambda _r: self._open.remove(box) if box in self._open else None)
        self._open.append(box)
        box.show()
