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
from typing import TYPE_CHECKING, assert_never

from ltxstudio.core import failpoints
from ltxstudio.core.backoff import backoff_delay
from ltxstudio.core.catalog import RETENTION_SECONDS, upload_is_stale
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
from ltxstudio.jobs.model import Job, JobOutput, JobState

if TYPE_CHECKING:
    from ltxstudio.jobs.runner import Runner

log = logging.getLogger("ltxstudio.jobs")


UNKNOWN_NOTE = (
    "ltxstudio cannot tell whether LTX accepted this submission (it may be billed); "
    "check before resubmitting"
)


Step = Callable[[Job], Awaitable[Job | None]]


class Pipeline:
    def __init__(self, runner: Runner) -> None:
        self.r = runner
        self.store = runner.store
        self.clock = runner.clock
        self.backend = runner.backend

    # ------------------------------------------------------------------ driving

    async def drive(self, job: Job) -> None:
        steps: list[Step]
        match job.state:
            case JobState.QUEUED:
                steps = [self.prepare, self.submit, self.poll, self.download, self.finish]
            case JobState.PENDING | JobState.PROCESSING:
                steps = [self.poll, self.download, self.finish]
            case JobState.DOWNLOADING:
                steps = [self.download, self.finish]
            case _:
                return
        current: Job | None = job
        for step in steps:
            if current is None:
                return
            current = await step(current)

    # ------------------------------------------------------------------ upload

    async def prepare(self, job: Job) -> Job | None:
        started = self.clock.monotonic()
        job = self.store.update(job.id, state=JobState.UPLOADING, progress=0.0, note="")
        reusable = job.prepared is not None and not self._uploads_stale(job)
        if job.prepared is not None and not reusable:
            log.info(
                "job %s: its uploads are over 23 h old (they live 24 h); uploading again", job.id
            )
        try:
            progress = self._progress(job.id, failpoint="upload")
            if reusable and job.prepared is not None:
                return self.store.update(job.id, progress=None)
            prepared = await self.backend.prepare(job.spec.request, progress)
        except ApiFailure as failure:
            self._refused(job, failure, phase="upload")
            return None
        except (OSError, ValueError) as exc:  # a local file vanished or cannot be read
            self._fail(job, FailureInfo(FailureKind.INVALID_REQUEST, str(exc)))
            return None
        return self.store.update(
            job.id,
            prepared=prepared,
            prepared_at=self.clock.time(),
            progress=None,
            timings=self._timed(job, "upload", started),
        )

    def _uploads_stale(self, job: Job) -> bool:
        """Whether a prepared body may carry storage URIs that die before LTX fetches them."""
        if not job.spec.request.local_files():
            return False  # nothing was uploaded: the body is the request itself
        if job.prepared_at is None:
            return True  # journaled before the time was kept: cannot vouch for it
        return upload_is_stale(job.prepared_at, self.clock.time())

    # ------------------------------------------------------------------ submit

    async def submit(self, job: Job) -> Job | None:
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
            self._submit_failed(job, failure)
            return None
        except Exception as exc:  # whatever broke, the POST may have been sent
            log.exception("job %s: unexpected error while submitting", job.id)
            self._finish_as(job, JobState.OUTCOME_UNKNOWN, f"{UNKNOWN_NOTE} ({exc})")
            return None
        failpoints.hit("after-submit")
        self.r.submit_accepted()
        timings = self._timed(job, "submit", started)
        log.info(
            "job %s submitted: %s %s (x-request-id %s)", job.id, endpoint, ref.id, ref.request_id
        )
        return await self.store.update_durably(
            job.id, state=JobState.PENDING, remote=ref, timings=timings, attempts=0
        )

    def _submit_failed(self, job: Job, failure: ApiFailure) -> None:
        match failure.kind:
            case FailureKind.OUTCOME_UNKNOWN | FailureKind.TIMEOUT | FailureKind.PROTOCOL:
                self._finish_as(
                    job, JobState.OUTCOME_UNKNOWN, f"{UNKNOWN_NOTE}: {failure}", failure.info()
                )
                return None
            case (
                FailureKind.INSUFFICIENT_FUNDS
                | FailureKind.PAYMENT_DECLINED
                | FailureKind.AUTHENTICATION
                | FailureKind.CONCURRENCY_LIMITED
                | FailureKind.RATE_LIMITED
                | FailureKind.SERVER
                | FailureKind.CONNECTION
            ):
                self._refused(job, failure, phase="submit")
                return None
            case FailureKind.PERMISSION:
                self._fail(job, failure.info(), _permission_note(failure))
                return None
            case (
                FailureKind.INVALID_REQUEST
                | FailureKind.CONTENT_FILTERED
                | FailureKind.REQUEST_TOO_LARGE
                | FailureKind.NOT_FOUND
                | FailureKind.STORAGE_REFUSED  # not an answer a submit can get: say so, stop
            ):
                self._fail(job, failure.info())
                return None
            case _:
                assert_never(failure.kind)

    def _refused(self, job: Job, failure: ApiFailure, *, phase: str) -> None:
        """The API did not take the job (nothing billed): back to the queue, maybe hold it."""
        now = self.clock.time()
        attempts = job.attempts + 1
        match failure.kind:
            case FailureKind.INSUFFICIENT_FUNDS | FailureKind.PAYMENT_DECLINED:
                self.r.hold_for_funds(failure)
                delay = 0.0
            case FailureKind.AUTHENTICATION:
                self.r.hold_for_auth(failure)
                delay = 0.0
            case FailureKind.CONCURRENCY_LIMITED:
                self.r.concurrency_refused(job.id)
                delay = failure.retry_after or backoff_delay(attempts, base=5.0, cap=120.0)
            case FailureKind.RATE_LIMITED:
                # v2: the organisation's queue of waiting jobs is full. Not a reason to run
                # fewer at once: hold the next submissions until one of ours starts rendering.
                delay = failure.retry_after or backoff_delay(attempts, base=5.0, cap=120.0)
                self.r.queue_full(delay)
            case FailureKind.SERVER | FailureKind.CONNECTION | FailureKind.STORAGE_REFUSED:
                delay = failure.retry_after or backoff_delay(attempts, base=2.0, cap=300.0)
            case (
                FailureKind.PERMISSION
                | FailureKind.INVALID_REQUEST
                | FailureKind.REQUEST_TOO_LARGE
                | FailureKind.CONTENT_FILTERED
                | FailureKind.NOT_FOUND
                | FailureKind.TIMEOUT
                | FailureKind.OUTCOME_UNKNOWN
                | FailureKind.PROTOCOL
            ):
                self._fail(job, failure.info())
                return
            case _:
                assert_never(failure.kind)
        log.info("job %s: %s refused (%s); back in the queue", job.id, phase, failure.kind.value)
        self.store.update(
            job.id,
            state=JobState.QUEUED,
            submitted_at=None,
            attempts=attempts,
            next_retry_at=now + delay if delay else None,
            error=failure.info(),
            note=_refusal_note(failure, delay),
            progress=None,
        )

    # ------------------------------------------------------------------ poll

    async def poll(self, job: Job) -> Job | None:
        remote = job.remote
        assert remote is not None
        started = self.clock.monotonic()
        while True:
            if self._past_retention(job):
                self._expire(job, "LTX keeps a job for 24 h; this one is gone")
                return None
            try:
                status = await self.backend.status(remote)
            except ApiFailure as failure:
                outcome = await self._read_failed(job, failure, "status check")
                if outcome is None:
                    return None
                job = outcome
                continue
            failpoints.hit("poll")
            match status:
                case Pending():
                    job = self.store.update(job.id, state=JobState.PENDING, attempts=0, note="")
                case Processing():
                    job = self.store.update(job.id, state=JobState.PROCESSING, attempts=0, note="")
                case Completed(result=result):
                    return self.store.update(
                        job.id,
                        state=JobState.DOWNLOADING,
                        result_urls=dict(result),
                        attempts=0,
                        next_retry_at=None,
                        note="",
                        timings=self._timed(job, "render", started),
                    )
                case Failed(error_type=error_type, message=message, kind=kind):
                    self._remote_failed(
                        job, FailureInfo(kind, message, None, error_type, remote.request_id)
                    )
                    return None
                case _:
                    assert_never(status)
            await self.clock.sleep(self.r.poll_delay())
            job = self.store.get(job.id)

    async def _read_failed(self, job: Job, failure: ApiFailure, what: str) -> Job | None:
        """A poll or download went wrong: wait and go on, or stop driving (None)."""
        match failure.kind:
            case FailureKind.NOT_FOUND:
                self._expire(job, f"LTX no longer has this job or its result ({what}: 404)")
                return None
            case FailureKind.AUTHENTICATION:
                self.r.hold_for_auth(failure)
                return None  # stays attached; re-driven when the queue resumes
            case FailureKind.INSUFFICIENT_FUNDS | FailureKind.PAYMENT_DECLINED:
                self.r.hold_for_funds(failure)
                return None
            case FailureKind.PERMISSION:
                self._fail(job, failure.info(), _permission_note(failure))
                return None
            case (
                FailureKind.STORAGE_REFUSED
                | FailureKind.RATE_LIMITED
                | FailureKind.CONCURRENCY_LIMITED
                | FailureKind.SERVER
                | FailureKind.TIMEOUT
                | FailureKind.CONNECTION
                | FailureKind.PROTOCOL
                | FailureKind.OUTCOME_UNKNOWN
                | FailureKind.INVALID_REQUEST
                | FailureKind.CONTENT_FILTERED
                | FailureKind.REQUEST_TOO_LARGE
            ):
                # The job is paid for or on its way: never give up on a blip, only on retention.
                attempts = job.attempts + 1
                delay = failure.retry_after or backoff_delay(attempts, base=2.0, cap=120.0)
                job = self.store.update(
                    job.id,
                    attempts=attempts,
                    next_retry_at=self.clock.time() + delay,
                    error=failure.info(),
                    note=f"{what} failed ({failure.kind.value}); retrying in {delay:.0f} s",
                )
                await self.clock.sleep(delay)
                return self.store.update(job.id, next_retry_at=None)
            case _:
                assert_never(failure.kind)

    # ------------------------------------------------------------------ download

    async def download(self, job: Job) -> Job | None:
        started = self.clock.monotonic()
        done = {o.key for o in job.outputs}
        for key in list(job.result_urls):
            if key in done:
                continue
            while True:
                if self._past_retention(job):
                    self._expire(job, "the result expired before it was downloaded")
                    return None
                try:
                    got = await self.backend.download(
                        job.result_urls[key],
                        self._result_path(job, key),
                        self._progress(job.id, "download"),
                    )
                except ApiFailure as failure:
                    if failure.kind is FailureKind.STORAGE_REFUSED and job.remote is not None:
                        # The signed URL died on its own clock (contract §5), not the result.
                        outcome = await self._fresh_result(job, job.remote, failure)
                    else:
                        outcome = await self._read_failed(job, failure, "download")
                    if outcome is None:
                        return None
                    job = outcome
                    continue
                except OSError as exc:  # our disk, not the API: no retry helps until it has room
                    self._hold_for_disk(job, exc, self._result_path(job, key))
                    return None
                output = JobOutput(key, str(got.path), got.size, got.sha256)
                job = self.store.update(
                    job.id, outputs=(*job.outputs, output), progress=None, attempts=0, note=""
                )
                break
        return self.store.update(job.id, timings=self._timed(job, "download", started))

    async def _fresh_result(self, job: Job, remote: JobRef, failure: ApiFailure) -> Job | None:
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
                self._expire(
                    job,
                    "the result expired before it was downloaded (its link expired and LTX no "
                    "longer has the job)",
                )
                return None
            return await self._read_failed(job, poll_failure, "status check")
        match status:
            case Completed(result=result):
                return self.store.update(
                    job.id,
                    result_urls=dict(result),
                    attempts=attempts,
                    error=failure.info(),
                    note="the result link expired; downloading from a fresh one",
                )
            case Failed(error_type=error_type, message=message, kind=kind):
                info = FailureInfo(kind, message, None, error_type, remote.request_id)
                self._remote_failed(job, info)
                return None
            case Pending() | Processing():  # not what a finished job says; ask again later
                await self.clock.sleep(self.r.poll_delay())
                return self.store.update(job.id, attempts=attempts)
            case _:
                assert_never(status)

    def _remote_failed(self, job: Job, info: FailureInfo) -> None:
        """LTX says the job failed (unbilled). A funds refusal also holds the queue, as on
        submit; the job itself ends failed, and Retry sends it again once the user chooses."""
        match info.kind:
            case FailureKind.INSUFFICIENT_FUNDS | FailureKind.PAYMENT_DECLINED:
                self.r.hold_for_funds_message(info.message, info.kind)
                self._fail(job, info, f"{_funds_sentence(info)}; not billed — Retry once resolved")
            case FailureKind.PERMISSION:
                self._fail(job, info, _permission_sentence(info.message, info.request_id))
            case (
                FailureKind.AUTHENTICATION
                | FailureKind.INVALID_REQUEST
                | FailureKind.REQUEST_TOO_LARGE
                | FailureKind.CONTENT_FILTERED
                | FailureKind.NOT_FOUND
                | FailureKind.RATE_LIMITED
                | FailureKind.CONCURRENCY_LIMITED
                | FailureKind.SERVER
                | FailureKind.TIMEOUT
                | FailureKind.CONNECTION
                | FailureKind.OUTCOME_UNKNOWN
                | FailureKind.PROTOCOL
                | FailureKind.STORAGE_REFUSED
            ):
                self._fail(job, info)
            case _:
                assert_never(info.kind)

    # ------------------------------------------------------------------ finish

    async def finish(self, job: Job) -> None:
        if self.r.finalize is not None:
            try:
                await self.r.finalize(job)
                failpoints.hit("filed")
            except OSError as exc:  # filing is idempotent: it runs again once there is room
                self._hold_for_disk(job, exc, Path(exc.filename or job.outputs[0].path))
                return
            except Exception as exc:  # the paid result must be kept and reported
                log.exception("job %s: finalizing failed", job.id)
                where = ", ".join(o.path for o in job.outputs)
                info = FailureInfo(FailureKind.PROTOCOL, f"could not file the result: {exc}")
                note = f"could not file the result ({exc}); the result is safe at {where}"
                self._finish_as(job, JobState.FAILED, note, info)
                return
        self._finish_as(job, JobState.COMPLETED, "")

    # ------------------------------------------------------------------ helpers

    def _hold_for_disk(self, job: Job, exc: OSError, path: Path) -> None:
        """A result that cannot be written stops the queue, not the job: it stays attached and
        is downloaded (or filed) again when the user resumes, within LTX's 24 h."""
        message = f"cannot write {path}: {exc.strerror or exc}"
        log.warning("job %s: %s", job.id, message)
        self.store.update(job.id, note=message, progress=None)
        self.r.hold_for_disk(message)

    def _fail(self, job: Job, info: FailureInfo, note: str | None = None) -> None:
        self._finish_as(job, JobState.FAILED, note or info.message, info)

    def _expire(self, job: Job, note: str) -> None:
        self._finish_as(job, JobState.EXPIRED, note)

    def _finish_as(
        self, job: Job, state: JobState, note: str, info: FailureInfo | None = None
    ) -> None:
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

    def _past_retention(self, job: Job) -> bool:
        since = job.submitted_at or job.created_at
        return self.clock.time() - since > RETENTION_SECONDS + 3600

    def _result_path(self, job: Job, key: ResultKey) -> Path:
        return self.r.results_dir / job.id / f"{key.value}{key.suffix}"

    def _progress(
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

    def _timed(self, job: Job, phase: str, started: float) -> dict[str, float]:
        spent = self.clock.monotonic() - started
        return {**job.timings, phase: job.timings.get(phase, 0.0) + spent}


def _refusal_note(failure: ApiFailure, delay: float) -> str:
    match failure.kind:
        case FailureKind.INSUFFICIENT_FUNDS | FailureKind.PAYMENT_DECLINED:
            return _funds_sentence(failure.info())
        case FailureKind.AUTHENTICATION:
            return "the API key was refused"
        case FailureKind.CONCURRENCY_LIMITED:
            return f"retry in {delay:.0f} s (429 concurrency limit)"
        case FailureKind.RATE_LIMITED:
            return f"LTX's queue for your organisation is full; retry in {delay:.0f} s or sooner"
        case FailureKind.STORAGE_REFUSED:
            return f"the upload was refused by storage; retry in {delay:.0f} s"
        case _:
            return f"retry in {delay:.0f} s ({failure.kind.value})"


def _funds_sentence(info: FailureInfo) -> str:
    if info.kind is FailureKind.PAYMENT_DECLINED:
        return f"the payment method was declined: {info.message}"
    return f"not enough funds: {info.message}"


def _permission_sentence(message: str, request_id: str | None) -> str:
    where = f" (x-request-id {request_id})" if request_id else ""
    return f"this endpoint is not available for your account: {message}{where}"


def _permission_note(failure: ApiFailure) -> str:
    return _permission_sentence(failure.message, failure.request_id)
