"""Everything a sandbox instance is configured with, frozen at `create_app(config)`.

Mutable state (balance, jobs, uploads, fault counters) lives in the app built from this, so one
config can build several independent apps (in memory; apps on one `state_dir` share it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ltxstudio.core.catalog import (
    DEFAULT_CONCURRENCY,
    MB,
    RETENTION_SECONDS,
    UPLOAD_LIFETIME_SECONDS,
)
from ltxstudio.core.clock import Clock, SystemClock
from ltxstudio.sandbox.faults import FaultPlan

RESULT_URL_SECONDS = 3600.0
#: Five times the default render concurrency: a batch the default runner keeps in flight never
#: meets it, a client that submits a dozen jobs at once does, so clients get to handle it.
QUEUED_JOB_LIMIT = 10


def new_api_key() -> str:
    """A random key for one sandbox instance (it guards a local emulator, not money)."""
    return "sbx_" + secrets.token_urlsafe(24)


@dataclass(frozen=True)
class JobScript:
    """How long a v2 job stays in each state, in simulated seconds at speed 1."""

    pending_seconds: float = 2.0
    processing_seconds: float = 8.0


@dataclass(frozen=True)
class RateLimit:
    """At most `requests` API calls per sliding `window_seconds` (storage and admin excluded)."""

    requests: int = 300
    window_seconds: float = 60.0


@dataclass(frozen=True)
class SandboxConfig:
    api_key: str = field(default_factory=new_api_key, repr=False)
    balance_usd: Decimal = Decimal("25.00")
    clock: Clock = field(default_factory=SystemClock)
    faults: FaultPlan = field(default_factory=FaultPlan)
    #: Simulated jobs finish this many times faster (their scripted times are divided by it).
    speed: float = 1.0
    #: v2 jobs processing at once; more wait in `pending` (v2 never answers
    #: concurrency_limit_error: that was the retired sync API's limit, contract §5).
    concurrency_limit: int = DEFAULT_CONCURRENCY
    #: v2 jobs that may wait in `pending` before a submit answers 429 rate_limit_error "Queue
    #: limit exceeded" (contract §5: a per-organisation cap whose value is undocumented).
    queued_job_limit: int = QUEUED_JOB_LIMIT
    rate_limit: RateLimit = field(default_factory=RateLimit)
    job_script: JobScript = field(default_factory=JobScript)
    #: Status and results stay this long after a terminal state.
    retention_seconds: float = RETENTION_SECONDS
    #: A result URL works this long after the poll that handed it out; each poll of a completed
    #: job signs a fresh one for the same object. The contract leaves the lifetime undocumented
    #: and says URLs expire independently of the status (§5); an hour, well inside the 24 h
    #: retention, makes "download later with a stored URL" fail in tests as it can for real.
    result_url_seconds: float = RESULT_URL_SECONDS
    upload_url_seconds: float = 3600.0
    #: An uploaded file lives this long after its PUT; a generation naming it later is a 400.
    upload_lifetime_seconds: float = UPLOAD_LIFETIME_SECONDS
    #: Bodies above this answer 413 (the infrastructure's cap; data URIs have their own).
    max_body_bytes: int = 20 * MB
    #: Upload and result URLs point here when set (the same app served on a second port), so a
    #: client can prove it never sends the API key to the storage host.
    storage_base_url: str | None = None
    #: Prompts containing any of these answer 422 content_filtered_error.
    content_filter_terms: tuple[str, ...] = ("sandbox:blocked",)
    #: Identical render requests are served from memory up to this many bytes.
    render_cache_bytes: int = 256 * MB
    #: Render in this many worker processes (0: in threads of this process). The desktop app
    #: uses a process so the sandbox's CPU work never competes with its UI for the GIL.
    render_processes: int = 0
    #: Where jobs, uploads, results, the ledger and the counters survive restarts (see
    #: `statedb.py`); None keeps everything in memory for the life of the app.
    state_dir: Path | None = None

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ValueError("the sandbox always requires an API key")
        if self.balance_usd < 0:
            raise ValueError("balance_usd must not be negative")
        if self.speed <= 0:
            raise ValueError("speed must be positive")
        if self.concurrency_limit < 1:
            raise ValueError("concurrency_limit must be at least 1")
        if self.queued_job_limit < 1:
            raise ValueError("queued_job_limit must be at least 1")
        if self.result_url_seconds <= 0:
            raise ValueError("result_url_seconds must be positive")
        if self.storage_base_url is not None and self.storage_base_url.endswith("/"):
            object.__setattr__(self, "storage_base_url", self.storage_base_url.rstrip("/"))
