"""The main window: library (left), viewer (centre), generate (right), queue (bottom).

Thin glue over the `Session`: every action calls a session method; what changes flows back as
store and library events. Slots that await the session are qasync `asyncSlot`s on this QObject
(never on free functions: qasync#177), and their errors land inline or in the one presenter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QWidget,
)

from ltxstudio.api import MediaFacts
from ltxstudio.core.pricing import Quote, quote
from ltxstudio.jobs.runner import QueueStatus
from ltxstudio.media import Role
from ltxstudio.session import BadInput, Session
from ltxstudio.session.keycheck import KeyCheck, check_key, target_base_url
from ltxstudio.session.requests import GenerateRequest, Mode
from ltxstudio.settings import secrets
from ltxstudio.ui import theme
from ltxstudio.ui.about_dialog import show_about
from ltxstudio.ui.asyncslot import async_slot
from ltxstudio.ui.generate_panel import GeneratePanel
from ltxstudio.ui.layout_store import LayoutStore, SettingsLayout
from ltxstudio.ui.library_panel import ClipListModel, LibraryPanel
from ltxstudio.ui.media_bridge import Posters, inspector
from ltxstudio.ui.models.job_table import JobTableModel
from ltxstudio.ui.queue_panel import QueuePanel
from ltxstudio.ui.session_controller import build_viewer, clip_menu
from ltxstudio.ui.session_view import SessionView
from ltxstudio.ui.settings_dialog import (
    KeyState,
    SettingsDialog,
    SettingsResult,
    key_check_sentence,
)
from ltxstudio.ui.status_area import StatusArea
from ltxstudio.ui.viewer import ViewerPanel

log = logging.getLogger("ltxstudio.ui")

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"}
AUDIO_SUFFIXES = {".wav", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".flac"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi"}


class MainWindow(QMainWindow):
    #: The user changed the backend or the key: the app reopens the session (see app.py).
    reopen_requested = Signal(object)  # SettingsResult
    #: The window was closed: the app closes the session, then quits.
    closing = Signal()
    #: Help → Run self-test: the app opens the self-test (which builds a window of its own).
    selftest_requested = Signal()

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

        work = session.paths.cache / "converted"
        self.generate = GeneratePanel(
            self._estimate,
            history_search=session.history.search,
            presets=session.presets,
            image_inspector=inspector(Role.FIRST_FRAME, work),
            audio_inspector=inspector(Role.SOUNDTRACK, work),
        )
        self.generate.last_frame._inspector = inspector(Role.LAST_FRAME, work)
        self.jobs_model = JobTableModel(session.store, session.clock, reorder=session.move)
        self.queue = QueuePanel(self.jobs_model, session)
        self.posters = Posters(session.library.path_of, session.paths.cache)
        self.clips_model = ClipListModel(session.library, self.posters)
        self.library = LibraryPanel(self.clips_model)
        self.viewer_panel: ViewerPanel | None = None
        if viewer:
            self.viewer_panel, self.edits = build_viewer(session)
        self.viewer = self.viewer_panel or self._empty_viewer()

        self.setCentralWidget(self.viewer)
        self.library_dock = self._dock(
            "Library", self.library, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.generate_dock = self._dock(
            "Generate", self.generate, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.queue_dock = self._dock("Queue", self.queue, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._fit_on_show = True  # until a saved layout is restored

        self._make_actions()
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
        self.status.resumed(self.view.resumed)

    # ------------------------------------------------------------------ building

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(self.tr(title), self)
        dock.setObjectName(f"{title.lower()}Dock")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _empty_viewer(self) -> QWidget:
        label = QLabel(self.tr("Generate a clip or drop a video here"))
        label.setObjectName("emptyViewer")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("font-size: 16px; color: palette(mid);")
        return label

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(self.tr(text), self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu(self.tr("&File"))
        self.import_action = self._action("Import media…", self._import_media, "Ctrl+O")
        file.addAction(self.import_action)
        file.addSeparator()
        file.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        edit = bar.addMenu(self.tr("&Edit"))
        self.undo_action = self._action("Undo take switch", self.session.undo, "Ctrl+Z")
        self.redo_action = self._action("Redo take switch", self.session.redo, "Ctrl+Shift+Z")
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        self.settings_action = self._action("Settings…", self.open_settings, "Ctrl+,")
        edit.addAction(self.settings_action)
        self.session.undo_stack.changed.connect(self._update_undo)
        self._update_undo()

        view = bar.addMenu(self.tr("&View"))
        for dock in (self.library_dock, self.generate_dock, self.queue_dock):
            view.addAction(dock.toggleViewAction())
        view.addAction(
            self._action("Search library", lambda: self.library.search.setFocus(), "Ctrl+F")
        )
        view.addAction(self._action("Reset layout", self._reset_layout))

        if self.viewer_panel is not None:
            clip = bar.addMenu(self.tr("&Clip"))
            for item in clip_menu(self.viewer_panel):
                clip.addAction(item) if item is not None else clip.addSeparator()

        generate = bar.addMenu(self.tr("&Generate"))
        self.generate_action = self._action(
            "Generate", self.generate.trigger_generate, "Ctrl+Return"
        )
        self._action("Generate (keypad Enter)", self.generate.trigger_generate, "Ctrl+Enter")
        generate.addAction(self.generate_action)

        queue = bar.addMenu(self.tr("&Queue"))
        self.pause_action = self._action("Pause / resume queue", self._toggle_pause, "Ctrl+P")
        queue.addAction(self.pause_action)

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action("Run self-test…", self.selftest_requested.emit))
        help_menu.addAction(self._action("About LTX Studio Desktop", self._about))

    # ------------------------------------------------------------------ actions

    def _estimate(self, request: GenerateRequest, facts: MediaFacts | None) -> Quote:
        return quote(request.cost_basis(facts))

    @async_slot(object)
    async def _on_generate_requested(self, request: GenerateRequest) -> None:
        self.generate.generate_button.setEnabled(False)
        try:
            job = await self.session.generate(request)
        except BadInput as exc:
            self.generate.reason.setText(str(exc))
            return
        finally:
            self.generate.generate_button.setEnabled(self.generate.blocking_reason() is None)
        self.status.show_queued(job)

    def open_settings(self) -> None:
        key = self.session.key
        state = KeyState(
            stored=key is not None,
            source=key.source.value if key else "none",
            keyring_usable=secrets.keyring_usable(),
            keyring_name=secrets.backend_name(),
        )
        dialog = SettingsDialog(
            self, self.session.settings, state, self._apply_settings, self._check_key
        )
        dialog.setObjectName("settingsDialog")
        dialog.open()
        self.settings_dialog = dialog

    def _apply_settings(self, result: SettingsResult) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_choice(app, result.settings.theme)  # now, not at the next start
        self.reopen_requested.emit(result)

    async def _check_key(self, typed: str | None, base_url: str) -> KeyCheck | None:
        """The API's verdict on the typed key, else on the key in use (None: no key, sandbox)."""
        key = typed or (self.session.key.value if self.session.key else None)
        if key is None:
            return None
        return await check_key(key, target_base_url(base_url or None))

    @async_slot()
    async def report_key_check(self) -> None:
        """After a key was saved: tell at once whether LTX takes it, not at the first job."""
        found = await self._check_key(None, self.session.settings.base_url)
        if found is not None:
            self.statusBar().showMessage(key_check_sentence(found), 15000)

    def _toggle_pause(self) -> None:
        if self.view.status().hold is None:
            self.session.pause()
        else:
            self.session.resume()

    def _import_media(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        dialog = QFileDialog(self, self.tr("Import media"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.take_in(Path(name)))
        dialog.open()

    def take_in(self, path: Path) -> None:
        """A dropped or imported file goes where it makes sense."""
        suffix = path.suffix.lower()
        if suffix in IMAGE_SUFFIXES:
            if self.generate.mode is Mode.TEXT:
                self.generate.set_mode(Mode.IMAGE)
            self.generate.image.set_path(path)
        elif suffix in AUDIO_SUFFIXES:
            self.generate.set_mode(Mode.AUDIO)
            self.generate.audio.set_path(path)
        elif suffix in VIDEO_SUFFIXES:
            self._open_video(path)
        else:
            self.statusBar().showMessage(
                self.tr("Not a file LTX can use: %1").replace("%1", path.name), 5000
            )

    @async_slot(object)
    async def _open_video(self, path: Path) -> None:
        take = await self.session.take_for_file(path)
        self._on_clip_activated(take.clip_id)

    def _about(self) -> None:
        self.about_dialog = show_about(self)

    # ------------------------------------------------------------------ events

    def _on_clip_activated(self, clip_id: str) -> None:
        if self.viewer_panel is not None:
            self.viewer_panel.show_clip(clip_id)

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
        stack = self.session.undo_stack
        self.undo_action.setEnabled(stack.can_undo)
        self.redo_action.setEnabled(stack.can_redo)

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

    def _reset_layout(self) -> None:
        for dock in (self.library_dock, self.generate_dock, self.queue_dock):
            dock.setFloating(False)
            dock.show()
        self.fit_docks()

    def fit_docks(self) -> None:
        """Docks in proportion to the window, so the viewer keeps room for its picture on a
        small screen too (first launch, and View → Reset layout)."""
        width, height = self.width(), self.height()
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        sides = [round(width * 0.19), round(width * 0.26)]
        self.resizeDocks([self.library_dock, self.generate_dock], sides, horizontal)
        self.resizeDocks([self.queue_dock], [round(height * 0.22)], vertical)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fit_on_show:
            self._fit_on_show = False
            self.fit_docks()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._layout.save(self.saveGeometry(), self.saveState())
        self._sync.stop()
        self.posters.close()
        if self.viewer_panel is not None:
            self.viewer_panel.shutdown()  # its players' backends die while the loop still runs
        super().closeEvent(event)
        self.closing.emit()
