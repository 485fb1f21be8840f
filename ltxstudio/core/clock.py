"""Time as a dependency: everything that waits or timestamps takes a `Clock`.

Polling, backoff, leases, retention and the sandbox's job script all read time through this, so
tests swap in `ManualClock` and run hours of simulated waiting in milliseconds, never sleeping.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Wall-clock seconds since the epoch (for timestamps that outlive the process)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for durations and deadlines)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))  # noqa: TID251 - the one real sleep


class ManualClock:
    """A clock that only moves when told to, or when someone sleeps on it.

    `sleep(s)` yields to the loop once and then moves time to at least the sleeper's deadline,
    so concurrent sleepers that started together wake at the same simulated instant instead of
    adding their waits up. `sleeps` records every requested wait for assertions on backoff.
    """

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self._now = start
        self._origin = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._now - self._origin

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        self._now += seconds

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.sleeps.append(seconds)
        deadline = self._now + seconds
        await asyncio.sleep(0)  # noqa: TID251 - a yield, not a wait
        self._now = max(self._now, deadline)
