"""The root of ltxstudio's exceptions.

`UserFacingError` carries a sentence a user can act on (and optionally a hint); the UI and CLI
show it as is. Anything else that escapes is a bug and goes to the one error presenter.
"""

from __future__ import annotations


class LtxStudioError(Exception):
    """Base class for every error ltxstudio raises on purpose."""


class UserFacingError(LtxStudioError):
    """A problem the user can understand and fix: bad input, no funds, an expired job."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message
