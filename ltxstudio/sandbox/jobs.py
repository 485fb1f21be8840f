"""The v2 job table. A job's state is derived from the injected clock against its script, not
driven by background timers: deterministic under `httpx.ASGITransport`, and tests jump time with
`ManualClock.advance`. The only real work, the render, runs in a worker thread; a job reports
`processing` until that render has really finished, even when the script says it is done.

At most `slots` jobs are processing at once (the account's render concurrency): a job submitted
while they are all taken stays `pending` until one frees, first come first served. v2 never
refuses a submit for concurrency (that was the retired sync API's `concurrency_limit_error`,
contract §5); its limit is on how many jobs wait, checked by the service. The wait is planned when
the job is created, from the scripted ends of the jobs ahead of it, so the state stays a pure
function of the clock (and survives a restart: the plan is in the job's row).

With a state dir each job is a row (`statedb.py`) written as it changes; a job whose render was
still owed when the process died keeps its spec there and is rendered again after a restart.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from enum import StrEnum

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.clock import Clock
from ltxstudio.sandbox.config import JobScript
from ltxstudio.sandbox.counters import Counters
from ltxstudio.sandbox.errors import PAYMENT_DECLINED_MESSAGE
from ltxstudio.sandbox.render import Rendered
from ltxstudio.sandbox.statedb import Row, StateDb


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
    # LTX-Desktop's newer code reads 402/422 types on the poll (contract §5).
    "payment_declined_error": PAYMENT_DECLINED_MESSAGE,
}


def failure(error_type: str | None) -> JobError:
    kind = error_type or "content_filtered_error"
    return JobError(kind, FAILURE_MESSAGES.get(kind, f"The generation failed ({kind})."))


@dataclass(frozen=True)
class ResultInfo:
    """What a finished render produced; its bytes live in the object store."""

    content_type: str
    suffix: str
    result_key: str  # the key under `result` in a completed v2 job

    @classmethod
    def of(cls, rendered: Rendered) -> ResultInfo:
        return cls(rendered.content_type, rendered.suffix, rendered.result_key)


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
    result: ResultInfo | None = None
    settled: bool = False
    #: The render spec as JSON (`specjson.py`) while a render is owed, with a state dir.
    spec_json: str | None = None

    @property
    def owes_render(self) -> bool:
        return self.planned_failure is None and self.rendered_at is None

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
    def __init__(
        self,
        clock: Clock,
        script: JobScript,
        speed: float,
        retention: float,
        counters: Counters | None = None,
        db: StateDb | None = None,
        *,
        slots: int = 1_000_000,
    ) -> None:
        self._clock = clock
        self._script = script
        self._speed = speed
        self._slots = slots
        self._retention = retention
        self._counters = counters or Counters()
        self._db = db
        self._jobs: dict[str, Job] = {}
        if db is not None:
            for row in db.load_jobs():
                job = job_from_row(row)
                self._jobs[job.id] = job

    @property
    def created(self) -> int:
        return self._counters["jobs_created"]

    @property
    def completed(self) -> int:
        return self._counters["jobs_completed"]

    @property
    def failed(self) -> int:
        return self._counters["jobs_failed"]

    def create(
        self,
        endpoint: Endpoint,
        planned_failure: JobError | None = None,
        spec_json: str | None = None,
    ) -> Job:
        now = self._clock.time()
        pending = self._script.pending_seconds / self._speed
        processing = self._script.processing_seconds / self._speed
        starts = self._slot_free_at(now + pending)
        job = Job(
            str(uuid.uuid4()),
            endpoint,
            now,
            starts,
            starts + processing,
            planned_failure,
            spec_json=spec_json if planned_failure is None else None,
        )
        if self._db is not None:
            self._db.insert_job(job_to_row(job))
        self._jobs[job.id] = job
        self._counters.add("jobs_created")
        return job

    def _slot_free_at(self, earliest: float) -> float:
        """When a job that could start at `earliest` gets a render slot: first come, first
        served, so it waits for the `slots`-th latest scripted end among the jobs still holding
        or waiting for one (with equal scripts, jobs end in the order they start)."""
        ends = sorted(j.ready_at for j in self._jobs.values() if j.ready_at > earliest)
        if len(ends) < self._slots:
            return earliest
        return max(earliest, ends[-self._slots])

    def finish_render(
        self,
        job: Job,
        result: Rendered | None,
        error: JobError | None = None,
        *,
        at: float | None = None,
    ) -> None:
        job.rendered_at = self._clock.time() if at is None else at
        job.result = ResultInfo.of(result) if result is not None else None
        job.render_failure = error
        job.spec_json = None
        if self._db is not None:
            self._db.job_rendered(
                job.id, job.rendered_at, _error_json(error), _result_json(job.result)
            )

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
                if self._db is not None:
                    self._db.job_settled(job.id)
                self._counters.add(
                    "jobs_completed" if state is JobState.COMPLETED else "jobs_failed"
                )
            end = job.terminal_at
            if job.settled and end is not None and now >= end + self._retention:
                if self._db is not None:
                    self._db.delete_job(job.id)
                del self._jobs[job.id]
        return ended

    def ids(self) -> set[str]:
        return set(self._jobs)

    def count(self) -> int:
        return len(self._jobs)

    def owed(self) -> list[Job]:
        """Jobs still waiting for a render (after a restart: those whose render was cut off)."""
        return [j for j in self._jobs.values() if j.owes_render]

    def active(self) -> list[Job]:
        now = self._clock.time()
        return [
            j
            for j in self._jobs.values()
            if j.state(now) in (JobState.PENDING, JobState.PROCESSING)
        ]

    def in_state(self, state: JobState) -> list[Job]:
        now = self._clock.time()
        return [j for j in self._jobs.values() if j.state(now) is state]

    def seconds_until_one_starts(self) -> float:
        """For Retry-After on the queue limit: when the first waiting job leaves `pending`."""
        now = self._clock.time()
        starts = [j.processing_at - now for j in self.in_state(JobState.PENDING)]
        return max(1.0, min(starts, default=1.0))


# ---------------------------------------------------------------------------- rows


def job_to_row(job: Job) -> Row:
    return (
        job.id,
        job.endpoint.value,
        job.created_at,
        job.processing_at,
        job.ready_at,
        _error_json(job.planned_failure),
        job.spec_json,
        job.rendered_at,
        _error_json(job.render_failure),
        _result_json(job.result),
        int(job.settled),
    )


def job_from_row(row: Row) -> Job:
    (
        job_id,
        endpoint,
        created_at,
        processing_at,
        ready_at,
        planned,
        spec,
        rendered_at,
        render_error,
        result,
        settled,
    ) = row
    return Job(
        job_id,
        Endpoint(endpoint),
        created_at,
        processing_at,
        ready_at,
        _error_of(planned),
        rendered_at,
        _error_of(render_error),
        ResultInfo(**json.loads(result)) if result else None,
        bool(settled),
        spec,
    )


def _error_json(error: JobError | None) -> str | None:
    return json.dumps({"type": error.type, "message": error.message}) if error else None


def _error_of(text: str | None) -> JobError | None:
    return JobError(**json.loads(text)) if text else None


def _result_json(result: ResultInfo | None) -> str | None:
    if result is None:
        return None
    return json.dumps(
        {
            "content_type": result.content_type,
            "suffix": result.suffix,
            "result_key": result.result_key,
        }
    )
