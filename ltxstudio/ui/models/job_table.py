"""The queue as a Qt table: a pure adapter over `JobList` events (napari's evented-list model).

Store events map one to one onto Qt's row signals: `added` → insert, `moved` → move, `removed` →
remove, `changed(fields)` → `dataChanged` for the columns those fields feed. The model never
mutates a job; drag-and-drop reordering calls the `reorder` callback (the session), and the
store's `moved` event comes back to move the row.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor

from ltxstudio.core.clock import Clock
from ltxstudio.jobs.model import Job, JobState
from ltxstudio.jobs.view import JobList
from ltxstudio.ui.eta import EtaBook, Timing, clock_text, elapsed_text
from ltxstudio.ui.money import job_money
from ltxstudio.ui.plain_errors import plain_reason, scrub
from ltxstudio.ui.theme import state_colour

MIME = "application/x-ltxstudio-job-id"
Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    TITLE = 0
    ENDPOINT = 1
    MODEL = 2
    STATE = 3
    PROGRESS = 4
    ETA = 5
    RETRY = 6
    COST = 7


HEADERS = {
    Column.TITLE: "Prompt",
    Column.ENDPOINT: "Kind",
    Column.MODEL: "Model",
    Column.STATE: "State",
    Column.PROGRESS: "Time",
    Column.ETA: "ETA",
    Column.RETRY: "Attempts",
    Column.COST: "Est. cost",
}

#: Which columns each job field feeds (for dataChanged).
_FIELD_COLUMNS: dict[str, tuple[Column, ...]] = {
    "state": (Column.STATE, Column.PROGRESS, Column.ETA, Column.RETRY),
    "progress": (Column.STATE, Column.PROGRESS),
    "note": (Column.STATE,),
    "error": (Column.STATE, Column.RETRY),
    "attempts": (Column.RETRY,),
    "next_retry_at": (Column.RETRY, Column.STATE),
    "submitted_at": (Column.PROGRESS, Column.ETA),
    "finished_at": (Column.PROGRESS,),
    "estimate_usd": (Column.COST,),
    "spec": tuple(Column),
}

JobRole = Qt.ItemDataRole.UserRole + 1
JobIdRole = Qt.ItemDataRole.UserRole + 2
ProgressRole = Qt.ItemDataRole.UserRole + 3

_KIND = {
    "text-to-video": "text → video",
    "image-to-video": "image → video",
    "audio-to-video": "audio → video",
    "retake": "retake",
    "extend": "extend",
    "video-to-video-hdr": "HDR",
    "video-to-video-reframe": "reframe",
}


def fmt_clock(seconds: float) -> str:
    return clock_text(seconds)


#: How often the time columns of running jobs move on (they count on the session's clock).
TICK_MS = 1000


class JobTableModel(QAbstractTableModel):
    def __init__(
        self,
        store: JobList,
        clock: Clock,
        reorder: Callable[[str, int], None] | None = None,
        eta: EtaBook | None = None,
    ) -> None:
        super().__init__()
        self._store = store
        self._clock = clock
        self._reorder = reorder
        self._eta = eta or EtaBook(store)
        # Elapsed time and the estimate count while LTX works (it sends no progress).
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.tick)
        self._ticker.start()
        self._queue_pos: dict[str, int] | None = None
        store.adding.connect(self._on_adding)
        store.added.connect(self._on_added)
        store.changed.connect(self._on_changed)
        store.moving.connect(self._on_moving)
        store.moved.connect(self._on_moved)
        store.removing.connect(self._on_removing)
        store.removed.connect(self._on_removed)

    # ------------------------------------------------------------------ shape

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._store)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return self.tr(HEADERS[Column(section)])
        return None

    @property
    def store(self) -> JobList:
        return self._store

    def job_at(self, row: int) -> Job:
        return self._store[row]

    # ------------------------------------------------------------------ data

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._store):
            return None
        job = self._store[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(job, column, index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(job, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATE:
            return QColor(state_colour(job.state))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.COST, Column.ETA):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == JobRole:
            return job
        if role == JobIdRole:
            return job.id
        if role == ProgressRole:
            return job.progress
        if role == Qt.ItemDataRole.AccessibleTextRole:
            # Each cell reads as itself (a screen reader announces the column header with it).
            return self._display(job, column, index.row()) or self.tr("none")
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return self._tooltip(job, column)
        return None

    def timing(self, job: Job) -> Timing | None:
        return self._eta.timing(job, self._clock.time())

    def tick(self) -> None:
        """Move the time columns of the jobs LTX is working on."""
        for row, job in enumerate(self._store):
            if job.state in (JobState.PENDING, JobState.PROCESSING):
                self.dataChanged.emit(self.index(row, Column.STATE), self.index(row, Column.ETA))

    def _display(self, job: Job, column: Column, row: int) -> str:
        match column:
            case Column.TITLE:
                return job.spec.title
            case Column.ENDPOINT:
                return _KIND.get(job.spec.endpoint.value, job.spec.endpoint.value)
            case Column.MODEL:
                model = getattr(job.spec.request, "model", None)
                return str(model).removeprefix("ltx-") if model else "—"
            case Column.STATE:
                return self.state_text(job, row)
            case Column.PROGRESS:
                return self._time_text(job)
            case Column.ETA:
                timing = self.timing(job)
                if timing is None or timing.expected is None:
                    return ""
                if timing.late:
                    return self.tr("late")
                assert timing.remaining is not None
                return ("≈" if timing.approximate else "") + clock_text(timing.remaining)
            case Column.RETRY:
                return str(job.attempts) if job.attempts else ""
            case Column.COST:
                return job_money(job)

    def state_text(self, job: Job, row: int) -> str:
        now = self._clock.time()
        match job.state:
            case JobState.QUEUED:
                if job.next_retry_at and job.next_retry_at > now:
                    return job.note or f"retry in {fmt_clock(job.next_retry_at - now)}"
                position = self._queue_positions().get(job.id)
                return f"queued (#{position})" if position else "queued"
            case JobState.UPLOADING | JobState.DOWNLOADING:
                pct = f" {round(job.progress * 100)} %" if job.progress is not None else ""
                return f"{job.state.label}{pct}"
            case JobState.PENDING | JobState.PROCESSING:
                if job.note:
                    return f"{job.state.label} · {scrub(job.note)}"
                timing = self._eta.timing(job, now)
                if timing is None:
                    return job.state.label
                text = f"{job.state.label} · {elapsed_text(timing.elapsed)}"
                if timing.late:
                    return text + " · " + self.tr("longer than usual")
                if timing.remaining is not None:
                    about = "≈" if timing.approximate else "about "
                    return text + f" · {about}{clock_text(timing.remaining)} left"
                return text
            case JobState.COMPLETED:
                seconds = getattr(job.spec.request, "duration", None)
                length = f" · {float(seconds):.1f} s" if isinstance(seconds, int | float) else ""
                return f"done{length} · {job_money(job)}"
            case JobState.FAILED:
                text = job.note or (plain_reason(job.error) if job.error else "failed")
                return scrub(text).splitlines()[0]
            case (
                JobState.AWAITING_APPROVAL
                | JobState.CANCELLED
                | JobState.EXPIRED
                | JobState.DRAFT
                | JobState.SUBMITTING
                | JobState.OUTCOME_UNKNOWN
            ):
                return scrub(job.note) if job.note else job.state.label

    def _time_text(self, job: Job) -> str:
        match job.state:
            case JobState.UPLOADING | JobState.DOWNLOADING:
                return f"{round(job.progress * 100)} %" if job.progress is not None else ""
            case JobState.PENDING | JobState.PROCESSING:
                timing = self.timing(job)
                return elapsed_text(timing.elapsed) if timing is not None else ""
            case JobState.COMPLETED if job.submitted_at and job.finished_at:
                took = elapsed_text(job.finished_at - job.submitted_at)
                return self.tr("took %1").replace("%1", took)
            case _:
                return ""

    def _tooltip(self, job: Job, column: Column) -> str | None:
        if column == Column.TITLE:
            return job.spec.request.prompt_text or job.spec.title
        lines = [f"state: {job.state.label}"]
        if job.note:
            lines.append(scrub(job.note))
        if job.error:
            lines.append(plain_reason(job.error))
            if job.error.request_id:
                lines.append(f"x-request-id: {job.error.request_id}")
        if job.remote:
            lines.append(f"LTX job {job.remote.id}")
            if job.remote.request_id:
                lines.append(f"x-request-id: {job.remote.request_id}")
        return "\n".join(lines)

    def _queue_positions(self) -> dict[str, int]:
        if self._queue_pos is None:
            queued = (j.id for j in self._store if j.state is JobState.QUEUED)
            self._queue_pos = {job_id: i for i, job_id in enumerate(queued, start=1)}
        return self._queue_pos

    # ------------------------------------------------------------------ drag to reorder

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base | Qt.ItemFlag.ItemIsDropEnabled
        waiting = self._store[index.row()].state in (JobState.QUEUED, JobState.AWAITING_APPROVAL)
        return base | Qt.ItemFlag.ItemIsDragEnabled if waiting and self._reorder else base

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: Any) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(MIME, QByteArray(self._store[rows[0]].id.encode()))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return data.hasFormat(MIME) and action == Qt.DropAction.MoveAction

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent) or self._reorder is None:
            return False
        job_id = bytes(data.data(MIME).data()).decode()
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self._store))
        source = self._store.index_of(job_id)
        self._reorder(job_id, target - 1 if target > source else target)
        # The store's `moved` event moves the row; returning False stops Qt removing the source.
        return False

    # ------------------------------------------------------------------ store events

    def _on_adding(self, index: int) -> None:
        self.beginInsertRows(QModelIndex(), index, index)

    def _on_added(self, index: int, job: Job) -> None:
        self._queue_pos = None
        self.endInsertRows()

    def _on_removing(self, index: int, job: Job) -> None:
        self.beginRemoveRows(QModelIndex(), index, index)

    def _on_removed(self, index: int, job: Job) -> None:
        self._queue_pos = None
        self.endRemoveRows()

    def _on_moving(self, src: int, dst: int) -> None:
        # Qt counts the destination before the move: moving down means one past the target.
        self.beginMoveRows(QModelIndex(), src, src, QModelIndex(), dst + 1 if dst > src else dst)

    def _on_moved(self, src: int, dst: int, job: Job) -> None:
        self._queue_pos = None
        self.endMoveRows()
        lo, hi = min(src, dst), max(src, dst)
        self.dataChanged.emit(self.index(lo, Column.STATE), self.index(hi, Column.STATE))

    def _on_changed(self, index: int, old: Job, new: Job, fields: frozenset[str]) -> None:
        if "state" in fields:
            self._eta.learn(new)
        columns = sorted({c for f in fields for c in _FIELD_COLUMNS.get(f, ())})
        if not columns:
            return
        self.dataChanged.emit(self.index(index, columns[0]), self.index(index, columns[-1]))
        if "state" in fields and JobState.QUEUED in (old.state, new.state):
            self._queue_pos = None
            # Queue positions (#n) of the rows below shift.
            last = len(self._store) - 1
            self.dataChanged.emit(self.index(index, Column.STATE), self.index(last, Column.STATE))
