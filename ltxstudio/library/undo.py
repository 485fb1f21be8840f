"""Undo and redo for library actions, recorded by observing the library's events (the UI never
builds undo entries by hand). Covers switching the active take and deleting a take."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ltxstudio.core.events import Signal
from ltxstudio.library.model import Clip, Take
from ltxstudio.library.store import Library


@dataclass(frozen=True)
class Action:
    label: str
    undo: Callable[[], object]
    redo: Callable[[], object]


class UndoStack:
    def __init__(self, library: Library, limit: int = 100) -> None:
        self.library = library
        self.limit = limit
        self._undo: list[Action] = []
        self._redo: list[Action] = []
        self._replaying = False
        self._group: list[Action] | None = None
        self._group_label = ""
        self.changed: Signal[[]] = Signal("undo.changed")
        library.take_activated.connect(self._on_take_activated)
        library.take_deleted.connect(self._on_take_deleted)
        library.action_started.connect(self._on_action_started)
        library.action_finished.connect(self._on_action_finished)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def undo(self) -> None:
        if self._undo:
            action = self._undo.pop()
            self._replay(action.undo)
            self._redo.append(action)
            self.changed.emit()

    def redo(self) -> None:
        if self._redo:
            action = self._redo.pop()
            self._replay(action.redo)
            self._undo.append(action)
            self.changed.emit()

    def _replay(self, fn: Callable[[], object]) -> None:
        self._replaying = True
        try:
            fn()
        finally:
            self._replaying = False

    def _record(self, action: Action) -> None:
        if self._replaying:
            return
        if self._group is not None:
            self._group.append(action)
            return
        self._undo.append(action)
        del self._undo[: -self.limit]
        self._redo.clear()
        self.changed.emit()

    def _on_take_activated(self, clip: Clip, old: str | None, new: str | None) -> None:
        if old is None:
            return  # a clip's first take becoming active is not a user's switch
        lib = self.library
        self._record(
            Action(
                "switch take",
                lambda: lib.set_active_take(clip.id, old),
                lambda: lib.set_active_take(clip.id, new),
            )
        )

    def _on_take_deleted(self, take: Take) -> None:
        lib = self.library
        self._record(
            Action(
                "delete take",
                lambda: lib.restore_take(take.id),
                lambda: lib.delete_take(take.id),
            )
        )

    def _on_action_started(self, label: str) -> None:
        if not self._replaying and self._group is None:
            self._group, self._group_label = [], label

    def _on_action_finished(self) -> None:
        if self._group is None:
            return
        actions, self._group = self._group, None
        if not actions:
            return

        def undo() -> None:
            for action in reversed(actions):
                action.undo()

        def redo() -> None:
            for action in actions:
                action.redo()

        self._record(Action(self._group_label, undo, redo))
