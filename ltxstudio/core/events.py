"""A small typed signal for Qt-free domain objects (stores, runner, library).

Views subscribe; the domain never knows who listens. Bound methods are held weakly so a closed
panel does not keep receiving (or keep alive) after it is gone. A listener that raises is logged
and skipped: one broken view must not abort a store mutation that is already committed.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")
log = logging.getLogger(__name__)


class Signal(Generic[P]):
    def __init__(self, name: str = "signal") -> None:
        self.name = name
        self._slots: list[Callable[[], Callable[P, object] | None]] = []

    def connect(self, slot: Callable[P, object]) -> Callable[P, object]:
        """Subscribe `slot`; returns it so this can be used as a decorator."""
        ref: Callable[[], Callable[P, object] | None]
        if hasattr(slot, "__self__") and hasattr(slot, "__func__"):
            ref = weakref.WeakMethod(slot)
        else:
            ref = _strong(slot)
        self._slots.append(ref)
        return slot

    def disconnect(self, slot: Callable[P, object]) -> None:
        self._slots = [r for r in self._slots if r() not in (slot, None)]

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        dead = False
        for ref in list(self._slots):
            slot = ref()
            if slot is None:
                dead = True
                continue
            try:
                slot(*args, **kwargs)
            except Exception:
                log.exception("listener %r of %s failed", slot, self.name)
        if dead:
            self._slots = [r for r in self._slots if r() is not None]

    def __len__(self) -> int:
        return sum(1 for r in self._slots if r() is not None)


def _strong(slot: Callable[P, object]) -> Callable[[], Callable[P, object]]:
    return lambda: slot
