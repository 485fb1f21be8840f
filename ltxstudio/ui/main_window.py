"""The main window: library (left), viewer (centre), generate (right), queue (bottom).

Thin glue over the `Session`: every action calls a session method; what changes flows back as
store and library events. Slots that await the session are qasync `asyncSlot`s on this QObject
(never on free functions: qasync#177), and their errors land inline or in the one presenter.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QWidget,
)

from ltxstudio.core.pricing import Quote, quote
from ltxstudio.core.request import GenerationRequest, MediaFacts
from ltxstudio.jobs.queue_state import QueueStatus
from ltxstudio.media import Role
from ltxstudio.session import BadInput, Session
from ltxstudio.ui import theme
from ltxstudio.ui.about_dialog import show_about
from ltxstudio.ui.asyncslot import async_slot
from ltxstudio.ui.draft import DraftKeeper
from ltxstudio.ui.duplicate_guard import DuplicateGuard
from ltxstudio.ui.generate_panel import GeneratePanel
from ltxstudio.ui.intake import Intake
from ltxstudio.ui.keyboard_reach import TabOrder
from ltxstudio.ui.layout_store import LayoutStore, SettingsLayout
from ltxstudio.ui.library_panel import ClipListModel, LibraryPanel
from ltxstudio.ui.media_bridge import Posters, inspector
from ltxstudio.ui.models.job_table import JobTableModel
from ltxstudio.ui.queue_panel import QueuePanel
from ltxstudio.ui.quit_guard import ask_before_quitting
from ltxstudio.ui.session_controller import build_viewer
from ltxstudio.ui.session_view import SessionView
from ltxstudio.ui.settings_dialog import (
    SettingsDialog,
    SettingsResult,
    key_check_sentence,
    key_checker,
    key_state,
)
from ltxstudio.ui.shortcut_dialogs import KeyboardHelp, ShortcutEditor
from ltxstudio.ui.status_area import StatusArea
from ltxstudio.ui.viewer import ViewerPanel
from ltxstudio.ui.wheel_guard import guard_wheels
from ltxstudio.ui.window_menus import build_menus
from ltxstudio.ui.window_parts import BOTTOM, LEFT, RIGHT, empty_viewer, fit_docks, make_dock

log = logging.getLogger("ltxstudio.ui")


class MainWindow(QMainWindow):
    #: The user changed the backend or the key: the app reopens the session (see app.py).
    reopen_requested = Signal(object)  # SettingsResult
    #: The window was closed: the app closes the session, then quits.
    closing = Signal()
    #: Help → Run self-test: the app opens the self-test (which builds a window of its own).
    selftest_requested = Signal()

    # Built by `window_menus.build_menus`.
    import_action: QAction
    quit_action: QAction
    undo_action: QAction
    redo_action: QAction
    remove_clip_action: QAction
    settings_action: QAction
    generate_action: QAction
    pause_action: QAction
    keyboard_help_action: QAction

    def __init__(
        self,
        session: Session,
        *,
        viewer: bool = True,
        layout: LayoutStore | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.view = SessionView(session, self)  # every read of the session's parts goes here
        self._layout = layout or SettingsLayout()
        self.setObjectName("mainWindow")
        self.setWindowTitle("LTX Studio Desktop" + (" — Sandbox" if session.simulated else ""))
        self.setWindowIcon(QIcon.fromTheme("io.github.ltxstudio.LtxStudio"))
        self.setAcceptDrops(True)
        self.resize(1600, 1000)
        self.setDockNestingEnabled(True)
        # The generate dock runs down to the status bar: the queue under the viewer only, so
        # the form keeps its height on a 1280×800 screen (issue 14, item 14).
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        work = session.paths.cache / "converted"
        self.generate = GeneratePanel(
            self._estimate,
            history_search=session.history.search,
            presets=session.presets,
            image_inspector=inspector(Role.FIRST_FRAME, work),
            audio_inspector=inspector(Role.SOUNDTRACK, work),
            simulated=session.simulated,
        )
        self.generate.last_frame._inspector = inspector(Role.LAST_FRAME, work)
        guard_wheels(self.generate)  # the wheel scrolls the panel, not the combo under it
        self.jobs_model = JobTableModel(session.jobs, session.clock, reorder=session.move)
        self.queue = QueuePanel(self.jobs_model, session)
        self.queue.count_backend(session.backend_name)
        self.posters = Posters(session.clips.path_of, session.paths.cache)
        self.clips_model = ClipListModel(session.clips, self.posters)
        self.library = LibraryPanel(self.clips_model)
        self.viewer_panel: ViewerPanel | None = None
        if viewer:
            self.viewer_panel, self.edits = build_viewer(session, self.view.undo, self.view.redo)
        self.viewer = self.viewer_panel or empty_viewer(self)

        self.setCentralWidget(self.viewer)
        self.library_dock = make_dock(self, "Library", self.library, LEFT)
        self.generate_dock = make_dock(self, "Generate", self.generate, RIGHT)
        self.queue_dock = make_dock(self, "Queue", self.queue, BOTTOM)
        self.tab_order = TabOrder(self._regions)
        self._fit_on_show = True  # until a saved layout is restored
        self._quit_confirmed = False

        self.duplicates = DuplicateGuard(session.clock)
        self.intake = Intake(self, self.view, self.generate, self._on_clip_activated, self.say)
        self.shortcuts = build_menus(self)
        self.view.undo_changed.connect(self._update_undo)
        self._update_undo()
        self.status = StatusArea(self.statusBar(), self.view, self.windowIcon())
        self.announcer = self.status.announcer
        self.backend_label = self.status.backend_label
        self.spend_label = self.status.spend_label
        self.status.connect_button.clicked.connect(self.open_settings)
        if self.viewer_panel is not None:
            self.edits.queued.connect(self.status.show_queued)
            self.edits.refused.connect(self._on_edit_refused)
            self.viewer_panel.start_frame_chosen.connect(self.take_in)

        self.generate.generate_requested.connect(self._on_generate_requested)
        self.library.example_chosen.connect(self.generate.prompt.set_text)
        self.library.clip_activated.connect(self._on_clip_activated)
        self.library.remove_requested.connect(self.remove_clip)
        self.queue.open_job_requested.connect(self._on_open_job)
        self.view.status_changed.connect(self._on_queue_changed)
        self.view.counts_changed.connect(self.queue.show_counts)
        session.drained.connect(self.status.drained)
        # Another process (the CLI) may change the shared journal; look every 2 s.
        self._sync = QTimer(self)
        self._sync.setInterval(2000)
        self._sync.timeout.connect(self._on_sync_tick)
        self._sync.start()
        self._on_queue_changed(self.view.status())
        self._restore_layout()
        self.draft = DraftKeeper(self.generate, self._layout, self._open_clip_id, self)
        self._restore_draft()
        # Tab in reading order; again whenever controls appear (takes, a mode's pickers).
        if self.viewer_panel is not None:
            self.viewer_panel.takes.rebuilt.connect(self.tab_order.apply)
        self.generate.mode_group.buttonToggled.connect(lambda *_: self.tab_order.apply())
        self.generate.add_last_frame.toggled.connect(lambda _on: self.tab_order.apply())
        self.status.resumed(self.view.resumed)

    # ------------------------------------------------------------------ building

    def _regions(self) -> list[QWidget]:
        """The window in reading order, for Tab."""
        return [
            self.library_dock,
            self.viewer,
            self.generate_dock,
            self.queue_dock,
            self.statusBar(),
        ]

    # ------------------------------------------------------------------ actions

    def _estimate(self, request: GenerationRequest, facts: MediaFacts | None) -> Quote:
        return quote(request.cost_basis(facts))

    def _on_generate_requested(self, request: GenerationRequest) -> None:
        if self.duplicates.asking:
            return  # the question about this very request is on screen
        ago = self.duplicates.seconds_since_same(request)
        if ago is not None:
            self.duplicates.ask(self, ago, lambda: self._queue_generation(request))
            return
        self._queue_generation(request)

    @async_slot(object)
    async def _queue_generation(self, request: GenerationRequest) -> None:
        self.duplicates.queued(request)
        self.generate.generate_button.setEnabled(False)
        try:
            job = await self.session.generate(request)
        except BadInput as exc:
            self.generate.reason.setText(str(exc))
            return
        finally:
            self.generate.generate_button.setEnabled(self.generate.blocking_reason() is None)
        self.status.show_queued(job)

    @property
    def as_window(self) -> QMainWindow:
        return self

    def open_settings(self) -> None:
        dialog = SettingsDialog(
            self,
            self.session.settings,
            key_state(self.session.key),
            self._apply_settings,
            key_checker(self.session.key),
            edit_keys=self.edit_shortcuts,
        )
        dialog.setObjectName("settingsDialog")
        dialog.open()
        self.settings_dialog = dialog

    def _apply_settings(self, result: SettingsResult) -> None:
        """Concurrency, budget, poll interval, notifications and theme apply live; another
        backend, API, key or library folder reopens the session (the window with it)."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_choice(app, result.settings.theme)  # now, not at the next start
        key_changed = result.new_key is not None or result.remove_key
        if key_changed or self.session.needs_reopen(result.settings):
            self.reopen_requested.emit(result)
            return
        self.session.apply_settings(result.settings)
        self.say(self.tr("Settings applied."))

    @async_slot()
    async def report_key_check(self) -> None:
        """After a key was saved: tell at once whether LTX takes it, not at the first job."""
        found = await key_checker(self.session.key)(None, self.session.settings.base_url)
        if found is not None:
            self.statusBar().showMessage(key_check_sentence(found), 15000)

    def toggle_pause(self) -> None:
        if self.view.status().hold is None:
            self.session.pause()
        else:
            self.session.resume()

    def import_media(self) -> None:
        self.intake.choose()

    def take_in(self, path: Path) -> None:
        """A dropped, imported or opened file goes where it makes sense."""
        self.intake.take_in(path)

    def say(self, message: str) -> None:
        """A sentence in the status bar, and for assistive technology."""
        self.statusBar().showMessage(message, 10000)
        self.announcer.announce(message)

    def remove_current_clip(self) -> None:
        """Edit → Remove clip: the clip selected in the library, else the one in the viewer."""
        clip_id = self.library.current_clip() or self._open_clip_id()
        if clip_id is not None and self.view.clip_exists(clip_id):
            self.remove_clip(clip_id)

    def remove_clip(self, clip_id: str) -> None:
        self.intake.remove_clip(clip_id, self.view.clip_title(clip_id))

    def show_keyboard_help(self) -> KeyboardHelp:
        self.keyboard_help = KeyboardHelp(self.shortcuts, self)
        self.keyboard_help.open()
        return self.keyboard_help

    def edit_shortcuts(self) -> ShortcutEditor:
        self.shortcut_editor = ShortcutEditor(self.shortcuts, self)
        self.shortcut_editor.open()
        return self.shortcut_editor

    def about(self) -> None:
        self.about_dialog = show_about(self)

    # ------------------------------------------------------------------ events

    def _on_clip_activated(self, clip_id: str) -> None:
        if self.viewer_panel is not None:
            self.viewer_panel.show_clip(clip_id)
            self.draft.changed()

    def _open_clip_id(self) -> str | None:
        panel = self.viewer_panel
        return panel.clip.id if panel is not None and panel.clip is not None else None

    def _restore_draft(self) -> None:
        clip_id = self.draft.restore()
        if clip_id is not None and self.view.clip_exists(clip_id):
            self._on_clip_activated(clip_id)

    def _on_edit_refused(self, reason: str) -> None:
        self.statusBar().showMessage(self.tr("Not queued: %1").replace("%1", reason), 10000)

    def _on_open_job(self, job_id: str) -> None:
        clip_id = self.view.take_for_job(job_id)
        if clip_id is not None:
            self._on_clip_activated(clip_id)

    def _on_queue_changed(self, status: QueueStatus) -> None:
        self.queue.show_status(status)
        self.status.show_queue(status)

    def _on_sync_tick(self) -> None:
        if self.view.sync():
            self._on_queue_changed(self.view.status())

    def _update_undo(self) -> None:
        undo, redo = self.view.undo_label, self.view.redo_label
        self.undo_action.setEnabled(undo is not None)
        self.redo_action.setEnabled(redo is not None)
        self.undo_action.setText(
            self.tr("Undo %1").replace("%1", undo) if undo else self.tr("Undo")
        )
        self.redo_action.setText(
            self.tr("Redo %1").replace("%1", redo) if redo else self.tr("Redo")
        )

    # ------------------------------------------------------------------ window

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.take_in(Path(url.toLocalFile()))
        event.acceptProposedAction()

    def _restore_layout(self) -> None:
        geometry, state = self._layout.load()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None and self.restoreState(state):
            self._fit_on_show = False

    def reset_layout(self) -> None:
        for dock in (self.library_dock, self.generate_dock, self.queue_dock):
            dock.setFloating(False)
            dock.show()
        self.fit_docks()

    def fit_docks(self) -> None:
        fit_docks(self, self.library_dock, self.generate_dock, self.queue_dock)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fit_on_show:
            self._fit_on_show = False
            self.fit_docks()
        self.tab_order.apply()

    def request_quit(self) -> None:
        """File → Quit: say what happens to running jobs first (they go on at the service)."""
        running = self.view.running_remote()
        if running and not self._quit_confirmed:
            self.quit_question = ask_before_quitting(
                self, running, self.session.simulated, self._quit_now
            )
            return
        self.close()

    def _quit_now(self) -> None:
        self._quit_confirmed = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # The window's own close button (a spontaneous event) is the user asking to quit too;
        # a programmatic close (a logout, SIGTERM, a settings reopen) does not ask.
        if event.spontaneous() and self.view.running_remote() and not self._quit_confirmed:
            event.ignore()
            self.request_quit()
            return
        self._layout.save(self.saveGeometry(), self.saveState())
        self.draft.save()
        self.intake.close()
        self.generate.stop()
        self._sync.stop()
        self.posters.close()
        if self.viewer_panel is not None:
            self.viewer_panel.takes.rebuilt.disconnect(self.tab_order.apply)
            self.viewer_panel.shutdown()  # its players' backends die while the loop still runs
        super().closeEvent(event)
        self.closing.emit()
