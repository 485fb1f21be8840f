"""What the window reads from the session, in one place.

The session is being rebuilt into a façade (issue 13); until then the window reaches the runner,
the job store and the library through here only, so pointing the UI at the new façade means
changing this module. Everything here is a *read* of what exists or a composition of existing
session calls; what the engine should offer itself is listed as `# engine wish:` notes.

- `QueueCounts`: running / queued / waiting approval, recomputed on every store event (the
  header said "0 queued" under a pause because it only followed state changes).
- `Connection`: offline — retrying, from the store's own events (a submit refused because
  nothing could be reached, a poll that failed to connect), back online at the next answer.
- `resumed`: how many jobs the runner will re-attach at this start.
- Clip removal (every take to the trash) and undo/redo that treats it as one step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ltxstudio import media
from ltxstudio.core.remote import FailureKind
from ltxstudio.jobs.model import ACTIVE, Job, JobState
from ltxstudio.jobs.queue_state import Hold, QueueStatus
from ltxstudio.session import Session
from ltxstudio.ui.plain_errors import plain_reason

#: Failure kinds that mean "the service could not be reached" (nothing was sent or answered).
_UNREACHABLE = frozenset({FailureKind.CONNECTION, FailureKind.TIMEOUT})
#: States that prove the API answered us.
_ANSWERED = frozenset(
    {JobState.PENDING, JobState.PROCESSING, JobState.DOWNLOADING, JobState.COMPLETED}
)


class ConnectionState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"  # the last contact failed for want of a network; work is retried


@dataclass(frozen=True)
class Connection:
    state: ConnectionState
    reason: str = ""  # a plain sentence (never a transport error's class name)


@dataclass(frozen=True)
class QueueCounts:
    running: int
    queued: int
    approval: int
    held: bool


def count_jobs(jobs: Iterable[Job], held: bool, backend: str | None = None) -> QueueCounts:
    """The header's counts; with `backend`, only its jobs (the others wait for it)."""
    running = queued = approval = 0
    for job in jobs:
        if backend is not None and job.backend != backend:
            continue
        if job.state in ACTIVE:
            running += 1
        elif job.state is JobState.QUEUED:
            queued += 1
        elif job.state is JobState.AWAITING_APPROVAL:
            approval += 1
    return QueueCounts(running, queued, approval, held)


class SessionView(QObject):
    #: The queue's counts changed (a job added, removed, moved or changing state, a hold).
    counts_changed = Signal(object)  # QueueCounts
    #: The runner's status (holds, limits, spend).
    status_changed = Signal(object)  # QueueStatus
    connection_changed = Signal(object)  # Connection
    #: A job reached a state the user should hear about: done, failed, needs approval, …
    job_settled = Signal(object)  # Job
    hold_changed = Signal(object)  # Hold | None
    #: What Edit → Undo / Redo would do changed (labels, enabled).
    undo_changed = Signal()

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.connection = Connection(ConnectionState.ONLINE)
        self._hold: Hold | None = session.runner.hold
        # engine wish: the runner should report what `recover()` re-attached; until then, the
        # jobs it will re-attach are those left mid-flight by this backend (it has not run yet
        # when the window is built: `Session.start()` only schedules it).
        self.resumed = sum(
            1
            for job in session.store
            if job.backend == session.backend_name
            and job.state in (JobState.PENDING, JobState.PROCESSING, JobState.DOWNLOADING)
        )
        self._undo_groups = _UndoGroups(session, self.undo_changed.emit)
        store = session.store
        for signal in (store.added, store.removed, store.moved):
            signal.connect(self._on_store_event)
        store.changed.connect(self._on_job_changed)
        session.runner.queue_changed.connect(self._on_queue_changed)

    # ------------------------------------------------------------------ queue

    def status(self) -> QueueStatus:
        return self.session.runner.status()

    def counts(self) -> QueueCounts:
        held = self.session.runner.hold is not None
        return count_jobs(self.session.store, held, self.session.backend_name)

    def jobs(self) -> list[Job]:
        return list(self.session.store)

    def running_remote(self) -> int:
        """Jobs LTX is working on for us now: they go on if the app quits."""
        return sum(
            1
            for job in self.session.store
            if job.backend == self.session.backend_name and job.state in ACTIVE
        )

    def sync(self) -> bool:
        """Pick up what another process (the CLI) changed in the shared journal."""
        return self.session.store.sync()

    def _on_store_event(self, *_: object) -> None:
        self.counts_changed.emit(self.counts())

    def _on_queue_changed(self, status: QueueStatus) -> None:
        self.status_changed.emit(status)
        self.counts_changed.emit(self.counts())
        if status.hold != self._hold:
            self._hold = status.hold
            self.hold_changed.emit(status.hold)

    def _on_job_changed(self, index: int, old: Job, new: Job, fields: frozenset[str]) -> None:
        if "state" in fields:
            self.counts_changed.emit(self.counts())
            self.status_changed.emit(self.status())  # today's spend moves with submits
            if new.state.terminal or new.state is JobState.AWAITING_APPROVAL:
                self.job_settled.emit(new)
        self._track_connection(old, new, fields)

    def _track_connection(self, old: Job, new: Job, fields: frozenset[str]) -> None:
        if self.session.simulated:
            return  # the sandbox runs in this process: there is no network to lose
        # engine wish: a client-level "reachable / unreachable since" signal would replace
        # reading it from job notes.
        failed = (
            "attempts" in fields
            and new.attempts > old.attempts
            and new.error is not None
            and new.error.kind in _UNREACHABLE
        )
        answered = "state" in fields and new.state in _ANSWERED and new.state is not old.state
        recovered = "attempts" in fields and new.attempts == 0 and old.attempts > 0
        if failed:
            assert new.error is not None
            self._set_connection(Connection(ConnectionState.OFFLINE, plain_reason(new.error)))
        elif answered or recovered:
            self._set_connection(Connection(ConnectionState.ONLINE))

    def _set_connection(self, connection: Connection) -> None:
        if connection != self.connection:
            self.connection = connection
            self.connection_changed.emit(connection)

    # ------------------------------------------------------------------ library

    def take_for_job(self, job_id: str) -> str | None:
        """The clip a finished job's result was filed into, if any."""
        take = self.session.library.take_for_job(job_id)
        return take.clip_id if take is not None else None

    async def import_video(self, path: Path) -> str:
        """File the video as a clip (or find the take it already is); returns the clip id."""
        take = await self.session.take_for_file(path)
        return take.clip_id

    def clip_title(self, clip_id: str) -> str:
        return self.session.library.clip(clip_id).title

    def clip_exists(self, clip_id: str) -> bool:
        """A clip that is in the library with at least one take not in the trash."""
        return self.session.library.take_counts().get(clip_id, 0) > 0

    def remove_clip(self, clip_id: str) -> int:
        """Move every take of the clip to the trash, as one step Edit → Undo brings back; the
        library then lists the clip no more. Returns how many takes went."""
        # engine wish: `Library.delete_clip` / `restore_clip` with nestable action brackets;
        # the library's brackets close at the first inner `delete_take`, hence the grouping here.
        library = self.session.library
        takes = library.takes(clip_id)
        with self._undo_groups.group():
            for take in reversed(takes):  # the active one last: no needless re-activations
                library.delete_take(take.id)
        return len(takes)

    def undo(self) -> None:
        self._undo_groups.undo()

    def redo(self) -> None:
        self._undo_groups.redo()

    @property
    def undo_label(self) -> str | None:
        return self._undo_groups.label(self.session.undo_stack.undo_label, redo=False)

    @property
    def redo_label(self) -> str | None:
        return self._undo_groups.label(self.session.undo_stack.redo_label, redo=True)


async def importable_video(path: Path) -> str | None:
    """Why `path` cannot be imported as a clip (the media layer's sentence), or None."""
    try:
        info = await media.run(media.probe, path)
    except media.MediaError as exc:
        return exc.message
    if info.first_video is None:
        return f"{path.name} has no video in it."
    return None


class _UndoGroups:
    """Undo steps made of several library actions (removing a clip deletes each take).

    Mirrors the session's undo stack as a list of step sizes: one entry per record the stack
    makes, except inside `group()`, where every record joins one entry. Undo and redo replay a
    whole entry."""

    def __init__(self, session: Session, changed: Callable[[], None]) -> None:
        self._stack = session.undo_stack
        self._changed = changed
        self._undo: list[tuple[int, str | None]] = []  # (records, label of a group)
        self._redo: list[tuple[int, str | None]] = []
        self._grouping: list[int] | None = None
        self._replaying = False
        self._stack.changed.connect(self._on_changed)

    def group(self) -> _Group:
        return _Group(self)

    def _on_changed(self) -> None:
        if self._replaying:
            return
        # A record made outside undo/redo: a new step (or part of the open group).
        if self._grouping is not None:
            self._grouping[0] += 1
            return
        self._undo.append((1, None))
        self._redo.clear()
        self._changed()

    def _open(self) -> None:
        self._grouping = [0]

    def _close(self) -> None:
        assert self._grouping is not None
        count, self._grouping = self._grouping[0], None
        if count:
            self._undo.append((count, "remove clip"))
            self._redo.clear()
        self._changed()

    def _replay(self, source: list[tuple[int, str | None]], step: Callable[[], None]) -> None:
        count, label = source.pop() if source else (1, None)
        self._replaying = True
        try:
            for _ in range(count):
                step()
        finally:
            self._replaying = False
        target = self._redo if source is self._undo else self._undo
        target.append((count, label))
        self._changed()

    def undo(self) -> None:
        if self._stack.can_undo:
            self._replay(self._undo, self._stack.undo)

    def redo(self) -> None:
        if self._stack.can_redo:
            self._replay(self._redo, self._stack.redo)

    def label(self, stack_label: str | None, *, redo: bool) -> str | None:
        entries = self._redo if redo else self._undo
        if stack_label is None:
            return None
        if entries and entries[-1][1] is not None:
            return entries[-1][1]
        return stack_label


class _Group:
    def __init__(self, groups: _UndoGroups) -> None:
        self._groups = groups

    def __enter__(self) -> None:
        self._groups._open()

    def __exit__(self, *exc: object) -> None:
        self._groups._close()
