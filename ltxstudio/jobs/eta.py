"""How long a job will probably take. LTX returns no progress or ETA, so we learn from history:
the median render time of recent finished jobs like this one, else a rule of thumb per output
second."""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Iterable

from ltxstudio.jobs.model import Job, JobState

#: Seconds of rendering per second of output when there is no history yet (a cautious guess).
DEFAULT_SECONDS_PER_OUTPUT_SECOND = 12.0
_QUEUE_GUESS = 5.0
#: Only recent history counts: render times drift, and a journal of 10 000 jobs must not cost
#: the queue view a full scan at start.
HISTORY_JOBS = 500
SAMPLES_PER_KIND = 100


def _kind(job: Job) -> tuple[str, str, str]:
    request = job.spec.request
    model = getattr(request, "model", None)
    resolution = getattr(request, "resolution", None)
    return (request.endpoint.value, str(model or ""), str(resolution or ""))


def _output_seconds(job: Job) -> float:
    duration = getattr(job.spec.request, "duration", None)
    return float(duration) if isinstance(duration, int | float) else 6.0


class EtaModel:
    def __init__(self, history: Iterable[Job] = ()) -> None:
        self._samples: dict[tuple[str, str, str], deque[float]] = {}
        for job in list(history)[-HISTORY_JOBS:]:
            self.learn(job)

    def learn(self, job: Job) -> None:
        render = job.timings.get("render")
        if job.state is JobState.COMPLETED and render:
            per_second = render / max(1.0, _output_seconds(job))
            kind = _kind(job)
            if kind not in self._samples:
                self._samples[kind] = deque(maxlen=SAMPLES_PER_KIND)
            self._samples[kind].append(per_second)

    def total_seconds(self, job: Job) -> float:
        samples = self._samples.get(_kind(job))
        rate = statistics.median(samples) if samples else DEFAULT_SECONDS_PER_OUTPUT_SECOND
        return _QUEUE_GUESS + rate * _output_seconds(job)

    def remaining(self, job: Job, now: float) -> float | None:
        """Seconds left for a job the API is working on; None when it means nothing."""
        if job.state not in (JobState.PENDING, JobState.PROCESSING) or job.submitted_at is None:
            return None
        return max(0.0, self.total_seconds(job) - (now - job.submitted_at))
