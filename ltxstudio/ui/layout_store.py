"""Where a main window keeps its geometry and dock layout — and the draft on the generate panel
and the clip that was open — between runs.

UI state, not preferences (those are `settings.json`): the user's window keeps it in QSettings.
The window is handed its store, so a window that must not touch the user's layout — the
self-test's, opened inside the running app — is simply given one that forgets.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from PySide6.QtCore import QByteArray, QSettings


class LayoutStore(Protocol):
    def load(self) -> tuple[QByteArray | None, QByteArray | None]:
        """The saved (geometry, dock state), each None when there is none."""
        ...

    def save(self, geometry: QByteArray, state: QByteArray) -> None: ...

    def load_draft(self) -> dict[str, Any] | None:
        """The generate panel's draft and the open clip, as `save_draft` was given them."""
        ...

    def save_draft(self, draft: dict[str, Any]) -> None: ...


class SettingsLayout:
    """The user's layout, in QSettings."""

    def load(self) -> tuple[QByteArray | None, QByteArray | None]:
        ui = QSettings()
        geometry, state = ui.value("window/geometry"), ui.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def save(self, geometry: QByteArray, state: QByteArray) -> None:
        ui = QSettings()
        ui.setValue("window/geometry", geometry)
        ui.setValue("window/state", state)

    def load_draft(self) -> dict[str, Any] | None:
        text = QSettings().value("window/draft")
        if not isinstance(text, str):
            return None
        try:
            found = json.loads(text)
        except ValueError:
            return None  # a damaged draft is no draft
        return found if isinstance(found, dict) else None

    def save_draft(self, draft: dict[str, Any]) -> None:
        QSettings().setValue("window/draft", json.dumps(draft))


class MemoryLayout:
    """A layout kept for this window's life only."""

    def __init__(self) -> None:
        self.geometry: QByteArray | None = None
        self.state: QByteArray | None = None
        self.draft: dict[str, Any] | None = None

    def load(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self.geometry, self.state

    def save(self, geometry: QByteArray, state: QByteArray) -> None:
        self.geometry, self.state = geometry, state

    def load_draft(self) -> dict[str, Any] | None:
        return self.draft

    def save_draft(self, draft: dict[str, Any]) -> None:
        self.draft = draft
