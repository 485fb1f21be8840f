"""Where the picture is: the live `QVideoWidget`, or a still frame drawn by us.

The still page shows exact frames from the scrubbing decoder while the playhead is dragged, and
is what screenshots use: `QVideoWidget.grab()` never contains the video (STACK-NOTES §3). Pages
are stacked rather than overlaid because the video widget may be a native window that a sibling
cannot draw over.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage, QPainter, QPaintEvent
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget


def fit_rect(image: QSize, area: QRectF) -> QRectF:
    """`image` scaled to fit `area`, centred, aspect kept."""
    if image.isEmpty() or area.isEmpty():
        return QRectF(area)
    scale = min(area.width() / image.width(), area.height() / image.height())
    w, h = image.width() * scale, image.height() * scale
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


class StillView(QWidget):
    """One image, letterboxed on black."""

    def __init__(self) -> None:
        super().__init__()
        self.image: QImage | None = None
        self.setAutoFillBackground(False)

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("black"))
        if self.image is not None and not self.image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(fit_rect(self.image.size(), QRectF(self.rect())), self.image)
        painter.end()


class Page(StrEnum):
    EMPTY = "empty"
    LIVE = "live"
    STILL = "still"


class VideoArea(QStackedWidget):
    video_dropped = Signal(object)  # Path of a file dropped on the viewer

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("videoArea")
        self.setMinimumSize(320, 180)
        self.setAcceptDrops(True)
        self.empty = QLabel(self.tr("Generate a clip or drop a video here"))
        self.empty.setObjectName("viewerEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.video = QVideoWidget()
        self.video.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the viewer's actions
        self.video.setAccessibleName(self.tr("Video"))
        self.still = StillView()
        self.still.setAccessibleName(self.tr("Video frame"))
        self._pages = {Page.EMPTY: self.empty, Page.LIVE: self.video, Page.STILL: self.still}
        for widget in self._pages.values():
            self.addWidget(widget)
        self.setCurrentWidget(self.empty)

    @property
    def page(self) -> Page:
        current = self.currentWidget()
        return next(page for page, widget in self._pages.items() if widget is current)

    def show_page(self, page: Page) -> None:
        self.setCurrentWidget(self._pages[page])

    def show_still(self, image: QImage) -> None:
        self.still.set_image(image)
        self.show_page(Page.STILL)

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            self.video_dropped.emit(files[0])
            event.acceptProposedAction()
