"""Where a main window keeps its geometry and dock layout between runs.

UI state, not preferences (those are `settings.json`): the user's window keeps it in QSettings.
The window is handed its store, so a window that must not touch the user's layout — the
self-test's, opened inside the running app — is simply given one that forgets.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QByteArray, QSettings


class LayoutStore(Protocol):
    def load(self) -> tuple[QByteArray | None, QByteArray | None]:
        """The saved (geometry, dock state), each None when there is none."""
        ...

    def save(self, geometry: QByteArray, state: QByteArray) -> None: ...


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


class MemoryLayout:
    """A layout kept for this window's life only."""

    def __init__(self) -> None:
        self.geometry: QByteArray | None = None
        self.state: QByteArray | None = None

    def load(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self.geometry, self.state

    def save(self, geometry: QByteArray, state: QByteArray) -> None:
        self.geometry, self.state = geometry, state
