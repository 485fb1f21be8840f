"""The transport row under the picture: buttons bound to the viewer's actions, the timecode (and
frame number and seconds), the shuttle speed, loop, mute and volume."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from ltxstudio.core.timebase import frame_time, timecode
from ltxstudio.ui.keyboard_reach import ARROWS, own_keys, reachable
from ltxstudio.ui.theme import monospace_font
from ltxstudio.ui.viewer.actions import ViewerActions

if TYPE_CHECKING:
    from ltxstudio.ui.viewer.compare import CompareView
    from ltxstudio.ui.viewer.player import Player


def _button(action: QAction) -> QToolButton:
    button = QToolButton()
    button.setDefaultAction(action)
    button.setAutoRaise(True)
    # Tab reaches it; a click does not take the viewer's keys away (see keyboard_reach).
    return reachable(button)


class TransportBar(QWidget):
    def __init__(self, actions: ViewerActions) -> None:
        super().__init__()
        self.setObjectName("transportBar")
        self.actions_ = actions
        self.play_button = _button(actions.play_pause)
        self.timecode = QLabel()
        self.timecode.setObjectName("viewerTimecode")
        self.timecode.setFont(monospace_font())
        self.timecode.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel()
        self.detail.setObjectName("viewerFrameDetail")
        self.detail.setFont(monospace_font())
        self.speed = QLabel()
        self.speed.setObjectName("viewerSpeed")
        self.speed.setMinimumWidth(36)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setFixedWidth(64)
        self.volume.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        own_keys(self.volume, ARROWS)  # focused, the arrows change the volume, not the frame
        self.volume.setAccessibleName(self.tr("Volume"))

        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.setSpacing(2)
        for action in (actions.go_start, actions.step_back):
            row.addWidget(_button(action))
        row.addWidget(self.play_button)
        for action in (actions.step_forward, actions.go_end):
            row.addWidget(_button(action))
        row.addSpacing(6)
        row.addWidget(self.timecode)
        row.addSpacing(6)
        row.addWidget(self.detail)
        row.addWidget(self.speed)
        row.addStretch(1)
        row.addWidget(_button(actions.loop))
        row.addWidget(_button(actions.mute))
        row.addWidget(self.volume)
        row.addWidget(_button(actions.fullscreen))
        self.show_position(0, 0, Fraction(24))

    def show_position(self, frame: int, frames: int, fps: Fraction) -> None:
        last = max(0, frames)
        self.timecode.setText(f"{timecode(frame, fps)} / {timecode(last, fps)}")
        self.timecode.setToolTip(self.tr("Timecode HH:MM:SS:FF / duration"))
        seconds = frame_time(frame, fps)
        self.detail.setText(f"f {frame} · {seconds:.3f} s")
        self.detail.setToolTip(self.tr("Frame number (from 0) and seconds from the start"))

    def show_speed(self, speed: float, playing: bool) -> None:
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.actions_.play_pause.setIcon(self.style().standardIcon(icon))
        self.speed.setText("" if speed in (0.0, 1.0) else f"{speed:+g}×")


def drive_player(p: Player, what: str, amount: int = 0) -> None:
    """One transport command (what a key or button asked) on the player."""
    match what:
        case "toggle":
            p.toggle()
        case "reverse":
            p.shuttle_reverse()
        case "stop":
            p.shuttle_stop()
        case "forward":
            p.shuttle_forward()
        case "step":
            p.step(amount)
        case "second":
            p.step_seconds(amount)
        case "start":
            p.go_start()
        case "end":
            p.go_end()
        case _:
            raise ValueError(what)


def drive_compare(cv: CompareView, what: str, amount: int = 0) -> None:
    """The same commands on A/B compare: both sides move together; no reverse shuttle."""
    match what:
        case "toggle" | "forward":
            cv.toggle()
        case "stop":
            cv.pause()
        case "step":
            cv.step(amount)
        case "second":
            cv.step(round(amount * cv.a.fps))
        case "start":
            cv.seek(0)
        case "end":
            cv.seek(cv.a.last_frame)
        case _:
            pass
