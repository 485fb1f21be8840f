"""The queue dock: every job with its state, progress, ETA, attempts and estimated cost.

A view over `JobTableModel`. Actions call the controller (the session); nothing here changes a
job directly. The queue-wide hold (pause, 402, 401) and today's spend show once, at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.core.pricing import format_usd
from ltxstudio.jobs.model import Job, JobState
from ltxstudio.jobs.queue_state import HoldReason, QueueStatus
from ltxstudio.ui.models.job_table import Column, JobRole, JobTableModel, ProgressRole
from ltxstudio.ui.theme import AMBER, RED


class QueueController(Protocol):
    def cancel(self, job_id: str) -> object: ...
    def retry(self, job_id: str) -> object: ...
    def approve(self, job_id: str) -> None: ...
    def remove(self, job_id: str) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def add_simulated_credit(self) -> None: ...
    @property
    def simulated(self) -> bool: ...


class ProgressDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        progress = index.data(ProgressRole)
        if progress is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect).adjusted(4, 6, -4, -6)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = round(progress * 100)
        bar.text = f"{bar.progress} %"
        bar.textVisible = True
        style = QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class QueuePanel(QWidget):
    open_job_requested = Signal(str)  # job id whose result should open in the player

    def __init__(self, model: JobTableModel, controller: QueueController) -> None:
        super().__init__()
        self.setObjectName("queuePanel")
        self.model = model
        self.controller = controller
        self._hold_reason: HoldReason | None = None

        self.pause_button = QPushButton(self.tr("Pause queue"))
        self.pause_button.setToolTip(self.tr("Pause or resume dispatching new jobs (Ctrl+P)"))
        self.pause_button.setAccessibleName(self.tr("Pause or resume the queue"))
        self.pause_button.clicked.connect(self._toggle_pause)
        self.summary = QLabel()
        self.summary.setObjectName("queueSummary")
        self.spend = QLabel()
        self.spend.setObjectName("queueSpend")
        header = QHBoxLayout()
        header.addWidget(self.pause_button)
        header.addWidget(self.summary, 1)
        header.addWidget(self.spend)

        self.banner = QLabel()
        self.banner.setObjectName("queueHoldBanner")
        self.banner.setWordWrap(True)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.banner.linkActivated.connect(self._on_banner_link)
        self.banner.hide()

        self.table = QTableView()
        self.table.setObjectName("queueTable")
        self.table.setModel(model)
        self.table.setAccessibleName(self.tr("Job queue"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDragEnabled(True)
        self.table.setDropIndicatorShown(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # one line per job; the full text is in the tooltip
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.table))
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (Column.ENDPOINT, 110),
            (Column.MODEL, 80),
            (Column.STATE, 300),
            (Column.PROGRESS, 110),
            (Column.ETA, 60),
            (Column.RETRY, 70),
        ):
            self.table.setColumnWidth(column, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._on_double_click)

        self.empty = QLabel(
            self.tr(
                "No jobs yet.\nWrite a prompt and press Ctrl+Enter: the job is queued here, runs "
                "within your account's concurrency, and survives a restart."
            )
        )
        self.empty.setObjectName("queueEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(header)
        layout.addWidget(self.banner)
        layout.addLayout(self._stack, 1)
        model.rowsInserted.connect(self._update_empty)
        model.rowsRemoved.connect(self._update_empty)
        model.modelReset.connect(self._update_empty)
        self._update_empty()

    # ------------------------------------------------------------------ status

    def _on_banner_link(self, link: str) -> None:
        if link == "add-credit":
            self.controller.add_simulated_credit()

    def show_status(self, status: QueueStatus) -> None:
        running = sum(
            1 for j in self.model.store if j.state.remote or j.state is JobState.UPLOADING
        )
        queued = sum(1 for j in self.model.store if j.state is JobState.QUEUED)
        approval = sum(1 for j in self.model.store if j.state is JobState.AWAITING_APPROVAL)
        parts = [self.tr("%n running", "", running), self.tr("%n queued", "", queued)]
        if approval:
            parts.append(self.tr("%n waiting approval", "", approval))
        limit = (
            f"{status.limit}/{status.max_limit}"
            if status.limit < status.max_limit
            else str(status.limit)
        )
        self.summary.setText(
            " · ".join(parts) + self.tr(" · up to %1 at once").replace("%1", limit)
        )
        budget = status.daily_budget_usd
        spent = format_usd(status.spent_today_usd)
        self.spend.setText(
            self.tr("spent today %1 / %2").replace("%1", spent).replace("%2", format_usd(budget))
            if budget is not None
            else self.tr("spent today %1").replace("%1", spent)
        )
        self._show_hold(status)

    def _show_hold(self, status: QueueStatus) -> None:
        hold = status.hold
        self._hold_reason = hold.reason if hold else None
        self.pause_button.setText(self.tr("Resume queue") if hold else self.tr("Pause queue"))
        if hold is None or hold.reason is HoldReason.USER:
            self.banner.setVisible(hold is not None)
            self.banner.setText(self.tr("Queue paused. Running jobs continue; nothing new starts."))
            self.banner.setStyleSheet("")
            return
        if hold.reason is HoldReason.FUNDS:
            needed = (
                f" ({hold.required_amount:g} {hold.required_unit} required)"
                if hold.required_amount is not None
                else ""
            )
            if self.controller.simulated:
                text = self.tr(
                    "The sandbox's simulated balance is used up%1. The queue is paused, no job "
                    "failed. Nothing real is charged: "
                    '<a href="add-credit">add $25 of simulated credit and resume</a>.'
                )
            else:
                text = self.tr(
                    "Not enough funds on your LTX account%1. The queue is paused, no job failed. "
                    "Top up at console.ltx.video, then Resume. The API said: “%2”"
                )
            text = text.replace("%1", needed).replace("%2", hold.message)
            colour = AMBER
        elif hold.reason is HoldReason.DISK:
            text = self.tr(
                "Results cannot be saved (%1). The queue is paused, no job failed: free some "
                "space, then Resume (LTX keeps results for 24 h)."
            )
            text = text.replace("%1", hold.message)
            colour = AMBER
        else:
            text = self.tr("The API key was refused (%1). Connect your account again, then Resume.")
            text = text.replace("%1", hold.message)
            colour = RED
        self.banner.setText(text)
        self.banner.setStyleSheet(
            f"QLabel#queueHoldBanner {{ border: 2px solid {colour}; padding: 8px; }}"
        )
        self.banner.show()

    def _toggle_pause(self) -> None:
        if self._hold_reason is None:
            self.controller.pause()
        else:
            self.controller.resume()

    def _update_empty(self) -> None:
        self._stack.setCurrentWidget(self.table if self.model.rowCount() else self.empty)

    # ------------------------------------------------------------------ actions

    def selected_job(self) -> Job | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(JobRole) if rows else None

    def actions_for(self, job: Job) -> list[QAction]:
        out: list[QAction] = []

        def add(text: str, slot: object, enabled: bool = True, shortcut: str | None = None) -> None:
            action = QAction(text, self)
            action.setEnabled(enabled)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            out.append(action)

        state = job.state
        if state is JobState.AWAITING_APPROVAL:
            add(self.tr("Approve (over budget)"), lambda: self.controller.approve(job.id))
        if not state.terminal:
            label = (
                self.tr("Stop tracking (LTX may still bill it)")
                if state.remote
                else self.tr("Cancel")
            )
            add(label, lambda: self.controller.cancel(job.id), state is not JobState.SUBMITTING)
        if state in (
            JobState.FAILED,
            JobState.EXPIRED,
            JobState.CANCELLED,
            JobState.OUTCOME_UNKNOWN,
        ):
            add(self.tr("Retry as a new submission"), lambda: self.controller.retry(job.id))
        if job.outputs:
            add(self.tr("Open in player"), lambda: self.open_job_requested.emit(job.id))
            add(self.tr("Reveal file"), lambda: self._reveal(job))
        request_id = (job.error.request_id if job.error else None) or (
            job.remote.request_id if job.remote else None
        )
        add(
            self.tr("Copy x-request-id"),
            lambda: QGuiApplication.clipboard().setText(request_id or ""),
            bool(request_id),
        )
        if state.terminal:
            add(self.tr("Remove from list"), lambda: self.controller.remove(job.id))
        return out

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        job: Job = index.data(JobRole)
        menu = QMenu(self)
        for action in self.actions_for(job):
            menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _on_double_click(self, index: QModelIndex) -> None:
        job: Job = index.data(JobRole)
        if job.outputs:
            self.open_job_requested.emit(job.id)

    def _reveal(self, job: Job) -> None:
        folder = Path(job.outputs[0].path).parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
