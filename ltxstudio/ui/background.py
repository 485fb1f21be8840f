"""The one way UI code starts background work on the qasync loop.

The loop holds tasks weakly, so a task nobody keeps can be collected mid-run; and an exception in
a task nobody awaits is only logged when the task is collected, if ever — the user sees nothing
happen. `Background` (one per owning object) fixes both: it keeps every task it starts until the
task ends, and reports any exception but cancellation to `sys.excepthook`, which the app routes
to its one error presenter (`ui/errors.py`), as qasync does for `asyncSlot`s.

A *slot* names latest-wins work: starting a run in a slot cancels the one still running there
(a new clip's thumbnails replace the old clip's, a newly picked file replaces the inspection of
the previous one). Runs without a slot are independent; `cancel_all` stops everything, e.g. when
the owner closes.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


def report(error: BaseException) -> None:
    """Hand an unexpected error to the app's error presenter (`sys.excepthook`)."""
    sys.excepthook(type(error), error, error.__traceback__)


class Background:
    def __init__(self) -> None:
        self._slots: dict[str, asyncio.Task[Any]] = {}
        self._free: set[asyncio.Task[Any]] = set()
        self._stopping: set[asyncio.Task[Any]] = set()  # cancelled, not finished yet: still ours

    def run(self, work: Coroutine[Any, Any, T], slot: str | None = None) -> asyncio.Task[T]:
        """Start `work` (cancelling the run still in `slot`, if one is named); the task is
        returned for callers that want to await it or look at its result."""
        if slot is not None:
            self.cancel(slot)
        task = asyncio.ensure_future(work)
        if slot is None:
            self._free.add(task)
        else:
            self._slots[slot] = task
        task.add_done_callback(lambda done: self._finished(done, slot))
        return task

    def _finished(self, task: asyncio.Task[Any], slot: str | None) -> None:
        self._free.discard(task)
        self._stopping.discard(task)
        if slot is not None and self._slots.get(slot) is task:
            del self._slots[slot]
        if task.cancelled() or (error := task.exception()) is None:
            return
        if task.get_loop().is_running():
            report(error)
        else:
            # Stepped after its loop stopped (the app quitting; in tests, a test's loop ending
            # with work pending): it failed for want of a loop, and no window is left to say so.
            log.warning("background work ended after the event loop stopped", exc_info=error)

    def task(self, slot: str) -> asyncio.Task[Any] | None:
        """The run in progress in `slot`, if any."""
        # By `done()`, not by the done-callback having run: that comes a loop step later.
        task = self._slots.get(slot)
        return task if task is not None and not task.done() else None

    def busy(self, slot: str | None = None) -> bool:
        """Whether `slot` (or, without one, anything started here) is still running."""
        if slot is not None:
            return self.task(slot) is not None
        return any(not task.done() for task in [*self._slots.values(), *self._free])

    def cancel(self, slot: str) -> None:
        task = self._slots.pop(slot, None)
        if task is not None:
            self._stop(task)

    def cancel_all(self) -> None:
        for task in [*self._slots.values(), *self._free]:
            self._stop(task)
        self._slots.clear()
        self._free.clear()

    def _stop(self, task: asyncio.Task[Any]) -> None:
        if task.cancel():  # it unwinds at its next step; keep it referenced until then
            self._stopping.add(task)
