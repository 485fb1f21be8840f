"""One job's way through the API: upload → submit → poll → download → finalize.

Each phase commits the journal *before* its side effect, so a crash at any instant leaves a row
that says what may have happened. The one rule above all: once a submit may have reached the
API, it is never sent again automatically; an unclear outcome becomes OUTCOME_UNKNOWN and the
user decides.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import assert_never

from ltxstudio.core import failpoints
from ltxstudio.core.backoff import backoff_delay
from ltxstudio.core.catalog import upload_is_stale
from ltxstudio.core.clock import Clock
from ltxstudio.core.remote import (
    ApiFailure,
    Completed,
    Failed,
    FailureInfo,
    FailureKind,
    JobRef,
    Pending,
    Processing,
    ResultKey,
)
from ltxstudio.jobs.failure_policy import (
    ReadVerdict,
    RemoteVerdict,
    SubmitVerdict,
    read_retry_delay,
    read_verdict,
    refusal,
    remote_verdict,
    submit_verdict,
)
from ltxstudio.jobs.job_record import JobRecord
from ltxstudio.jobs.model import Job, JobOutput, JobState
from ltxstudio.jobs.notes import (
    UNKNOWN_NOTE,
    funds_sentence,
    permission_sentence,
    refusal_note,
)
from ltxstudio.jobs.outcome import Accepted, Continue, Ended, Held, Outcome
from ltxstudio.jobs.ports import Finalizer, GenerationBackend
from ltxstudio.jobs.queue_state import auth_hold, funds_hold, funds_hold_for
from ltxstudio.jobs.store import JobStore

log = logging.getLogger("ltxstudio.jobs")


Step = Callable[[Job], Awaitable[Outcome]]


class Pipeline:
    """The steps of one job. Each journals the job's own state and returns an `Outcome`; what
    concerns the whole queue is in that value, for the runner to apply."""

    def __init__(
        self,
        store: JobStore,
        backend: GenerationBackend,
        clock: Clock,
        results_dir: Path,
        poll_delay: Callable[[], float],
        finalize: Finalizer | None = None,
    ) -> None:
        self.store = store
        self.backend = backend
        self.clock = clock
        self.results_dir = results_dir
        self.poll_delay = poll_delay
        self.finalize = finalize
        self.record = JobRecord(store, clock)

    def steps_for(self, state: JobState) -> list[Step]:
        """What is left to do for a job in `state` (nothing for one no process drives)."""
        match state:
            case JobState.QUEUED:
                return [self.prepare, self.submit, self.poll, self.download, self.finish]
            case JobState.PENDING | JobState.PROCESSING:
                return [self.poll, self.download, self.finish]
            case JobState.DOWNLOADING:
                return [self.download, self.finish]
            case (
                JobState.DRAFT
                | JobState.AWAITING_APPROVAL
                | JobState.UPLOADING
                | JobState.SUBMITTING
                | JobState.COMPLETED
                | JobState.FAILED
                | JobState.CANCELLED
                | JobState.EXPIRED
                | JobState.OUTCOME_UNKNOWN
            ):
                return []
            case _:
                assert_never(state)

    # ------------------------------------------------------------------ upload

    async def prepare(self, job: Job) -> Outcome:
        started = self.clock.monotonic()
        job = self.store.update(job.id, state=JobState.UPLOADING, progress=0.0, note="")
        reusable = job.prepared is not None and not self._uploads_stale(job)
        if job.prepared is not None and not reusable:
            log.info(
                "job %s: its uploads are over 23 h old (they live 24 h); uploading again", job.id
            )
        try:
            progress = self.record.progress(job.id, failpoint="upload")
            if reusable and job.prepared is not None:
                return Continue(self.store.update(job.id, progress=None))
            prepared = await self.backend.prepare(job.spec.request, progress)
        except ApiFailure as failure:
            return self._refused(job, failure, phase="upload")
        except (OSError, ValueError) as exc:  # a local file vanished or cannot be read
            return self.record.fail(job, FailureInfo(FailureKind.INVALID_REQUEST, str(exc)))
        return Continue(
            self.store.update(
                job.id,
                prepared=prepared,
                prepared_at=self.clock.time(),
                progress=None,
                timings=self.record.timed(job, "upload", started),
            )
        )

    def _uploads_stale(self, job: Job) -> bool:
        """Whether a prepared body may carry storage URIs that die before LTX fetches them."""
        if not job.spec.request.local_files():
            return False  # nothing was uploaded: the body is the request itself
        if job.prepared_at is None:
            return True  # journaled before the time was kept: cannot vouch for it
        return upload_is_stale(job.prepared_at, self.clock.time())

    # ------------------------------------------------------------------ submit

    async def submit(self, job: Job) -> Outcome:
        prepared = job.prepared
        assert prepared is not None
        started = self.clock.monotonic()
        # The intent is committed before the request leaves: a crash from here on is "unknown".
        job = await self.store.update_durably(
            job.id,
            state=JobState.SUBMITTING,
            submitted_at=self.clock.time(),
            progress=None,
        )
        endpoint = job.spec.endpoint
        failpoints.hit("after-intent")
        try:
            ref = await self.backend.submit(prepared)
        except ApiFailure as failure:
            return self._submit_failed(job, failure)
        except Exception as exc:  # whatever broke, the POST may have been sent
            log.exception("job %s: unexpected error while submitting", job.id)
            return self.record.finish_as(job, JobState.OUTCOME_UNKNOWN, f"{UNKNOWN_NOTE} ({exc})")
        failpoints.hit("after-submit")
        timings = self.record.timed(job, "submit", started)
        log.info(
            "job %s submitted: %s %s (x-request-id %s)", job.id, endpoint, ref.id, ref.request_id
        )
        return Accepted(
            await self.store.update_durably(
                job.id, state=JobState.PENDING, remote=ref, timings=timings, attempts=0
            )
        )

    def _submit_failed(self, job: Job, failure: ApiFailure) -> Outcome:
        match submit_verdict(failure.kind):
            case SubmitVerdict.UNKNOWN:
                return self.record.finish_as(
                    job, JobState.OUTCOME_UNKNOWN, f"{UNKNOWN_NOTE}: {failure}", failure.info()
                )
            case SubmitVerdict.REFUSED:
                return self._refused(job, failure, phase="submit")
            case SubmitVerdict.NOT_PERMITTED:
                return self.record.fail(job, failure.info(), _permission_note(failure))
            case SubmitVerdict.FAILED:
                return self.record.fail(job, failure.info())
            case unknown:
                assert_never(unknown)

    def _refused(self, job: Job, failure: ApiFailure, *, phase: str) -> Outcome:
        """The API did not take the job (nothing billed): back to the queue, maybe hold it."""
        attempts = job.attempts + 1
        decided = refusal(failure, attempts)
        if decided is None:
            return self.record.fail(job, failure.info())
        outcome, delay = decided
        log.info("job %s: %s refused (%s); back in the queue", job.id, phase, failure.kind.value)
        self.store.update(
            job.id,
            state=JobState.QUEUED,
            submitted_at=None,
            attempts=attempts,
            next_retry_at=self.clock.time() + delay if delay else None,
            error=failure.info(),
            note=refusal_note(failure, delay),
            progress=None,
        )
        return outcome

    # ------------------------------------------------------------------ poll

    async def poll(self, job: Job) -> Outcome:
        remote = job.remote
        assert remote is not None
        started = self.clock.monotonic()
        while True:
            if self.record.past_retention(job):
                return self.record.expire(job, "LTX keeps a job for 24 h; this one is gone")
            try:
                status = await self.backend.status(remote)
            except ApiFailure as failure:
                waited = await self._read_failed(job, failure, "status check")
                if not isinstance(waited, Continue):
                    return waited
                job = waited.job
                continue
            failpoints.hit("poll")
            match status:
                case Pending():
                    job = self.store.update(job.id, state=JobState.PENDING, attempts=0, note="")
                case Processing():
                    job = self.store.update(job.id, state=JobState.PROCESSING, attempts=0, note="")
                case Completed(result=result):
                    return Continue(
                        self.store.update(
                            job.id,
                            state=JobState.DOWNLOADING,
                            result_urls=dict(result),
                            attempts=0,
                            next_retry_at=None,
                            note="",
                            timings=self.record.timed(job, "render", started),
                        )
                    )
                case Failed(error_type=error_type, message=message, kind=kind):
                    return self._remote_failed(
                        job, FailureInfo(kind, message, None, error_type, remote.request_id)
                    )
                case _:
                    assert_never(status)
            await self.clock.sleep(self.poll_delay())
            job = self.store.get(job.id)

    async def _read_failed(self, job: Job, failure: ApiFailure, what: str) -> Outcome:
        """A poll or download went wrong: wait and go on (Continue), or stop driving."""
        match read_verdict(failure.kind):
            case ReadVerdict.EXPIRED:
                gone = f"LTX no longer has this job or its result ({what}: 404)"
                return self.record.expire(job, gone)
            case ReadVerdict.HOLD_AUTH:
                return Held(auth_hold(failure))  # stays attached; re-driven on resume
            case ReadVerdict.HOLD_FUNDS:
                return Held(funds_hold_for(failure))
            case ReadVerdict.NOT_PERMITTED:
                return self.record.fail(job, failure.info(), _permission_note(failure))
            case ReadVerdict.RETRY:
                attempts = job.attempts + 1
                delay = read_retry_delay(failure, attempts)
                job = self.store.update(
                    job.id,
                    attempts=attempts,
                    next_retry_at=self.clock.time() + delay,
                    error=failure.info(),
                    note=f"{what} failed ({failure.kind.value}); retrying in {delay:.0f} s",
                )
                await self.clock.sleep(delay)
                return Continue(self.store.update(job.id, next_retry_at=None))
            case unknown:
                assert_never(unknown)

    # ------------------------------------------------------------------ download

    async def download(self, job: Job) -> Outcome:
        started = self.clock.monotonic()
        done = {o.key for o in job.outputs}
        for key in list(job.result_urls):
            if key in done:
                continue
            while True:
                if self.record.past_retention(job):
                    return self.record.expire(job, "the result expired before it was downloaded")
                try:
                    got = await self.backend.download(
                        job.result_urls[key],
                        self._result_path(job, key),
                        self.record.progress(job.id, "download"),
                    )
                except ApiFailure as failure:
                    if failure.kind is FailureKind.STORAGE_REFUSED and job.remote is not None:
                        # The signed URL died on its own clock (contract §5), not the result.
                        waited = await self._fresh_result(job, job.remote, failure)
                    else:
                        waited = await self._read_failed(job, failure, "download")
                    if not isinstance(waited, Continue):
                        return waited
                    job = waited.job
                    continue
                except OSError as exc:  # our disk, not the API: no retry helps until it has room
                    return self.record.hold_for_disk(job, exc, self._result_path(job, key))
                output = JobOutput(key, str(got.path), got.size, got.sha256)
                job = self.store.update(
                    job.id, outputs=(*job.outputs, output), progress=None, attempts=0, note=""
                )
                break
        timings = self.record.timed(job, "download", started)
        return Continue(self.store.update(job.id, timings=timings))

    async def _fresh_result(self, job: Job, remote: JobRef, failure: ApiFailure) -> Outcome:
        """Ask LTX for the job again: a completed job's status hands out freshly signed URLs.
        Only when the status itself is gone has the result expired."""
        attempts = job.attempts + 1
        log.info("job %s: result URL refused (%s); asking LTX for a fresh one", job.id, failure)
        if attempts > 1:  # the fresh URL was refused too: do not hammer the host
            await self.clock.sleep(backoff_delay(attempts - 1, base=2.0, cap=120.0))
        try:
            status = await self.backend.status(remote)
        except ApiFailure as poll_failure:
            if poll_failure.kind is FailureKind.NOT_FOUND:
                return self.record.expire(
                    job,
                    "the result expired before it was downloaded (its link expired and LTX no "
                    "longer has the job)",
                )
            return await self._read_failed(job, poll_failure, "status check")
        match status:
            case Completed(result=result):
                return Continue(
                    self.store.update(
                        job.id,
                        result_urls=dict(result),
                        attempts=attempts,
                        error=failure.info(),
                        note="the result link expired; downloading from a fresh one",
                    )
                )
            case Failed(error_type=error_type, message=message, kind=kind):
                info = FailureInfo(kind, message, None, error_type, remote.request_id)
                return self._remote_failed(job, info)
            case Pending() | Processing():  # not what a finished job says; ask again later
                await self.clock.sleep(self.poll_delay())
                return Continue(self.store.update(job.id, attempts=attempts))
            case _:
                assert_never(status)

    def _remote_failed(self, job: Job, info: FailureInfo) -> Outcome:
        """LTX says the job failed (unbilled). A funds refusal also holds the queue, as on
        submit; the job itself ends failed, and Retry sends it again once the user chooses."""
        match remote_verdict(info.kind):
            case RemoteVerdict.FUNDS:
                note = f"{funds_sentence(info)}; not billed — Retry once resolved"
                ended = self.record.fail(job, info, note)
                return Ended(ended.state, funds_hold(info.message, info.kind))
            case RemoteVerdict.NOT_PERMITTED:
                note = permission_sentence(info.message, info.request_id)
                return self.record.fail(job, info, note)
            case RemoteVerdict.FAILED:
                return self.record.fail(job, info)
            case unknown:
                assert_never(unknown)

    # ------------------------------------------------------------------ finish

    async def finish(self, job: Job) -> Outcome:
        if self.finalize is not None:
            try:
                await self.finalize(job)
                failpoints.hit("filed")
            except OSError as exc:  # filing is idempotent: it runs again once there is room
                unwritable = Path(exc.filename or job.outputs[0].path)
                return self.record.hold_for_disk(job, exc, unwritable)
            except Exception as exc:  # the paid result must be kept and reported
                log.exception("job %s: finalizing failed", job.id)
                where = ", ".join(o.path for o in job.outputs)
                info = FailureInfo(FailureKind.PROTOCOL, f"could not file the result: {exc}")
                note = f"could not file the result ({exc}); the result is safe at {where}"
                return self.record.finish_as(job, JobState.FAILED, note, info)
        return self.record.finish_as(job, JobState.COMPLETED, "")

    # ------------------------------------------------------------------ helpers

    def _result_path(self, job: Job, key: ResultKey) -> Path:
        return self.results_dir / job.id / f"{key.value}{key.suffix}"


def _permission_note(failure: ApiFailure) -> str:
    return permission_sentence(failure.message, failure.request_id)
