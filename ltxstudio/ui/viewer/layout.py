"""The viewer's widgets and where they sit: the picture over the transport bar, the timeline, the
selection line with the edit buttons and the takes strip — with A/B compare as a second page
in their place — and the picture alone in a full-screen window on request.

It builds and arranges; it decides nothing. `ViewerPanel` and its parts drive the widgets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.core.clock import Clock
from ltxstudio.ui.keyboard_reach import reachable
from ltxstudio.ui.viewer.actions import ViewerActions
from ltxstudio.ui.viewer.compare import CompareView
from ltxstudio.ui.viewer.selection import Selection
from ltxstudio.ui.viewer.takes_strip import TakesStrip
from ltxstudio.ui.viewer.timeline import TimelineView
from ltxstudio.ui.viewer.timescale import TimeScale
from ltxstudio.ui.viewer.transport import TransportBar
from ltxstudio.ui.viewer.video_area import Page, VideoArea


class ViewerLayout:
    def __init__(
        self,
        panel: QWidget,
        actions: ViewerActions,
        scale: TimeScale,
        selection: Selection,
        clock: Clock | None,
    ) -> None:
        self._panel = panel
        self._actions = actions
        self.video_area = VideoArea()
        self.transport = TransportBar(actions)
        self.timeline = TimelineView(scale, selection)
        self.canvas = self.timeline.canvas
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionLabel")
        self.selection_label.setTextFormat(Qt.TextFormat.RichText)
        self.selection_label.setWordWrap(True)  # long reasons wrap instead of widening the window
        self.takes = TakesStrip()
        self.compare_view = CompareView(clock)
        self.compare_view.closed.connect(self.show_viewer)
        self.fullscreen: QWidget | None = None  # the full-screen window, while there is one

        edit_row = QHBoxLayout()
        edit_row.addWidget(self.selection_label, 1)
        for action in (
            actions.retake,
            actions.extend,
            actions.hdr,
            actions.reframe,
            actions.compare,
        ):
            button = QToolButton()
            button.setDefaultAction(action)
            edit_row.addWidget(reachable(button))
        viewer = QWidget()
        self._viewer_layout = QVBoxLayout(viewer)
        self._viewer_layout.setContentsMargins(0, 0, 0, 0)
        self._viewer_layout.setSpacing(4)
        self._viewer_layout.addWidget(self.video_area, 1)
        self._viewer_layout.addWidget(self.transport)
        self._viewer_layout.addWidget(self.timeline)
        self._viewer_layout.addLayout(edit_row)
        self._viewer_layout.addWidget(self.takes)
        self.pages = QStackedWidget()
        self.pages.addWidget(viewer)
        self.pages.addWidget(self.compare_view)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.pages)

    # ------------------------------------------------------------------ pages

    @property
    def comparing(self) -> bool:
        return self.pages.currentWidget() is self.compare_view

    def show_compare(self) -> None:
        self.pages.setCurrentWidget(self.compare_view)

    def show_viewer(self) -> None:
        self.pages.setCurrentIndex(0)

    def show_unplayable(self, reason: str) -> None:
        """The empty picture, saying why the take cannot be played."""
        self.video_area.empty.setText(
            self._panel.tr("This take cannot be played: %1").replace("%1", reason)
        )
        self.video_area.show_page(Page.EMPTY)

    # ------------------------------------------------------------------ full screen

    def set_fullscreen(self, on: bool) -> None:
        if on and self.fullscreen is None:
            host = QWidget()
            host.setWindowTitle(self._panel.tr("Viewer"))
            host_layout = QVBoxLayout(host)
            host_layout.setContentsMargins(0, 0, 0, 0)
            host_layout.addWidget(self.video_area)
            host.addActions(self._actions.transport())
            leave = QAction(host)
            leave.setShortcut(QKeySequence("Escape"))
            leave.triggered.connect(lambda: self._actions.fullscreen.setChecked(False))
            host.addAction(leave)
            self.fullscreen = host
            host.showFullScreen()
        elif not on and self.fullscreen is not None:
            host, self.fullscreen = self.fullscreen, None
            self._viewer_layout.insertWidget(0, self.video_area, 1)
            host.close()
            host.deleteLater()
