"""Errors the media layer raises on purpose, and the cancellation token its long jobs check."""

from __future__ import annotations

import threading

from ltxstudio.core.errors import LtxStudioError, UserFacingError


class MediaError(UserFacingError):
    """A file that cannot be used as media; `code` is a stable identifier for the UI and tests."""

    def __init__(self, code: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.code = code


class Cancelled(LtxStudioError):
    """A long media operation stopped because its `CancelToken` was set."""


class CancelToken:
    """A flag a caller sets to stop a long operation between frames.

    Thread-safe: the UI thread sets it, the worker thread checks it.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until cancelled or `timeout` passes; True when cancelled."""
        return self._event.wait(timeout)

    def check(self) -> None:
        """Raise `Cancelled` if the token was set."""
        if self._event.is_set():
            raise Cancelled("cancelled")


def check_cancel(token: CancelToken | None) -> None:
    if token is not None:
        token.check()
