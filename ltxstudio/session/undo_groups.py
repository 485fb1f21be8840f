"""Undo steps made of several library actions: removing a clip deletes each of its takes, and
Edit → Undo brings the whole clip back in one step.

Mirrors the library's undo stack as a list of step sizes: one entry per record the stack makes,
except inside `group()`, where every record joins one entry. Undo and redo replay a whole entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ltxstudio.core.events import Signal
from ltxstudio.library.undo import UndoStack

#: (records in the step, the step's own label when it is a group)
_Step = tuple[int, str | None]


class UndoGroups:
    def __init__(self, stack: UndoStack) -> None:
        self._stack = stack
        #: What Undo / Redo would do changed (labels, enabled).
        self.changed: Signal[[]] = Signal("undo.groups_changed")
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self._grouping: list[int] | None = None
        self._replaying = False
        stack.changed.connect(self._on_changed)

    @contextmanager
    def group(self, label: str) -> Iterator[None]:
        self._grouping = [0]
        try:
            yield
        finally:
            count, self._grouping = self._grouping[0], None
            if count:
                self._undo.append((count, label))
                self._redo.clear()
            self.changed.emit()

    def undo(self) -> None:
        if self._stack.can_undo:
            self._replay(self._undo, self._stack.undo)

    def redo(self) -> None:
        if self._stack.can_redo:
            self._replay(self._redo, self._stack.redo)

    @property
    def undo_label(self) -> str | None:
        return self._label(self._stack.undo_label, self._undo)

    @property
    def redo_label(self) -> str | None:
        return self._label(self._stack.redo_label, self._redo)

    def _on_changed(self) -> None:
        if self._replaying:
            return
        # A record made outside undo/redo: a new step (or part of the open group).
        if self._grouping is not None:
            self._grouping[0] += 1
            return
        self._undo.append((1, None))
        self._redo.clear()
        self.changed.emit()

    def _replay(self, source: list[_Step], step: Callable[[], None]) -> None:
        count, label = source.pop() if source else (1, None)
        self._replaying = True
        try:
            for _ in range(count):
                step()
        finally:
            self._replaying = False
        target = self._redo if source is self._undo else self._undo
        target.append((count, label))
        self.changed.emit()

    @staticmethod
    def _label(stack_label: str | None, entries: list[_Step]) -> str | None:
        if stack_label is None:
            return None
        if entries and entries[-1][1] is not None:
            return entries[-1][1]
        return stack_label
