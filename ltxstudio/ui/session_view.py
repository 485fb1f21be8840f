"""What the window reads from the session, in one place.

A Qt adapter over the session's façade: it turns the session's Qt-free signals into the few
derived Qt signals the window's parts follow, and adds what only a screen needs (the header's
counts, the connection as the user should read it).

- `QueueCounts`: running / queued / waiting approval, recomputed on every store event (the
  header said "0 queued" under a pause because it only followed state changes).
- `Connection`: offline — retrying, from the store's own events (a submit refused because
  nothing could be reached, a poll that failed to connect), back online at the next answer.
"""

from __future__ import annotations

from collections.abc import Iterable
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
        self._hold: Hold | None = session.hold
        self.resumed = session.resumed
        jobs = session.jobs
        for signal in (jobs.added, jobs.removed, jobs.moved):
            signal.connect(self._on_store_event)
        jobs.changed.connect(self._on_job_changed)
        session.queue_changed.connect(self._on_queue_changed)
        session.undo_changed.connect(self.undo_changed.emit)

    # ------------------------------------------------------------------ queue

    def status(self) -> QueueStatus:
        return self.session.queue_status()

    def counts(self) -> QueueCounts:
        held = self.session.hold is not None
        return count_jobs(self.session.jobs, held, self.session.backend_name)

    def jobs(self) -> list[Job]:
        return list(self.session.jobs)

    def running_remote(self) -> int:
        """Jobs LTX is working on for us now: they go on if the app quits."""
        return self.session.running_remote()

    def sync(self) -> bool:
        """Pick up what another process (the CLI) changed in the shared journal."""
        return self.session.sync_jobs()

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
        take = self.session.clips.take_for_job(job_id)
        return take.clip_id if take is not None else None

    async def import_video(self, path: Path) -> str:
        """File the video as a clip (or find the take it already is); returns the clip id."""
        take = await self.session.take_for_file(path)
        return take.clip_id

    def clip_title(self, clip_id: str) -> str:
        return self.session.clips.clip(clip_id).title

    def clip_exists(self, clip_id: str) -> bool:
        """A clip that is in the library with at least one take not in the trash."""
        return self.session.clips.take_counts().get(clip_id, 0) > 0

    def remove_clip(self, clip_id: str) -> int:
        return self.session.remove_clip(clip_id)

    def undo(self) -> None:
        self.session.undo()

    def redo(self) -> None:
        self.session.redo()

    @property
    def undo_label(self) -> str | None:
        return self.session.undo_label

    @property
    def redo_label(self) -> str | None:
        return self.session.redo_label


async def importable_video(path: Path) -> str | None:
    """Why `path` cannot be imported as a clip (the media layer's sentence), or None."""
    try:
        info = await media.run(media.probe, path)
    except media.MediaError as exc:
        return exc.message
    if info.first_video is None:
        return f"{path.name} has no video in it."
    return None
