"""One sandbox instance's state and use-cases, independent of HTTP: auth, limits, generations
(v1 sync and v2 jobs), job status, the ledger and the statistics tests read.

`asgi.py` turns requests into calls on this and results into responses.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

from ltxstudio.core.catalog import Endpoint
from ltxstudio.sandbox.admission import Admission, admit, check_content
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.errors import ApiError, ErrorType
from ltxstudio.sandbox.faults import Fault, FaultInjector, FaultKind, FaultPlan
from ltxstudio.sandbox.inputs import InputFetcher
from ltxstudio.sandbox.jobs import Job, JobError, JobState, JobTable, failure
from ltxstudio.sandbox.ledger import Ledger, money
from ltxstudio.sandbox.limits import RateLimiter
from ltxstudio.sandbox.render import Rendered, Renderer
from ltxstudio.sandbox.storage import ObjectStore, Signer
from ltxstudio.sandbox.uploads import Uploads, iso
from ltxstudio.sandbox.validation import parse_request

log = logging.getLogger(__name__)


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.clock = config.clock
        self.ledger = Ledger(config.balance_usd)
        self.faults = FaultInjector(config.faults)
        self.rate = RateLimiter(config.rate_limit, config.clock)
        self.signer = Signer()
        self.store = ObjectStore(config.clock)
        self.uploads = Uploads(
            config.clock,
            self.store,
            self.signer,
            url_seconds=config.upload_url_seconds,
            retention_seconds=config.retention_seconds,
        )
        self.fetcher = InputFetcher(self.uploads, self.store, self.signer, config.clock)
        self.renderer = Renderer(config.render_cache_bytes)
        self.jobs = JobTable(
            config.clock, config.job_script, config.speed, config.retention_seconds
        )
        self.requests: Counter[str] = Counter()
        self.generations = 0
        self.v1_in_flight = 0
        self._tasks: set[asyncio.Task[None]] = set()

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
        """Bill jobs that completed, release those that failed, forget expired ones."""
        now = self.clock.time()
        for job in self.jobs.sweep():
            if job.error is None:
                self.ledger.charge(job.id, now)
            else:
                self.ledger.release(job.id, now)
        self.store.sweep()

    def check_concurrency(self) -> None:
        running = len(self.jobs.active()) + self.v1_in_flight
        if running >= self.config.concurrency_limit:
            raise ApiError(
                429,
                ErrorType.CONCURRENCY_LIMIT,
                f"Too many concurrent generations ({running} running; the limit is "
                f"{self.config.concurrency_limit}). Please wait for one to finish.",
                retry_after=self.jobs.seconds_until_one_ends(),
            )

    # ------------------------------------------------------------------ generations

    async def admit(self, endpoint: Endpoint, body: object) -> Admission:
        request = parse_request(endpoint, body)
        check_content(request, self.config.content_filter_terms)
        # Probing input media decodes with PyAV: off the loop, which may be the app's UI loop.
        return await asyncio.to_thread(admit, endpoint, request, self.fetcher)

    async def generate_v1(self, admission: Admission, fault: Fault | None) -> Rendered:
        self.settle()
        gen_id = f"v1-{uuid.uuid4()}"
        self._reserve(gen_id, admission)
        self.v1_in_flight += 1
        try:
            if fault is not None and fault.kind is FaultKind.FAIL:
                error = failure(fault.error_type)
                status = 422 if error.type == ErrorType.CONTENT_FILTERED else 500
                raise ApiError(status, error.type, error.message)
            rendered = await asyncio.to_thread(self.renderer.render, admission.spec)
        except BaseException:
            self.ledger.release(gen_id, self.clock.time())
            raise
        finally:
            self.v1_in_flight -= 1
        self.ledger.charge(gen_id, self.clock.time())
        return rendered

    def submit_v2(self, admission: Admission, fault: Fault | None) -> Job:
        self.settle()
        planned = None
        if fault is not None and fault.kind is FaultKind.FAIL:
            planned = failure(fault.error_type)
        self._gate(admission)
        job = self.jobs.create(admission.endpoint, planned)
        self.ledger.reserve(
            job.id, admission.endpoint.value, admission.estimate_usd, self.clock.time()
        )
        self.generations += 1
        if planned is None:
            task = asyncio.get_running_loop().create_task(self._render(job, admission))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return job

    def _gate(self, admission: Admission) -> None:
        """402 before 429: a client that cannot pay must not be told to come back later."""
        self.ledger.require(admission.estimate_usd)
        self.check_concurrency()

    def _reserve(self, gen_id: str, admission: Admission) -> None:
        self._gate(admission)
        self.ledger.reserve(
            gen_id, admission.endpoint.value, admission.estimate_usd, self.clock.time()
        )
        self.generations += 1

    async def _render(self, job: Job, admission: Admission) -> None:
        try:
            rendered = await asyncio.to_thread(self.renderer.render, admission.spec)
        except Exception:
            log.exception("sandbox render of job %s failed", job.id)
            self.jobs.finish_render(job, None, JobError("api_error", "The render failed."))
            return
        self.jobs.finish_render(job, rendered)
        end = job.terminal_at
        assert end is not None
        key = f"results/{job.id}{rendered.suffix}"
        self.store.put(
            key, rendered.data, rendered.content_type, end + self.config.retention_seconds
        )

    async def idle(self) -> None:
        """Wait until every render started so far has finished (tests synchronise on this)."""
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
                expires = end + self.config.retention_seconds
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
            "requests": dict(sorted(self.requests.items())),
            "generations": self.generations,
            "jobs_created": self.jobs.created,
            "jobs_completed": self.jobs.completed,
            "jobs_failed": self.jobs.failed,
            "jobs_charged": self.ledger.charges,
            "jobs_active": len(self.jobs.active()) + self.v1_in_flight,
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
