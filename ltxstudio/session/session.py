"""`Session`: the app without a face. The GUI and the CLI are thin layers over it.

It chooses the backend (the live API when a key is found, else the in-process sandbox — and says
which), opens the client, the job journal, the library and the runner, and offers the use-cases:
generate, retake, extend, HDR, reframe; cancel, retry, approve, pause, resume, reorder; switch,
undo and redo takes. Every request passes `preflight` (form, files, price) before it may cost
anything.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from ltxstudio.core.errors import UserFacingError
from ltxstudio.core.events import Signal
from ltxstudio.core.fsutil import sweep_stale_temps
from ltxstudio.core.lineage import Lineage
from ltxstudio.core.remote import simulated
from ltxstudio.core.request import EditRequest, GenerationRequest, LocalFile, Request
from ltxstudio.jobs.model import ACTIVE, Job, JobSpec, JobState
from ltxstudio.jobs.queue_state import Hold, QueueStatus
from ltxstudio.jobs.spend import spent_since
from ltxstudio.jobs.store import JobStore
from ltxstudio.jobs.view import JobList
from ltxstudio.library.model import Take
from ltxstudio.library.undo import UndoStack
from ltxstudio.library.view import LibraryView
from ltxstudio.session.fixing import fix_inputs
from ltxstudio.session.history import Presets, PromptHistory
from ltxstudio.session.importing import import_file
from ltxstudio.session.lineage import edit_lineage
from ltxstudio.session.opening import Parts, SessionOptions, open_parts, poll_interval
from ltxstudio.session.preflight import BadInput, Preflight, destination_problems, preflight
from ltxstudio.session.undo_groups import UndoGroups
from ltxstudio.settings import store
from ltxstudio.settings.model import Settings

log = logging.getLogger("ltxstudio.session")

R = TypeVar("R", bound=Request)


#: What one click on "Add simulated credit" adds (the sandbox starts with $25).
SIMULATED_TOP_UP_USD = Decimal(25)


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
    """The façade the GUI and the CLI use: queries and commands over the engine's parts.

    The UI reads the queue through `jobs` (a read-only `JobList`) and the library through
    `clips` (a read-only `LibraryView`), and changes anything only through the commands below;
    import-linter keeps it from importing the runner, the store or the journal."""

    def __init__(self, parts: Parts) -> None:
        self.settings = parts.settings
        self.paths = parts.paths
        self.clock = parts.clock
        self.key = parts.key
        self.backend_name = parts.backend_name
        self.client = parts.client
        self.journal = parts.journal
        self.runner = parts.runner
        self.store = parts.runner.store
        self.library = parts.library
        self.sandbox = parts.sandbox  # the in-process emulator, when that is the backend
        self.undo_stack = UndoStack(parts.library)
        self.undo_groups = UndoGroups(self.undo_stack)
        self.history = PromptHistory(self.paths.data / "prompt-history.json")
        self.presets = Presets(self.paths.config / "presets.json")
        self.drained: Signal[[DrainSummary]] = Signal("session.drained")
        #: The runner's status changed (a hold, the limit, today's spend).
        self.queue_changed: Signal[[QueueStatus]] = parts.runner.queue_changed
        #: What Edit → Undo / Redo would do changed.
        self.undo_changed: Signal[[]] = self.undo_groups.changed
        #: Jobs this start re-attaches: those an earlier run left with LTX working on them.
        self.resumed = sum(
            1
            for job in self.store
            if job.backend == self.backend_name
            and job.state in (JobState.PENDING, JobState.PROCESSING, JobState.DOWNLOADING)
        )
        self._task: asyncio.Task[None] | None = None
        self._since_drain: set[str] = set()
        self.store.changed.connect(self._on_job_changed)

    @classmethod
    async def open(cls, options: SessionOptions | None = None) -> Session:
        return cls(open_parts(options or SessionOptions()))

    def needs_reopen(self, new: Settings) -> bool:
        """Whether `new` settings take a new session: another backend, API or library folder
        (or the sandbox's speed). Everything else applies live (`apply_settings`)."""
        old = self.settings
        return (new.backend, new.base_url, new.library_dir) != (
            old.backend,
            old.base_url,
            old.library_dir,
        ) or (self.simulated and new.sandbox_speed != old.sandbox_speed)

    def apply_settings(self, new: Settings) -> None:
        """Save `new` and apply it to this session now: the queue's concurrency, the daily
        budget and the poll interval change at once; notifications and the theme are read by
        the UI from `settings`. Raises ValueError for settings that need a new session."""
        if self.needs_reopen(new):
            raise ValueError("these settings need the session to be reopened")
        store.save(self.paths.settings_file, new)
        old, self.settings = self.settings, new
        if new.concurrency != old.concurrency:
            self.runner.set_concurrency(new.concurrency)
        if new.daily_budget_usd != old.daily_budget_usd:
            self.runner.set_budget(new.daily_budget_usd)
        if new.poll_interval != old.poll_interval:
            self.runner.set_poll_interval(poll_interval(new, simulated=self.simulated))
        log.info("settings applied live")

    @property
    def simulated(self) -> bool:
        return simulated(self.backend_name)

    def start(self) -> None:
        """Run the queue in the background (re-attaching what an earlier run left)."""
        sweep_export_temps(self.store, self.clock.time())
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
        return await import_file(self.library, path)

    # ------------------------------------------------------------------ queue

    @property
    def jobs(self) -> JobList:
        """Every job of the journal, in queue order, with its events (read-only)."""
        return self.store

    def queue_status(self) -> QueueStatus:
        return self.runner.status()

    @property
    def hold(self) -> Hold | None:
        return self.runner.hold

    @property
    def concurrency(self) -> int:
        return self.runner.config.concurrency

    def running_remote(self) -> int:
        """Jobs LTX is working on for this backend now: they go on if the app quits."""
        return sum(1 for j in self.store if j.backend == self.backend_name and j.state in ACTIVE)

    def sync_jobs(self) -> bool:
        """Pick up what another process (the CLI) changed in the shared journal."""
        return self.store.sync()

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

    @property
    def clips(self) -> LibraryView:
        """The clips and takes, their files and their events (read-only)."""
        return self.library

    def set_active_take(self, clip_id: str, take_id: str) -> None:
        self.library.set_active_take(clip_id, take_id)

    def delete_take(self, take_id: str) -> None:
        """To the trash; Edit → Undo brings it back."""
        self.library.delete_take(take_id)

    def remove_clip(self, clip_id: str) -> int:
        """Every take of the clip to the trash, as one step Undo brings back; the library then
        lists the clip no more. Returns how many takes went."""
        takes = self.library.takes(clip_id)
        with self.undo_groups.group("remove clip"):
            for take in reversed(takes):  # the active one last: no needless re-activations
                self.library.delete_take(take.id)
        return len(takes)

    def undo(self) -> None:
        self.undo_groups.undo()

    def redo(self) -> None:
        self.undo_groups.redo()

    @property
    def undo_label(self) -> str | None:
        return self.undo_groups.undo_label

    @property
    def redo_label(self) -> str | None:
        return self.undo_groups.redo_label

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
                spent_usd=spent_since(finished, 0, self.backend_name),
            )
        )


#: Exports finished this recently may have a killed writer's temporary file beside them.
EXPORT_SWEEP_SECONDS = 24 * 3600.0


def sweep_export_temps(jobs: Iterable[Job], now: float) -> None:
    """Remove what a killed export left beside its target (`.<name>.<random>.tmp`, older than a
    minute): an export that finished elsewhere never writes that target again to sweep it."""
    for job in jobs:
        target = job.spec.output_path
        if target and job.finished_at is not None and now - job.finished_at < EXPORT_SWEEP_SECONDS:
            sweep_stale_temps(Path(target))


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
