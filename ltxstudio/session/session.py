"""`Session`: the app without a face. The GUI and the CLI are thin layers over it.

It chooses the backend (the live API when a key is found, else the in-process sandbox — and says
which), opens the client, the job journal, the library and the runner, and offers the use-cases:
generate, retake, extend, HDR, reframe; cancel, retry, approve, pause, resume, reorder; switch,
undo and redo takes. Every request passes `preflight` (form, files, price) before it may cost
anything.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from ltxstudio.api import LtxClient, service_identity
from ltxstudio.core.catalog import LEGACY_API_BASE_URL, POLL_INTERVAL_SECONDS
from ltxstudio.core.clock import Clock, SystemClock
from ltxstudio.core.errors import UserFacingError
from ltxstudio.core.events import Signal
from ltxstudio.core.lineage import Lineage
from ltxstudio.core.request import (
    EditRequest,
    FieldProblem,
    GenerationRequest,
    LocalFile,
    Request,
)
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.model import Job, JobSpec, JobState
from ltxstudio.jobs.queue_state import RunnerConfig
from ltxstudio.jobs.runner import Runner
from ltxstudio.jobs.spend import spent_since
from ltxstudio.jobs.store import JobStore
from ltxstudio.library.model import Provenance, Take, TakeKind
from ltxstudio.library.store import Library
from ltxstudio.library.undo import UndoStack
from ltxstudio.sandbox.asgi import create_app, sandbox_of
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.service import Sandbox
from ltxstudio.session.backend import ClientBackend
from ltxstudio.session.filing import Filer
from ltxstudio.session.fixing import fix_inputs
from ltxstudio.session.history import Presets, PromptHistory
from ltxstudio.session.lineage import edit_lineage
from ltxstudio.session.preflight import BadInput, Preflight, destination_problems, preflight
from ltxstudio.settings import secrets, store
from ltxstudio.settings.model import Backend, Settings
from ltxstudio.settings.paths import AppPaths, app_paths

log = logging.getLogger("ltxstudio.session")

SANDBOX = "sandbox"

R = TypeVar("R", bound=Request)


#: What one click on "Add simulated credit" adds (the sandbox starts with $25).
SIMULATED_TOP_UP_USD = Decimal(25)


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
class Submission:
    """One request to queue, where its result goes, and how it joins the library."""

    request: Request
    output_path: Path | None = None
    lineage: Lineage | None = None


@dataclass(frozen=True)
class DrainSummary:
    """The queue ran dry: what happened since it last was."""

    completed: int
    failed: int
    spent_usd: Decimal


class Session:
    def __init__(
        self,
        *,
        settings: Settings,
        paths: AppPaths,
        clock: Clock,
        key: secrets.ApiKey | None,
        backend_name: str,
        client: LtxClient,
        journal: Journal,
        runner: Runner,
        library: Library,
        sandbox: Sandbox | None = None,
    ) -> None:
        self.settings = settings
        self.paths = paths
        self.clock = clock
        self.key = key
        self.backend_name = backend_name
        self.client = client
        self.journal = journal
        self.runner = runner
        self.store = runner.store
        self.library = library
        self.sandbox = sandbox  # the in-process emulator, when that is the backend
        self.undo_stack = UndoStack(library)
        self.history = PromptHistory(paths.data / "prompt-history.json")
        self.presets = Presets(paths.config / "presets.json")
        self.drained: Signal[[DrainSummary]] = Signal("session.drained")
        self._task: asyncio.Task[None] | None = None
        self._since_drain: set[str] = set()
        self.store.changed.connect(self._on_job_changed)

    # ------------------------------------------------------------------ opening

    @classmethod
    async def open(cls, options: SessionOptions | None = None) -> Session:
        options = options or SessionOptions()
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
        if use_sandbox:
            # The simulated API keeps its jobs and results on disk, like the real one keeps them
            # 24 h: a job re-attached after a restart is still there.
            sandbox = options.sandbox or SandboxConfig(
                clock=clock, state_dir=paths.data / "sandbox", speed=settings.sandbox_speed
            )
            app = create_app(sandbox)
            emulator: Sandbox | None = sandbox_of(app)
            client = LtxClient(sandbox.api_key, asgi_app=app, clock=clock)
            name = SANDBOX
        else:
            emulator = None
            if key is None:
                raise NoApiKey(
                    "no LTX API key found",
                    hint="run `ltxstudio key set`, set LTX_API_KEY, or use the sandbox",
                )
            url = options.base_url or store.base_url_override() or settings.base_url
            # A refused URL (plain http to another host) or an unusable key is bad input: say
            # so before anything is sent, rather than end in a traceback.
            try:
                name = service_identity(url)
            except ValueError as exc:
                raise BadInput([FieldProblem("API base URL", str(exc))]) from None
            try:
                client = LtxClient(key.value, base_url=url, clock=clock)
            except ValueError as exc:
                raise BadInput([FieldProblem("API key", str(exc))]) from None
        journal = Journal(paths.journal)
        if name != SANDBOX:
            # Jobs sent to the legacy host belong to the same service (contract §1).
            journal.rename_backend(LEGACY_API_BASE_URL, name)
        jobs = JobStore(journal, clock)
        library_root = Path(settings.library_dir) if settings.library_dir else paths.default_library
        library = Library(paths.library_db, library_root, clock)
        config = RunnerConfig(
            concurrency=options.concurrency or settings.concurrency,
            # The live API asks for polls at least 5 s apart (contract §5); the sandbox's
            # simulated jobs may be polled faster.
            poll_interval=settings.poll_interval
            if use_sandbox
            else max(POLL_INTERVAL_SECONDS, settings.poll_interval),
            daily_budget_usd=options.daily_budget_usd or settings.daily_budget_usd,
        )
        backend = ClientBackend(client, name)
        runner = Runner(jobs, backend, clock, paths.data / "results", config, Filer(library))
        return cls(
            settings=settings,
            paths=paths,
            clock=clock,
            key=key,
            backend_name=name,
            client=client,
            journal=journal,
            runner=runner,
            library=library,
            sandbox=emulator,
        )

    @property
    def simulated(self) -> bool:
        return self.backend_name == SANDBOX

    def start(self) -> None:
        """Run the queue in the background (re-attaching what an earlier run left)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.runner.run(), name="runner")

    async def aclose(self) -> None:
        """Stop driving jobs (remote ones keep running and are resumed next time), close all."""
        await self.runner.stop()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self.client.aclose()
        self.journal.close()
        self.library.close()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ generation

    async def check(self, request: Request) -> Preflight:
        return await preflight(request)

    async def fix_inputs(self, request: R) -> tuple[R, list[str]]:
        """The request with its fixable inputs converted (into the cache), and what was done."""
        return await fix_inputs(request, self.paths.cache / "converted")

    async def submit(
        self,
        request: Request,
        *,
        output_path: Path | None = None,
        lineage: Lineage | None = None,
    ) -> Job:
        """Queue `request` after its preflight; raises `BadInput` before anything is spent."""
        (job,) = await self.submit_many([Submission(request, output_path, lineage)])
        return job

    async def submit_many(self, submissions: list[Submission]) -> list[Job]:
        """Check every request, then journal them all at once: one bad request stops the lot
        before anything is sent, and a crash never leaves half a batch."""
        items: list[tuple[JobSpec, Decimal]] = []
        for sub in submissions:
            checked = await preflight(sub.request)
            checked.raise_if_bad()
            if where := destination_problems(sub.output_path, self.library.root):
                raise BadInput(where)
            items.append((self._spec(sub), checked.estimate_usd or Decimal(0)))
        jobs = self.store.add_many(items, backend=self.backend_name)
        await self.store.flush()  # the user's request survives a power cut from here on
        for sub in submissions:
            prompt = getattr(sub.request, "prompt", None)
            if prompt:
                self.history.add(prompt)
        self._since_drain.update(j.id for j in jobs)
        self.runner.wake()
        return jobs

    def _spec(self, sub: Submission) -> JobSpec:
        return JobSpec(
            request=sub.request,
            output_path=_absolute(str(sub.output_path)) if sub.output_path else None,
            lineage=sub.lineage or Lineage(),
        )

    def edit_submission(
        self,
        request: EditRequest,
        take: Take,
        output_path: Path | None = None,
    ) -> Submission:
        """A retake, extension, HDR or reframe of `take`, ready to submit: the result joins
        the take's clip, with the segment recorded in its provenance."""
        lineage = edit_lineage(request, take)
        # The take's own file in the library, whatever path the caller knew it by.
        source = LocalFile(str(self.library.path_of(take).absolute()))
        return Submission(request.with_media({"video_uri": source}), output_path, lineage)

    async def generate(self, request: GenerationRequest, *, output_path: Path | None = None) -> Job:
        return await self.submit(request, output_path=output_path)

    async def edit(
        self,
        request: EditRequest,
        take: Take,
        *,
        output_path: Path | None = None,
    ) -> Job:
        """A retake, extension, HDR or reframe of `take`; the result joins the same clip."""
        (job,) = await self.submit_many([self.edit_submission(request, take, output_path)])
        return job

    async def take_for_file(self, path: Path) -> Take:
        """The library take this file is (by content), importing it as a new clip if none is."""
        digest = await asyncio.to_thread(_sha256, path)
        found = self.library.takes_with_sha(digest)
        if found:
            return found[-1]
        staged = await asyncio.to_thread(self.library.stage, path)  # the copy, off the loop
        try:
            clip = self.library.add_clip(path.stem)
            provenance = Provenance(
                endpoint="import", request={"source": str(path)}, backend="local"
            )
            take = self.library.add_take(
                clip.id, staged, kind=TakeKind.IMPORTED, provenance=provenance, sha256=digest
            )
        finally:
            staged.unlink(missing_ok=True)
        await asyncio.to_thread(self.library.sync)
        return take

    # ------------------------------------------------------------------ queue

    def cancel(self, job_id: str) -> Job:
        return self.runner.cancel(job_id)

    def retry(self, job_id: str) -> Job:
        """The same request again, as a new, explicit submission (never an automatic re-send)."""
        old = self.store.get(job_id)
        if not old.state.terminal or old.state is JobState.COMPLETED:
            raise UserFacingError("only a failed, cancelled or expired job can be retried")
        job = self.store.add(
            old.spec, estimate_usd=old.estimate_usd, backend=self.backend_name, retry_of=old.id
        )
        self._since_drain.add(job.id)
        self.runner.wake()
        return job

    def approve(self, job_id: str) -> None:
        self.runner.approve(job_id)

    def remove(self, job_id: str) -> None:
        self.store.remove(job_id)

    def move(self, job_id: str, index: int) -> None:
        self.store.move(job_id, index)
        self.runner.wake()

    def pause(self) -> None:
        self.runner.pause()

    def add_simulated_credit(self, usd: Decimal = SIMULATED_TOP_UP_USD) -> None:
        """Top up the in-process sandbox's simulated balance and resume: its balance persists
        across runs, so a long-time sandbox user would otherwise meet a 402 with no way on."""
        if self.sandbox is None:
            raise ValueError(
                "only the sandbox has a simulated balance; top up at console.ltx.video"
            )
        self.sandbox.set_balance(set_usd=None, add_usd=usd)
        self.resume()

    def resume(self) -> None:
        self.runner.resume()

    async def wait(self, jobs: Iterable[Job | str]) -> list[Job]:
        """Until these jobs are terminal, or stuck behind a hold or an approval."""
        return await self.runner.drain(j if isinstance(j, str) else j.id for j in jobs)

    # ------------------------------------------------------------------ library

    def set_active_take(self, clip_id: str, take_id: str) -> None:
        self.library.set_active_take(clip_id, take_id)

    def undo(self) -> None:
        self.undo_stack.undo()

    def redo(self) -> None:
        self.undo_stack.redo()

    # ------------------------------------------------------------------ internals

    def _on_job_changed(self, index: int, old: Job, new: Job, fields: frozenset[str]) -> None:
        if "state" not in fields or not new.state.terminal:
            return
        busy = any(not j.state.terminal for j in self.store if j.id in self._since_drain)
        if busy or not self._since_drain:
            return
        finished = [self.store.get(i) for i in self._since_drain if _known(self.store, i)]
        self._since_drain.clear()
        self.drained.emit(
            DrainSummary(
                completed=sum(j.state is JobState.COMPLETED for j in finished),
                failed=sum(j.state is not JobState.COMPLETED for j in finished),
                spent_usd=spent_since(finished, 0),
            )
        )


def _absolute(source: str) -> str:
    """Local paths are journaled absolute (a resume may run from another directory)."""
    if source.startswith(("https://", "http://", "data:", "ltx://")):
        return source
    return os.path.abspath(source)  # noqa: PTH100 - no filesystem access on the event loop


def _known(store: JobStore, job_id: str) -> bool:
    try:
        store.get(job_id)
    except KeyError:
        return False
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
