"""The queue dock: every job with its state, time, ETA, attempts and estimated cost.

A view over `JobTableModel`. Actions call the controller (the session); nothing here changes a
job directly. The queue-wide hold (pause, 402, 401) and today's spend show once, at the top.

Every job action is reachable from the keyboard (UI-GUIDE §6a): the Menu key or Shift+F10 open
the row's menu (the one a right click opens), Enter opens the result, Delete cancels a running
job or removes a finished one, Ctrl+Up / Ctrl+Down reorder a waiting one. Tab leaves the table;
the arrows move inside it.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QPainter,
)
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
from ltxstudio.jobs.model import Job
from ltxstudio.jobs.queue_state import HoldReason, QueueStatus
from ltxstudio.ui.models.job_table import Column, JobRole, JobTableModel, ProgressRole
from ltxstudio.ui.money import money
from ltxstudio.ui.queue_actions import JobActions, QueueController
from ltxstudio.ui.session_view import QueueCounts, count_jobs
from ltxstudio.ui.theme import AMBER, RED


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
        self._limit = ""
        self._backend: str | None = None  # whose jobs the header counts (None: all)

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
        self.table.setAccessibleDescription(
            self.tr(
                "Menu key: the job's actions. Enter: open the result. Delete: cancel or remove."
            )
        )
        self.table.setTabKeyNavigation(False)  # Tab moves on; the arrows move inside
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
            (Column.ENDPOINT, 96),
            (Column.MODEL, 76),
            (Column.STATE, 250),
            (Column.PROGRESS, 80),
            (Column.ETA, 56),
            (Column.RETRY, 70),
            (Column.COST, 128),  # "$12.34 (simulated)" on the sandbox
        ):
            self.table.setColumnWidth(column, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.job_actions = JobActions(self.table, model, controller, self.open_job_requested)
        self.table.activated.connect(self._on_activated)  # Enter, or a double click

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
        model.rowsInserted.connect(self._follow_new_rows)
        model.rowsRemoved.connect(self._update_empty)
        model.modelReset.connect(self._update_empty)
        self._update_empty()

    # ------------------------------------------------------------------ status

    def _on_banner_link(self, link: str) -> None:
        if link == "add-credit":
            self.controller.add_simulated_credit()

    def show_status(self, status: QueueStatus) -> None:
        self._limit = (
            f"{status.limit}/{status.max_limit}"
            if status.limit < status.max_limit
            else str(status.limit)
        )
        self.show_counts(count_jobs(self.model.store, status.hold is not None, self._backend))
        budget = status.daily_budget_usd
        simulated = self.controller.simulated
        spent = money(status.spent_today_usd, simulated=simulated)
        self.spend.setText(
            self.tr("spent today %1 / %2")
            .replace("%1", format_usd(status.spent_today_usd))
            .replace("%2", money(budget, simulated=simulated))
            if budget is not None
            else self.tr("spent today %1").replace("%1", spent)
        )
        self._show_hold(status)

    def count_backend(self, backend: str) -> None:
        """Count only this backend's jobs: another one's wait until it is used again."""
        self._backend = backend

    def show_counts(self, counts: QueueCounts) -> None:
        """The header line; it follows every job added, moved, removed or changing state."""
        parts = [
            self.tr("%1 running").replace("%1", str(counts.running)),
            self.tr("%1 queued").replace("%1", str(counts.queued)),
        ]
        if counts.approval:
            parts.append(self.tr("%1 waiting approval").replace("%1", str(counts.approval)))
        if counts.held:
            parts.append(self.tr("paused: nothing new starts"))
        elif self._limit:
            parts.append(self.tr("up to %1 at once").replace("%1", self._limit))
        self.summary.setText(" · ".join(parts))
        self.summary.setAccessibleName(self.summary.text())

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

    def _follow_new_rows(self, parent: QModelIndex, first: int, last: int) -> None:
        """A new job is scrolled into view (appended rows were hidden below the fold); it
        becomes the current row unless the user is already on one."""
        index = self.model.index(last, Column.TITLE)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(index)

    # ------------------------------------------------------------------ actions

    def actions_for(self, job: Job) -> list[QAction]:
        return self.job_actions.actions_for(job)

    def menu_for(self, row: int) -> QMenu | None:
        return self.job_actions.menu_for(row)

    def _on_activated(self, index: QModelIndex) -> None:
        job: Job = index.data(JobRole)
        if job.outputs:
            self.open_job_requested.emit(job.id)
