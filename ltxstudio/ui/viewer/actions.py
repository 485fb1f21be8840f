"""The viewer's commands as `QAction`s with the keys of UI-GUIDE §4, so the main window can put
the same objects in its menus (showing their shortcuts) without a second binding.

Shortcuts are `WidgetWithChildrenShortcut`: they fire while focus is inside the viewer, so Space
or I typed into a prompt field elsewhere stay text. Note for whoever adds these to a menu bar:
do not also create window-wide actions with the same keys (Ctrl+Z) — two active shortcuts for one
key are ambiguous in Qt and neither fires.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget


class ViewerActions(QObject):
    def __init__(self, owner: QWidget) -> None:
        super().__init__(owner)
        style = owner.style()
        sp = QStyle.StandardPixmap

        def make(
            text: str,
            keys: str | QKeySequence.StandardKey | None = None,
            icon: QStyle.StandardPixmap | None = None,
            checkable: bool = False,
        ) -> QAction:
            action = QAction(text, self)
            if keys is not None:
                action.setShortcut(QKeySequence(keys))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                action.setToolTip(f"{text} ({QKeySequence(keys).toString()})")
            if icon is not None:
                action.setIcon(style.standardIcon(icon))
            action.setCheckable(checkable)
            owner.addAction(action)
            return action

        tr = self.tr
        self.play_pause = make(tr("Play / pause"), "Space", sp.SP_MediaPlay)
        self.reverse = make(tr("Play backwards (again: faster)"), "J", sp.SP_MediaSeekBackward)
        self.stop = make(tr("Stop"), "K", sp.SP_MediaPause)
        self.forward = make(tr("Play forwards (again: faster)"), "L", sp.SP_MediaSeekForward)
        self.step_back = make(tr("One frame back"), "Left", sp.SP_MediaSkipBackward)
        self.step_forward = make(tr("One frame forward"), "Right", sp.SP_MediaSkipForward)
        self.back_second = make(tr("One second back"), "Shift+Left")
        self.forward_second = make(tr("One second forward"), "Shift+Right")
        self.go_start = make(tr("Go to start"), "Home")
        self.go_end = make(tr("Go to end"), "End")
        # No standard icon fits (the skip icons mean one frame here): short glyphs on buttons.
        self.go_start.setIconText("⇤")
        self.go_end.setIconText("⇥")
        self.mark_in = make(tr("Set selection in"), "I")
        self.mark_out = make(tr("Set selection out"), "O")
        self.go_in = make(tr("Go to selection in"), "Shift+I")
        self.go_out = make(tr("Go to selection out"), "Shift+O")
        # Fine-tune a selection from the keyboard, a frame at a time (issue 14, item 19).
        self.in_earlier = make(tr("Selection in: one frame earlier"), "Ctrl+Left")
        self.in_later = make(tr("Selection in: one frame later"), "Ctrl+Right")
        self.out_earlier = make(tr("Selection out: one frame earlier"), "Ctrl+Shift+Left")
        self.out_later = make(tr("Selection out: one frame later"), "Ctrl+Shift+Right")
        self.clear_selection = make(tr("Clear selection"), "Escape")
        self.retake = make(tr("Retake selection…"), "R")
        self.extend = make(tr("Extend…"), "E")
        self.hdr = make(tr("HDR…"))
        self.reframe = make(tr("Reframe…"))
        self.compare = make(tr("Compare takes"), "Ctrl+Shift+C")
        self.fullscreen = make(tr("Full-screen viewer"), "F", sp.SP_TitleBarMaxButton, True)
        self.undo = make(tr("Undo take switch"), "Ctrl+Z")
        self.redo = make(tr("Redo take switch"), "Ctrl+Shift+Z")
        self.loop = make(tr("Loop (the selection when there is one)"), None, sp.SP_BrowserReload)
        self.loop.setCheckable(True)
        self.mute = make(tr("Mute"), None, sp.SP_MediaVolume, True)
        self.use_frame = make(tr("Use this frame as an image-to-video start frame"))

    def transport(self) -> list[QAction]:
        """What must keep working in full screen."""
        return [
            self.play_pause,
            self.reverse,
            self.stop,
            self.forward,
            self.step_back,
            self.step_forward,
            self.back_second,
            self.forward_second,
            self.go_start,
            self.go_end,
            self.fullscreen,
        ]
