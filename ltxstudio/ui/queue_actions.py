"""The queue's job actions, from the mouse and from the keyboard alike (UI-GUIDE §6a).

One list of actions per job (`actions_for`) feeds the right-click menu and the menu the Menu key
or Shift+F10 open on the current row; Delete cancels a running job or removes a finished one;
Ctrl+Up / Ctrl+Down move a waiting job past its waiting neighbours, as the drag does. Actions
call the controller (the session); the store's events move the rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QUrl, SignalInstance
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QTableView

from ltxstudio.jobs.model import Job, JobState
from ltxstudio.ui.models.job_table import JobTableModel

_WAITING = (JobState.QUEUED, JobState.AWAITING_APPROVAL)


class QueueController(Protocol):
    def cancel(self, job_id: str) -> object: ...
    def retry(self, job_id: str) -> object: ...
    def approve(self, job_id: str) -> None: ...
    def remove(self, job_id: str) -> None: ...
    def move(self, job_id: str, index: int) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def add_simulated_credit(self) -> None: ...
    @property
    def simulated(self) -> bool: ...


class JobActions(QObject):
    def __init__(
        self,
        table: QTableView,
        model: JobTableModel,
        controller: QueueController,
        open_job: SignalInstance,
    ) -> None:
        super().__init__(table)
        self.table = table
        self.model = model
        self.controller = controller
        self._open_job = open_job
        self.menu: QMenu | None = None
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        table.installEventFilter(self)

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
        if job.outputs:
            add(
                self.tr("Open in player"),
                lambda: self._open_job.emit(job.id),
                True,
                "Return",
            )
        if state is JobState.AWAITING_APPROVAL:
            add(self.tr("Approve (over budget)"), lambda: self.controller.approve(job.id))
        if not state.terminal:
            label = (
                self.tr("Stop tracking (LTX may still bill it)")
                if state.remote
                else self.tr("Cancel")
            )
            add(
                label,
                lambda: self.controller.cancel(job.id),
                state is not JobState.SUBMITTING,
                "Delete",
            )
        if state in (
            JobState.FAILED,
            JobState.EXPIRED,
            JobState.CANCELLED,
            JobState.OUTCOME_UNKNOWN,
        ):
            add(self.tr("Retry as a new submission"), lambda: self.controller.retry(job.id))
        if state in _WAITING:
            row = self.model.store.index_of(job.id)
            add(
                self.tr("Move up"),
                lambda: self._move(job.id, -1),
                self._can_move(row, -1),
                "Ctrl+Up",
            )
            add(
                self.tr("Move down"),
                lambda: self._move(job.id, 1),
                self._can_move(row, 1),
                "Ctrl+Down",
            )
            add(self.tr("Move to the top"), lambda: self._move_to(job.id, 0), row > 0)
        if job.outputs:
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
            add(self.tr("Remove from list"), lambda: self.controller.remove(job.id), True, "Delete")
        return out

    def _can_move(self, row: int, step: int) -> bool:
        """Waiting jobs move past other waiting jobs only (the rest has started)."""
        target = row + step
        return 0 <= target < self.model.rowCount() and (self.model.job_at(target).state in _WAITING)

    def _move(self, job_id: str, step: int) -> None:
        row = self.model.store.index_of(job_id)
        if self._can_move(row, step):
            self._move_to(job_id, row + step)

    def _move_to(self, job_id: str, row: int) -> None:
        self.controller.move(job_id, row)
        moved = self.model.store.index_of(job_id)
        self.table.setCurrentIndex(self.model.index(moved, self.table.currentIndex().column()))

    def menu_for(self, row: int) -> QMenu | None:
        """The row's menu (what a right click, the Menu key or Shift+F10 open)."""
        if not 0 <= row < self.model.rowCount():
            return None
        self.table.selectRow(row)
        menu = QMenu(self.table)
        menu.setAccessibleName(self.tr("Job actions"))
        for action in self.actions_for(self.model.job_at(row)):
            menu.addAction(action)
        self.menu = menu
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        menu = self.menu_for(index.row()) if index.isValid() else None
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(pos))

    def _keyboard_menu(self) -> None:
        index = self.table.currentIndex()
        menu = self.menu_for(index.row()) if index.isValid() else None
        if menu is not None:
            rect = self.table.visualRect(index)
            menu.popup(self.table.viewport().mapToGlobal(rect.bottomLeft()))
            if menu.actions():
                menu.setActiveAction(menu.actions()[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key, mods = event.key(), event.modifiers()
        shift = mods == Qt.KeyboardModifier.ShiftModifier
        ctrl = mods == Qt.KeyboardModifier.ControlModifier
        index = self.table.currentIndex()
        job: Job | None = self.model.job_at(index.row()) if index.isValid() else None
        if key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and shift):
            self._keyboard_menu()
            return True
        if job is None:
            return False
        if key == Qt.Key.Key_Delete and mods == Qt.KeyboardModifier.NoModifier:
            if job.state.terminal:
                self.controller.remove(job.id)
            elif job.state is not JobState.SUBMITTING:
                self.controller.cancel(job.id)
            return True
        if ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            if job.state in _WAITING:
                self._move(job.id, -1 if key == Qt.Key.Key_Up else 1)
            return True
        return False

    def _reveal(self, job: Job) -> None:
        folder = Path(job.outputs[0].path).parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
