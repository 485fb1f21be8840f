"""How long a job the API is working on has been at it, and how long it usually takes.

LTX reports no progress, so the queue shows what is true: the time since the job was sent, and
an estimate learned from the jobs that finished before it — per backend × endpoint × model ×
resolution × duration, the median of the latest runs. With no run of that kind yet there is no
estimate (a rule of thumb was 4–12× off); with runs of the same model and size at other
durations, their per-second rate is scaled and the estimate is marked approximate. Once the
usual time has passed the row says "longer than usual" instead of counting below zero.

Qt-free on purpose (engine wish: the runner could own it and persist it).
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from ltxstudio.jobs.model import Job, JobState

SAMPLES = 20  # per kind: recent runs only, render times drift
HISTORY = 500  # finished jobs read at start

_Kind = tuple[str, str, str, str, str]  # backend, endpoint, model, resolution, duration
_Family = tuple[str, str, str, str]  # the same without the duration


@dataclass(frozen=True)
class Timing:
    elapsed: float  # seconds since the job was sent
    expected: float | None  # the usual total, None when nothing like it ran yet
    approximate: bool = False  # scaled from other durations

    @property
    def remaining(self) -> float | None:
        return None if self.expected is None else self.expected - self.elapsed

    @property
    def late(self) -> bool:
        left = self.remaining
        return left is not None and left <= 0.0


def clock_text(seconds: float) -> str:
    """m:ss, rounded up: a job with 0.4 s left reads 0:01, never 0:00."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


def elapsed_text(seconds: float) -> str:
    whole = max(0, math.floor(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _seconds(job: Job) -> float | None:
    value = getattr(job.spec.request, "duration", None)
    return float(value) if isinstance(value, int | float) and value > 0 else None


def _family(job: Job) -> _Family:
    request = job.spec.request
    model, resolution = getattr(request, "model", ""), getattr(request, "resolution", None)
    return (job.backend, job.spec.endpoint.value, str(model or ""), str(resolution))


def _kind(job: Job) -> _Kind:
    return (*_family(job), str(_seconds(job)))


def _total(job: Job) -> float | None:
    """Seconds from the submit to the result being ready (before the download)."""
    render = job.timings.get("render")
    if job.state is not JobState.COMPLETED or not render:
        return None
    return job.timings.get("submit", 0.0) + render


class EtaBook:
    def __init__(self, history: Iterable[Job] = ()) -> None:
        self._kinds: dict[_Kind, deque[float]] = {}
        self._rates: dict[_Family, deque[float]] = {}  # seconds per output second
        for job in list(history)[-HISTORY:]:
            self.learn(job)

    def learn(self, job: Job) -> None:
        total = _total(job)
        if total is None:
            return
        self._kinds.setdefault(_kind(job), deque(maxlen=SAMPLES)).append(total)
        seconds = _seconds(job)
        if seconds:
            self._rates.setdefault(_family(job), deque(maxlen=SAMPLES)).append(total / seconds)

    def expected(self, job: Job) -> tuple[float | None, bool]:
        """The usual seconds from submit to result for a job like this, and whether scaled."""
        same = self._kinds.get(_kind(job))
        if same:
            return statistics.median(same), False
        rates, seconds = self._rates.get(_family(job)), _seconds(job)
        if rates and seconds:
            return statistics.median(rates) * seconds, True
        return None, False

    def timing(self, job: Job, now: float) -> Timing | None:
        """For a job LTX is working on (pending or processing); None otherwise."""
        if job.state not in (JobState.PENDING, JobState.PROCESSING) or job.submitted_at is None:
            return None
        expected, approximate = self.expected(job)
        return Timing(max(0.0, now - job.submitted_at), expected, approximate)
