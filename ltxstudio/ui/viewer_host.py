"""The centre of the main window: the viewer for the selected clip.

`make_viewer(session)` returns the viewer widget and the function that shows a clip in it.
Until the full viewer (player, timeline, takes, compare) is wired in, this shows the active take
of the chosen clip in a plain video player so a generated clip can be watched at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from ltxstudio.session import Session


def make_viewer(session: Session) -> tuple[QWidget, Callable[[str], None]]:
    stack = QStackedWidget()
    stack.setObjectName("viewer")
    empty = QLabel("Generate a clip or drop a video here")
    empty.setObjectName("emptyViewer")
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    empty.setStyleSheet("font-size: 16px; color: palette(mid);")
    video = QVideoWidget()
    player = QMediaPlayer(stack)
    player.setVideoOutput(video)
    stack.addWidget(empty)
    stack.addWidget(video)

    def show_clip(clip_id: str) -> None:
        take = session.library.active_take(clip_id)
        if take is None:
            return
        player.setSource(QUrl.fromLocalFile(str(session.library.path_of(take))))
        stack.setCurrentWidget(video)
        player.play()

    return stack, show_clip
