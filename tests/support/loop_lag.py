"""How late the UI loop serves a timer while jobs run: shared by the responsiveness test
(tests/ui/test_responsiveness.py) and the P1 benchmark (tests/benchmarks/bench_loop_lag.py).

A 10 ms `QTimer` records the wall time between its ticks; an idle qasync loop gives ~10 ms, and
anything the loop does in one piece (a slot, a callback, a full garbage collection) shows up as
a longer gap. Real time on purpose: this measures the loop, so it cannot run on a simulated clock.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QTimer

from ltxstudio.jobs.model import Job
from ltxstudio.session import Session
from ltxstudio.session.session import Submission
from tests.support.stall_watch import StallWatch

TICK_MS = 10


@dataclass(frozen=True)
class LagFigures:
    """Gaps between ticks of the 10 ms timer, in milliseconds."""

    ticks: int
    p50: float
    p99: float
    worst: float

    @classmethod
    def of(cls, gaps: Sequence[float]) -> LagFigures:
        ordered = sorted(gaps)
        if not ordered:
            raise ValueError("the timer never ticked")

        def at(pct: float) -> float:
            return ordered[min(len(ordered) - 1, int(len(ordered) * pct))] * 1000

        return cls(len(ordered), at(0.5), at(0.99), ordered[-1] * 1000)

    def as_dict(self) -> dict[str, float]:
        return {"ticks": self.ticks, "p50": self.p50, "p99": self.p99, "max": self.worst}


class TickRecorder:
    """A timer on the UI loop that writes down the gap before each of its ticks.

    With LTXSTUDIO_STALLS=1 a stall watch (tests/support/stall_watch.py) also samples where the
    loop thread was whenever it went 30 ms without a tick, and prints the report at `stop`."""

    def __init__(self, interval_ms: int = TICK_MS) -> None:
        self.watch = StallWatch() if os.environ.get("LTXSTUDIO_STALLS") else None
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    @property
    def ticks(self) -> int:
        return len(self.gaps)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now
        if self.watch is not None:
            self.watch.tick()

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()
        if self.watch is not None:
            self.watch.start()

    def stop(self) -> None:
        self._timer.stop()
        if self.watch is not None and self.watch.running:
            self.watch.stop()
            print(f"\nloop stalls over 30 ms, by where the loop thread was:\n{self.watch.report()}")


async def lag_while_running(
    session: Session,
    submissions: Sequence[Submission],
    limit_s: float,
    recorder: TickRecorder | None = None,
) -> tuple[LagFigures, list[Job]]:
    """Queue `submissions` on a started session (its window already shown), then record the
    timer (a new one unless given) until every job is terminal; returns the figures and the
    jobs as they ended. `limit_s` only guards against a hang; it is not a figure."""
    # As the app does once its window is up (ltxstudio/app.py): the baseline heap is frozen,
    # so full collections on the UI thread do not rescan it (and earlier garbage is gone).
    gc.collect()
    gc.freeze()
    recorder = recorder or TickRecorder()
    try:
        jobs = await session.submit_many(list(submissions))
        recorder.start()
        async with asyncio.timeout(limit_s):
            ended = await session.wait(jobs)
        recorder.stop()
    finally:
        recorder.stop()
        gc.unfreeze()
    return LagFigures.of(recorder.gaps), ended
