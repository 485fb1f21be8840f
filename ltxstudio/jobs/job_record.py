"""How a pipeline step writes down one job's end, progress and timings in the journal (and
the log line that goes with an end), so every step ends a job the same way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ltxstudio.core import failpoints
from ltxstudio.core.catalog import RETENTION_SECONDS
from ltxstudio.core.clock import Clock
from ltxstudio.core.remote import FailureInfo
from ltxstudio.jobs.model import Job, JobState
from ltxstudio.jobs.outcome import Ended, Held
from ltxstudio.jobs.queue_state import Hold, HoldReason
from ltxstudio.jobs.store import JobStore

log = logging.getLogger("ltxstudio.jobs")


class JobRecord:
    def __init__(self, store: JobStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def fail(self, job: Job, info: FailureInfo, note: str | None = None) -> Ended:
        return self.finish_as(job, JobState.FAILED, note or info.message, info)

    def expire(self, job: Job, note: str) -> Ended:
        return self.finish_as(job, JobState.EXPIRED, note)

    def finish_as(
        self, job: Job, state: JobState, note: str, info: FailureInfo | None = None
    ) -> Ended:
        job = self.store.update(
            job.id,
            state=state,
            note=note,
            error=None if state is JobState.COMPLETED else (info or job.error),
            finished_at=self.clock.time(),
            progress=None,
            next_retry_at=None,
        )
        log.info(
            "job %s %s: %s %s, estimate $%s, remote %s, x-request-id %s, timings %s%s",
            job.id,
            state.value,
            job.spec.endpoint.value,
            job.spec.request.summary(),
            job.estimate_usd,
            job.remote.id if job.remote else "-",
            (info.request_id if info else None) or (job.remote.request_id if job.remote else "-"),
            {k: round(v, 2) for k, v in job.timings.items()},
            f" — {note}" if note else "",
        )
        return Ended(state)

    def hold_for_disk(self, job: Job, exc: OSError, path: Path) -> Held:
        """A result that cannot be written stops the queue, not the job: it stays attached and
        is downloaded (or filed) again when the user resumes, within LTX's 24 h."""
        message = f"cannot write {path}: {exc.strerror or exc}"
        log.warning("job %s: %s", job.id, message)
        self.store.update(job.id, note=message, progress=None)
        return Held(Hold(HoldReason.DISK, message))

    def past_retention(self, job: Job) -> bool:
        since = job.submitted_at or job.created_at
        return self.clock.time() - since > RETENTION_SECONDS + 3600

    def progress(
        self, job_id: str, failpoint: str | None = None
    ) -> Callable[[int, int | None], None]:
        last = [-1, float("-inf")]  # percent shown, when

        def report(done: int, total: int | None) -> None:
            if failpoint and total and 0 < done < total:
                failpoints.hit(failpoint)  # mid-transfer
            if not total:
                return
            percent = int(100 * done / total)
            now = self.clock.monotonic()
            # Throttle at the source: a visible change, at most ten times a second (and the end).
            if percent != last[0] and (now - last[1] >= 0.1 or percent == 100):
                last[0], last[1] = percent, now
                self.store.update(job_id, progress=percent / 100)

        return report

    def timed(self, job: Job, phase: str, started: float) -> dict[str, float]:
        spent = self.clock.monotonic() - started
        return {**job.timings, phase: job.timings.get(phase, 0.0) + spent}
