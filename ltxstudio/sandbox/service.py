"""One sandbox instance's state and use-cases, independent of HTTP: auth, limits, generations
(v2 jobs; v1 generation is retired), job status, the ledger and the statistics tests read.

With a state dir the state is loaded in `__init__` (so `create_app` has it before the first
request, with or without a running loop), then recovered: generations that died with the previous
process are released, jobs that ended meanwhile are settled, expired ones dropped. Renders the
previous process did not finish start again on the first request or `idle()`, on the loop.

`asgi.py` turns requests into calls on this and results into responses.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from ltxstudio.core.catalog import Endpoint
from ltxstudio.sandbox.admission import Admission, admit, check_content
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.counters import Counters
from ltxstudio.sandbox.errors import QUEUE_LIMIT_MESSAGE, ApiError, ErrorType
from ltxstudio.sandbox.faults import Fault, FaultInjector, FaultKind, FaultPlan
from ltxstudio.sandbox.inputs import InputFetcher
from ltxstudio.sandbox.jobs import Job, JobError, JobState, JobTable, failure
from ltxstudio.sandbox.keptspecs import KeptSpecs
from ltxstudio.sandbox.ledger import Ledger, money
from ltxstudio.sandbox.limits import RateLimiter
from ltxstudio.sandbox.render import Renderer, RenderSpec
from ltxstudio.sandbox.specjson import SpecDecodeError
from ltxstudio.sandbox.statedb import SandboxStateError
from ltxstudio.sandbox.statedir import StateDir, open_state_dir
from ltxstudio.sandbox.storage import ObjectStore, Signer
from ltxstudio.sandbox.uploads import Uploads, iso
from ltxstudio.sandbox.validation import parse_request

log = logging.getLogger(__name__)

#: How often (in clock seconds) settling also tidies the state dir's files.
DISK_SWEEP_SECONDS = 600.0
_RENDER_FAILED = JobError("api_error", "The render failed.")


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.clock = config.clock
        self.state: StateDir | None = None
        if config.state_dir is not None:
            self.state = open_state_dir(config.state_dir, config.balance_usd)
        self.faults = FaultInjector(config.faults)
        self.rate = RateLimiter(config.rate_limit, config.clock)
        self._tasks: set[asyncio.Task[None]] = set()
        self._rendering: set[str] = set()  # jobs with a render task in this process
        self._last_disk_sweep = float("-inf")
        try:
            self._build()
        except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
            if self.state is None:
                raise  # a bug, not a record read back
            self.state.db.close()
            raise SandboxStateError(
                f"{self.state.root} holds a record this ltxstudio cannot read ({exc!r})",
                hint="move the state dir away; the sandbox starts afresh in an empty one",
            ) from None
        self.kept: KeptSpecs | None = None
        if self.state is not None:
            self.kept = KeptSpecs(self.state)
            self._recover()

    def _build(self) -> None:
        config, state = self.config, self.state
        db = state.db if state is not None else None
        blobs = state.blobs if state is not None else None
        # One consistent read of everything, even if another process writes meanwhile.
        with db.snapshot() if db is not None else contextlib.nullcontext():
            self.counters = Counters(db)
            if state is not None:
                self.ledger = Ledger.restore(state.opening_balance_usd, state.db)
            else:
                self.ledger = Ledger(config.balance_usd)
            self.signer = Signer(state.signing_secret if state is not None else None)
            self.store = ObjectStore(config.clock, blobs, db)
            self.uploads = Uploads(
                config.clock,
                self.store,
                self.signer,
                url_seconds=config.upload_url_seconds,
                lifetime_seconds=config.upload_lifetime_seconds,
                counters=self.counters,
                db=db,
            )
            self.jobs = JobTable(
                config.clock,
                config.job_script,
                config.speed,
                config.retention_seconds,
                self.counters,
                db,
                slots=config.concurrency_limit,
            )
            if self.counters["jobs_submitted"] == 0 and self.jobs.created:
                # A state dir from before `jobs_submitted` was counted: every job it created
                # came from one accepted submit, which is what the counter says.
                self.counters.raise_to("jobs_submitted", self.jobs.created)
        self.fetcher = InputFetcher(self.uploads, self.store, self.signer, config.clock)
        self.renderer = Renderer(
            config.render_cache_bytes, self.counters, processes=config.render_processes
        )

    def _recover(self) -> None:
        """After loading: settle what ended while no process ran, drop what expired, and
        release the money of generations that died with the previous process."""
        now = self.clock.time()
        with self._transaction():
            known = self.jobs.ids()
            for gen_id in self.ledger.reserved_ids():
                # A reservation without a job (an earlier version's v1 call) died with its
                # process: the client got no video, so it is not billed. A v2 job still owed
                # keeps its reservation.
                if gen_id not in known:
                    self.ledger.release(gen_id, now)
            self.settle()

    def close(self) -> None:
        """Close the state database (a clean shutdown; a crash needs none)."""
        if self.state is not None:
            self.state.db.close()

    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        if self.state is None:
            return contextlib.nullcontext()
        return self.state.db.transaction()

    # ------------------------------------------------------------------ guards

    def authenticate(self, header: str | None) -> None:
        if not header:
            raise ApiError(401, ErrorType.AUTHENTICATION, "Missing authorization header")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiError(
                401, ErrorType.AUTHENTICATION, "Authorization header must be 'Bearer <API key>'"
            )
        if not hmac.compare_digest(key.strip().encode(), self.config.api_key.encode()):
            raise ApiError(401, ErrorType.AUTHENTICATION, "Invalid API key")

    def settle(self) -> None:
        """Bill jobs that completed, release those that failed, forget expired ones; with a
        state dir, also restart renders a previous process left owed and tidy the files."""
        now = self.clock.time()
        with self._transaction():
            for job in self.jobs.sweep():
                if job.error is None:
                    self.ledger.charge(job.id, now)
                else:
                    self.ledger.release(job.id, now)
            self.store.sweep()
            self.uploads.prune()
        if self.kept is not None:
            self._resume_renders()
            if now - self._last_disk_sweep >= DISK_SWEEP_SECONDS:
                self._last_disk_sweep = now
                self.kept.sweep()

    def check_queue(self) -> None:
        """429 `rate_limit_error` "Queue limit exceeded" when the organisation already has
        `queued_job_limit` v2 jobs waiting (contract §5; the real cap is undocumented)."""
        waiting = self.jobs.in_state(JobState.PENDING)
        if len(waiting) >= self.config.queued_job_limit:
            self.counters.add("queue_refusals")
            raise ApiError(
                429,
                ErrorType.RATE_LIMIT,
                QUEUE_LIMIT_MESSAGE,
                retry_after=self.jobs.seconds_until_one_starts(),
            )

    def in_flight(self) -> int:
        return len(self.jobs.active())

    def _note_in_flight(self) -> None:
        """Keep the most v2 jobs (pending or processing) ever outstanding at once. The sandbox
        serves one key, so this is the per-key figure. Only a new job raises the count, so
        sampling right after each submit sees every peak."""
        self.counters.raise_to("jobs_in_flight_max", self.in_flight())

    # ------------------------------------------------------------------ generations

    async def admit(self, endpoint: Endpoint, body: object, *, durable: bool = False) -> Admission:
        """Validate, fetch and probe; a `durable` admission (a v2 job's) also stores its spec
        and inputs in the state dir, so its render can be redone after a crash."""
        request = parse_request(endpoint, body)
        check_content(request, self.config.content_filter_terms)
        # Probing input media decodes with PyAV: off the loop, which may be the app's UI loop.
        admission = await asyncio.to_thread(admit, endpoint, request, self.fetcher)
        if durable and self.kept is not None:
            spec_json = await asyncio.to_thread(self.kept.keep, admission.spec)
            admission = replace(admission, spec_json=spec_json)
        return admission

    def submit_v2(self, admission: Admission, fault: Fault | None) -> Job:
        try:
            self.settle()
            planned = None
            if fault is not None and fault.kind is FaultKind.FAIL:
                planned = failure(fault.error_type)
            self._gate(admission)
            # The job and its reservation land together, before the client learns the id.
            with self._transaction():
                job = self.jobs.create(admission.endpoint, planned, admission.spec_json)
                self.ledger.reserve(
                    job.id, admission.endpoint.value, admission.estimate_usd, self.clock.time()
                )
                self.counters.add("jobs_submitted")
                self._note_in_flight()
        finally:
            if self.kept is not None:
                self.kept.let_go(admission.spec_json)
        if planned is None:
            self._start_render(job, self._render(job, admission.spec))
        return job

    def _gate(self, admission: Admission) -> None:
        """402 before 429: a client that cannot pay must not be told to come back later."""
        self.ledger.require(admission.estimate_usd)
        self.check_queue()

    # ------------------------------------------------------------------ renders

    def _start_render(self, job: Job, work: Any) -> None:
        self._rendering.add(job.id)
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            self._rendering.discard(job.id)

        task.add_done_callback(done)

    async def _render(self, job: Job, spec: RenderSpec) -> None:
        try:
            rendered = await asyncio.to_thread(self.renderer.render, spec)
        except Exception:
            log.exception("sandbox render of job %s failed", job.id)
            self.jobs.finish_render(job, None, _RENDER_FAILED)
            return
        # Store the result, then mark the job rendered: a poll never sees `completed` before the
        # file is there, and a crash in between only means rendering it again.
        rendered_at = self.clock.time()
        key = f"results/{job.id}{rendered.suffix}"
        expires = max(job.ready_at, rendered_at) + self.config.retention_seconds
        try:
            await self.store.put(key, rendered.data, rendered.content_type, expires)
        except OSError:
            log.exception("sandbox cannot store the result of job %s", job.id)
            self.jobs.finish_render(job, None, _RENDER_FAILED)
            return
        self.jobs.finish_render(job, rendered, at=rendered_at)

    async def _render_again(self, job: Job) -> None:
        """A render the previous process did not finish: rebuild the spec and run it."""
        kept, spec_json = self.kept, job.spec_json
        try:
            if kept is None or spec_json is None:
                raise SpecDecodeError("the job's render spec was not kept")
            spec = await asyncio.to_thread(kept.restore, spec_json)
        except (ValueError, OSError):  # SpecDecodeError is a ValueError
            log.exception("sandbox cannot render job %s again", job.id)
            self.jobs.finish_render(job, None, _RENDER_FAILED)
            return
        log.info("sandbox: rendering job %s again after a restart", job.id)
        await self._render(job, spec)

    def _resume_renders(self) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # loaded outside a loop: the first request (or idle()) starts them
        for job in self.jobs.owed():
            if job.id not in self._rendering:
                self._start_render(job, self._render_again(job))

    async def idle(self) -> None:
        """Wait until every render started so far (and any a restart left owed) has finished
        (tests synchronise on this)."""
        if self.kept is not None:
            self._resume_renders()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # ------------------------------------------------------------------ status

    def job_status(self, endpoint: str, job_id: str, storage_base: str) -> dict[str, Any]:
        self.settle()
        job = self.jobs.get(endpoint, job_id)
        if job is None:
            raise ApiError(404, ErrorType.NOT_FOUND, f"Job {job_id} not found")
        now = self.clock.time()
        state = job.state(now)
        body: dict[str, Any] = {
            "id": job.id,
            "status": state.value,
            "created_at": iso(job.created_at),
        }
        match state:
            case JobState.PENDING | JobState.PROCESSING:
                pass
            case JobState.COMPLETED:
                end = job.terminal_at
                assert end is not None
                assert job.result is not None
                # Signed afresh at every poll, on its own clock (contract §5): a client whose
                # URL expired polls again and resumes on the new URL (same object, same ETag).
                expires = now + self.config.result_url_seconds
                key = f"results/{job.id}{job.result.suffix}"
                url = self.signer.url(storage_base, "GET", key, expires)
                body |= {"completed_at": iso(end), "result": {job.result.result_key: url}}
            case JobState.FAILED:
                end = job.terminal_at
                assert end is not None
                assert job.error is not None
                body |= {
                    "completed_at": iso(end),
                    "error": {"type": job.error.type, "message": job.error.message},
                }
        return body

    # ------------------------------------------------------------------ admin

    def replace_faults(self, plan: FaultPlan) -> None:
        self.faults.replace(plan)

    def set_balance(self, *, set_usd: Decimal | None, add_usd: Decimal | None) -> None:
        now = self.clock.time()
        if set_usd is not None:
            self.ledger.set_balance(set_usd, now)
        if add_usd is not None:
            self.ledger.deposit(add_usd, now)

    def stats(self) -> dict[str, Any]:
        self.settle()
        return {
            "requests": self.counters.requests(),
            "v1_calls": self.counters["v1_calls"],
            # Accepted v2 submits, counted with the job they create: equal to jobs_created.
            "jobs_submitted": self.counters["jobs_submitted"],
            "jobs_created": self.jobs.created,
            "jobs_completed": self.jobs.completed,
            "jobs_failed": self.jobs.failed,
            "jobs_charged": self.ledger.charges,
            "jobs_active": self.in_flight(),
            "jobs_pending": len(self.jobs.in_state(JobState.PENDING)),
            "jobs_processing": len(self.jobs.in_state(JobState.PROCESSING)),
            "jobs_in_flight_max": self.counters["jobs_in_flight_max"],
            "concurrency_limit": self.config.concurrency_limit,
            "queued_job_limit": self.config.queued_job_limit,
            "queue_refusals": self.counters["queue_refusals"],
            "uploads": self.uploads.created,
            "uploads_completed": self.uploads.completed,
            "balance_usd": money(self.ledger.balance_usd),
            "available_usd": money(self.ledger.available_usd),
            "reserved_usd": money(self.ledger.reserved_usd),
            "charged_usd": money(self.ledger.charged_usd),
            "renders": self.renderer.renders,
            "render_cache_hits": self.renderer.cache_hits,
            "faults_injected": [f"{scope}={spec}" for scope, spec in self.faults.injected],
        }
