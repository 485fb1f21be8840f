"""What one pipeline step tells the runner. The pipeline journals the job's own state; anything
that concerns the queue as a whole (a hold, the concurrency limit, LTX's queue gate) travels in
these values, and only the runner applies it."""

from __future__ import annotations

from dataclasses import dataclass

from ltxstudio.jobs.model import Job, JobState
from ltxstudio.jobs.queue_state import Hold


@dataclass(frozen=True)
class Continue:
    """The step is done; the next one starts from `job`."""

    job: Job


@dataclass(frozen=True)
class Accepted:
    """LTX took the submission and its id is journaled: a clean submit, which may raise a
    lowered concurrency limit back."""

    job: Job


@dataclass(frozen=True)
class Refused:
    """The API did not take the job (nothing billed); it is back in the queue, maybe with a
    retry time. The queue may have to hold, run fewer at once, or wait for LTX's queue."""

    hold: Hold | None = None
    lower_concurrency: bool = False
    #: LTX's queue of waiting jobs is full: no submission for at least this many seconds.
    queue_full_for: float | None = None


@dataclass(frozen=True)
class Held:
    """The job stays attached (accepted, maybe billed) but cannot go on until the user resumes."""

    hold: Hold


@dataclass(frozen=True)
class Ended:
    """The job reached a terminal state; a refused payment in its status holds the queue too."""

    state: JobState
    hold: Hold | None = None


Outcome = Continue | Accepted | Refused | Held | Ended
