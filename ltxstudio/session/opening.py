"""Opening a session: choose the backend (the live API when a key is found, else the in-process
sandbox, and say which), then open the client, the job journal, the library and the runner.

The sandbox (starlette, PyAV, numpy) is imported only when it is the backend, and the client,
the runner and the keyring only when a session is opened, so a command that opens none
(`ltxstudio jobs list`, `--help`) does not pay for them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ltxstudio.core.catalog import LEGACY_API_BASE_URL, POLL_INTERVAL_SECONDS
from ltxstudio.core.clock import Clock, SystemClock
from ltxstudio.core.errors import UserFacingError
from ltxstudio.core.remote import SANDBOX_BACKEND
from ltxstudio.core.request import FieldProblem
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.queue_state import RunnerConfig
from ltxstudio.jobs.store import JobStore
from ltxstudio.library.store import Library
from ltxstudio.session.preflight import BadInput
from ltxstudio.settings import store
from ltxstudio.settings.model import Backend, Settings
from ltxstudio.settings.paths import AppPaths, app_paths

if TYPE_CHECKING:
    from ltxstudio.api import LtxClient
    from ltxstudio.jobs.runner import Runner
    from ltxstudio.sandbox.config import SandboxConfig
    from ltxstudio.sandbox.service import Sandbox
    from ltxstudio.settings import secrets

log = logging.getLogger("ltxstudio.session")

SANDBOX = SANDBOX_BACKEND


class NoApiKey(UserFacingError):
    pass


@dataclass(frozen=True)
class SessionOptions:
    """What the caller decides over the stored settings (CLI flags, tests)."""

    backend: Backend | None = None
    base_url: str | None = None
    api_key: secrets.ApiKey | None = None
    concurrency: int | None = None
    daily_budget_usd: Decimal | None = None
    clock: Clock = field(default_factory=SystemClock)
    paths: AppPaths | None = None
    #: The in-process sandbox's configuration (balance, faults, …); None = defaults.
    sandbox: SandboxConfig | None = None


@dataclass(frozen=True)
class Parts:
    """Everything a session is made of, opened and wired."""

    settings: Settings
    paths: AppPaths
    clock: Clock
    key: secrets.ApiKey | None
    backend_name: str
    client: LtxClient
    journal: Journal
    runner: Runner
    library: Library
    #: The in-process emulator, when that is the backend.
    sandbox: Sandbox | None


def open_parts(options: SessionOptions) -> Parts:
    from ltxstudio.jobs.runner import Runner
    from ltxstudio.session.backend import ClientBackend
    from ltxstudio.session.filing import Filer
    from ltxstudio.settings import secrets

    paths = options.paths or app_paths()
    loaded = store.load(paths.settings_file)
    for warning in loaded.warnings:
        log.warning("settings: %s", warning)
    settings = loaded.settings
    clock = options.clock
    key = options.api_key or secrets.load_key()
    choice = options.backend or settings.backend
    use_sandbox = choice is Backend.SANDBOX or (
        choice is Backend.AUTO and key is None and not options.base_url
    )
    emulator: Sandbox | None = None
    if use_sandbox:
        client, emulator = _sandbox_client(options, settings, paths)
        name = SANDBOX
    else:
        client, name = _live_client(options, settings, key)
    journal = Journal(paths.journal)
    if name != SANDBOX:
        # Jobs sent to the legacy host belong to the same service (contract §1).
        journal.rename_backend(LEGACY_API_BASE_URL, name)
    jobs = JobStore(journal, clock)
    library_root = Path(settings.library_dir) if settings.library_dir else paths.default_library
    library = Library(paths.library_db, library_root, clock)
    config = RunnerConfig(
        concurrency=options.concurrency or settings.concurrency,
        poll_interval=poll_interval(settings, simulated=use_sandbox),
        daily_budget_usd=options.daily_budget_usd or settings.daily_budget_usd,
    )
    runner = Runner(
        jobs, ClientBackend(client, name), clock, paths.data / "results", config, Filer(library)
    )
    return Parts(settings, paths, clock, key, name, client, journal, runner, library, emulator)


def poll_interval(settings: Settings, *, simulated: bool) -> float:
    # The live API asks for polls at least 5 s apart (contract §5); the sandbox's simulated
    # jobs may be polled faster.
    if simulated:
        return settings.poll_interval
    return max(POLL_INTERVAL_SECONDS, settings.poll_interval)


def _sandbox_client(
    options: SessionOptions, settings: Settings, paths: AppPaths
) -> tuple[LtxClient, Sandbox]:
    from ltxstudio.api import LtxClient
    from ltxstudio.sandbox.asgi import create_app, sandbox_of
    from ltxstudio.sandbox.config import SandboxConfig

    # The simulated API keeps its jobs and results on disk, like the real one keeps them 24 h:
    # a job re-attached after a restart is still there.
    config = options.sandbox or SandboxConfig(
        clock=options.clock, state_dir=paths.data / "sandbox", speed=settings.sandbox_speed
    )
    app = create_app(config)
    return LtxClient(config.api_key, asgi_app=app, clock=options.clock), sandbox_of(app)


def _live_client(
    options: SessionOptions, settings: Settings, key: secrets.ApiKey | None
) -> tuple[LtxClient, str]:
    from ltxstudio.api import LtxClient, service_identity

    if key is None:
        raise NoApiKey(
            "no LTX API key found",
            hint="run `ltxstudio key set`, set LTX_API_KEY, or use the sandbox",
        )
    url = options.base_url or store.base_url_override() or settings.base_url
    # A refused URL (plain http to another host) or an unusable key is bad input: say so
    # before anything is sent, rather than end in a traceback.
    try:
        name = service_identity(url)
    except ValueError as exc:
        raise BadInput([FieldProblem("API base URL", str(exc))]) from None
    try:
        client = LtxClient(key.value, base_url=url, clock=options.clock)
    except ValueError as exc:
        raise BadInput([FieldProblem("API key", str(exc))]) from None
    return client, name
