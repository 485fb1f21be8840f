"""The main window's menus and the registry of every key the app answers to (UI-GUIDE §4: every
action is also a menu item showing its shortcut). Built from the window's slots; the window keeps
the actions it needs by name (`import_action`, `generate_action`, …)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ltxstudio.ui.generate_panel import GeneratePanel
from ltxstudio.ui.library_panel import LibraryPanel
from ltxstudio.ui.session_controller import clip_menu
from ltxstudio.ui.session_view import SessionView
from ltxstudio.ui.shortcuts import Shortcuts
from ltxstudio.ui.viewer import ViewerPanel


class MenuHost(Protocol):
    """What the menus need of the main window (a protocol, so this module need not import it)."""

    view: SessionView
    library: LibraryPanel
    generate: GeneratePanel
    viewer_panel: ViewerPanel | None
    library_dock: QDockWidget
    generate_dock: QDockWidget
    queue_dock: QDockWidget
    import_action: QAction
    generate_action: QAction
    pause_action: QAction
    undo_action: QAction
    redo_action: QAction
    remove_clip_action: QAction
    settings_action: QAction
    keyboard_help_action: QAction
    quit_action: QAction
    selftest_requested: Any

    @property
    def as_window(self) -> QMainWindow: ...
    def tr(self, text: str, /) -> str: ...
    def import_media(self) -> object: ...
    def toggle_pause(self) -> object: ...
    def show_keyboard_help(self) -> object: ...
    def reset_layout(self) -> object: ...
    def request_quit(self) -> object: ...
    def remove_current_clip(self) -> object: ...
    def open_settings(self) -> object: ...
    def about(self) -> object: ...


def _action(
    w: MenuHost,
    text: str,
    slot: Callable[[], object],
    *keys: str | QKeySequence.StandardKey,
) -> QAction:
    action = QAction(w.tr(text), w.as_window)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
    action.triggered.connect(slot)
    w.as_window.addAction(action)
    return action


def build_menus(w: MenuHost) -> Shortcuts:
    bar = w.as_window.menuBar()
    keys = Shortcuts(w.as_window)
    window = w.tr("Window")

    file = bar.addMenu(w.tr("&File"))
    w.import_action = _action(w, "Import media…", w.import_media, "Ctrl+O")
    file.addAction(w.import_action)
    file.addSeparator()
    w.quit_action = _action(w, "&Quit", w.request_quit, QKeySequence.StandardKey.Quit)
    file.addAction(w.quit_action)
    keys.add("file.import", window, w.import_action)
    keys.add("file.quit", window, w.quit_action, label=w.tr("Quit"))

    edit = bar.addMenu(w.tr("&Edit"))
    w.undo_action = _action(w, "Undo", w.view.undo, "Ctrl+Z")
    w.redo_action = _action(w, "Redo", w.view.redo, "Ctrl+Shift+Z")
    edit.addAction(w.undo_action)
    edit.addAction(w.redo_action)
    edit.addSeparator()
    w.remove_clip_action = _action(w, "Remove clip from library…", w.remove_current_clip)
    edit.addAction(w.remove_clip_action)
    edit.addSeparator()
    w.settings_action = _action(w, "Settings…", w.open_settings, "Ctrl+,")
    edit.addAction(w.settings_action)
    keys.add(
        "edit.undo",
        window,
        w.undo_action,
        label=w.tr("Undo (take switch, take delete, clip remove)"),
    )
    keys.add("edit.redo", window, w.redo_action, label=w.tr("Redo"))
    keys.add("edit.remove_clip", window, w.remove_clip_action, label=w.tr("Remove clip"))
    keys.add("edit.settings", window, w.settings_action, label=w.tr("Settings"))

    view = bar.addMenu(w.tr("&View"))
    for dock in (w.library_dock, w.generate_dock, w.queue_dock):
        view.addAction(dock.toggleViewAction())
    search = _action(w, "Search library", lambda: w.library.search.setFocus(), "Ctrl+F")
    view.addAction(search)
    view.addAction(_action(w, "Reset layout", w.reset_layout))
    keys.add("view.search", window, search)

    if w.viewer_panel is not None:
        clip = bar.addMenu(w.tr("&Clip"))
        for item in clip_menu(w.viewer_panel):
            clip.addAction(item) if item is not None else clip.addSeparator()

    generate = bar.addMenu(w.tr("&Generate"))
    # Ctrl+Enter is the keypad's Enter; both are Generate. No auto-repeat: a held key must
    # not queue the same job again and again.
    w.generate_action = _action(
        w, "Generate", w.generate.trigger_generate, "Ctrl+Return", "Ctrl+Enter"
    )
    w.generate_action.setAutoRepeat(False)
    generate.addAction(w.generate_action)
    keys.add("generate.generate", window, w.generate_action)

    queue = bar.addMenu(w.tr("&Queue"))
    w.pause_action = _action(w, "Pause / resume queue", w.toggle_pause, "Ctrl+P")
    queue.addAction(w.pause_action)
    keys.add("queue.pause", window, w.pause_action)

    help_menu = bar.addMenu(w.tr("&Help"))
    w.keyboard_help_action = _action(w, "Keyboard shortcuts", w.show_keyboard_help, "F1")
    help_menu.addAction(w.keyboard_help_action)
    help_menu.addAction(_action(w, "Run self-test…", w.selftest_requested.emit))
    help_menu.addAction(_action(w, "About LTX Studio Desktop", w.about))
    keys.add("help.keys", window, w.keyboard_help_action)

    if w.viewer_panel is not None:
        _viewer_keys(w, keys)
    _fixed_keys(w, keys)
    keys.load()
    return keys


def _viewer_keys(w: MenuHost, keys: Shortcuts) -> None:
    assert w.viewer_panel is not None
    a = w.viewer_panel.actions_
    group = w.tr("Viewer")
    for id_, action in (
        ("viewer.play", a.play_pause),
        ("viewer.reverse", a.reverse),
        ("viewer.stop", a.stop),
        ("viewer.forward", a.forward),
        ("viewer.frame_back", a.step_back),
        ("viewer.frame_forward", a.step_forward),
        ("viewer.second_back", a.back_second),
        ("viewer.second_forward", a.forward_second),
        ("viewer.start", a.go_start),
        ("viewer.end", a.go_end),
        ("viewer.mark_in", a.mark_in),
        ("viewer.mark_out", a.mark_out),
        ("viewer.go_in", a.go_in),
        ("viewer.go_out", a.go_out),
        ("viewer.in_earlier", a.in_earlier),
        ("viewer.in_later", a.in_later),
        ("viewer.out_earlier", a.out_earlier),
        ("viewer.out_later", a.out_later),
        ("viewer.clear", a.clear_selection),
        ("viewer.retake", a.retake),
        ("viewer.extend", a.extend),
        ("viewer.hdr", a.hdr),
        ("viewer.reframe", a.reframe),
        ("viewer.compare", a.compare),
        ("viewer.fullscreen", a.fullscreen),
        ("viewer.loop", a.loop),
        ("viewer.mute", a.mute),
        ("viewer.use_frame", a.use_frame),
    ):
        keys.add(id_, group, action)


def _fixed_keys(w: MenuHost, keys: Shortcuts) -> None:
    """Keys widgets handle themselves: listed so none is a secret, not remappable."""
    tr = w.tr
    everywhere, queue, library = tr("Everywhere"), tr("Queue"), tr("Library")
    keys.add_fixed("any.tab", everywhere, tr("Next / previous control"), ["Tab", "Shift+Tab"])
    keys.add_fixed("any.menu", everywhere, tr("Menu of the focused item"), ["Menu", "Shift+F10"])
    keys.add_fixed("any.menubar", everywhere, tr("Menu bar"), ["F10", "Alt"])
    keys.add_fixed("queue.open", queue, tr("Open the job's result"), ["Return"])
    keys.add_fixed(
        "queue.delete", queue, tr("Cancel a running job, remove a finished one"), ["Del"]
    )
    keys.add_fixed(
        "queue.move", queue, tr("Move a waiting job up / down"), ["Ctrl+Up", "Ctrl+Down"]
    )
    keys.add_fixed("library.open", library, tr("Open the clip"), ["Return"])
    keys.add_fixed(
        "library.remove", library, tr("Remove the clip (Edit → Undo brings it back)"), ["Del"]
    )
    keys.add_fixed("prompt.history", tr("Prompt"), tr("Prompt history"), ["Ctrl+H"])
