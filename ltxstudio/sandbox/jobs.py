"""The v2 job table. A job's state is derived from the injected clock against its script, not
driven by background timers: deterministic under `httpx.ASGITransport`, and tests jump time with
`ManualClock.advance`. The only real work, the render, runs in a worker thread; a job reports
`processing` until that render has really finished, even when the script says it is done.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.clock import Clock
from ltxstudio.sandbox.config import JobScript
from ltxstudio.sandbox.render import Rendered


class JobState(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class JobError:
    type: str
    message: str


FAILURE_MESSAGES = {
    "content_filtered_error": "Content rejected by safety filters.",
    "api_error": "The generation failed unexpectedly.",
    "insufficient_funds_error": "Insufficient funds to finish the generation.",
}


def failure(error_type: str | None) -> JobError:
    kind = error_type or "content_filtered_error"
    return JobError(kind, FAILURE_MESSAGES.get(kind, f"The generation failed ({kind})."))


@dataclass
class Job:
    id: str
    endpoint: Endpoint
    created_at: float
    processing_at: float  # script: pending until here
    ready_at: float  # script: processing until here (at the earliest)
    planned_failure: JobError | None = None
    rendered_at: float | None = None
    render_failure: JobError | None = None
    result: Rendered | None = field(default=None, repr=False)
    settled: bool = False

    @property
    def terminal_at(self) -> float | None:
        """When the job ended (or will end, for a planned failure); None while it renders."""
        if self.planned_failure is not None:
            return self.ready_at
        if self.rendered_at is None:
            return None
        return max(self.ready_at, self.rendered_at)

    @property
    def error(self) -> JobError | None:
        return self.planned_failure or self.render_failure

    def state(self, now: float) -> JobState:
        if now < self.processing_at:
            return JobState.PENDING
        end = self.terminal_at
        if end is None or now < end:
            return JobState.PROCESSING
        return JobState.FAILED if self.error is not None else JobState.COMPLETED


class JobTable:
    def __init__(self, clock: Clock, script: JobScript, speed: float, retention: float) -> None:
        self._clock = clock
        self._script = script
        self._speed = speed
        self._retention = retention
        self._jobs: dict[str, Job] = {}
        self.created = 0
        self.completed = 0
        self.failed = 0

    def create(self, endpoint: Endpoint, planned_failure: JobError | None = None) -> Job:
        now = self._clock.time()
        pending = self._script.pending_seconds / self._speed
        processing = self._script.processing_seconds / self._speed
        job = Job(
            str(uuid.uuid4()),
            endpoint,
            now,
            now + pending,
            now + pending + processing,
            planned_failure,
        )
        self._jobs[job.id] = job
        self.created += 1
        return job

    def finish_render(
        self, job: Job, result: Rendered | None, error: JobError | None = None
    ) -> None:
        job.rendered_at = self._clock.time()
        job.result = result
        job.render_failure = error

    def get(self, endpoint: str, job_id: str) -> Job | None:
        """The job, or None when it is unknown, was submitted to another endpoint, or expired."""
        job = self._jobs.get(job_id)
        if job is None or job.endpoint.value != endpoint:
            return None
        return job

    def sweep(self) -> list[Job]:
        """Jobs that reached a terminal state since the last sweep (to settle their charge);
        forgets jobs whose retention ran out."""
        now = self._clock.time()
        ended: list[Job] = []
        for job in list(self._jobs.values()):
            state = job.state(now)
            if state in (JobState.COMPLETED, JobState.FAILED) and not job.settled:
                job.settled = True
                ended.append(job)
                if state is JobState.COMPLETED:
                    self.completed += 1
                else:
                    self.failed += 1
            end = job.terminal_at
            if job.settled and end is not None and now >= end + self._retention:
                del self._jobs[job.id]
        return ended

    def active(self) -> list[Job]:
        now = self._clock.time()
        return [
            j
            for j in self._jobs.values()
            if j.state(now) in (JobState.PENDING, JobState.PROCESSING)
        ]

    def seconds_until_one_ends(self) -> float:
        """For Retry-After on the concurrency limit: the soonest scripted end of a running job."""
        now = self._clock.time()
        ends = [(j.terminal_at or j.ready_at) - now for j in self.active()]
        return max(1.0, min(ends, default=1.0))
