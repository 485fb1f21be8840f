"""A media input: drop a file or choose one, see a preview, and see the API's rules applied.

The picker itself knows no media rules; an `Inspector` (the session over the media layer) is
awaited off the UI thread and returns what to show: a summary ("4.2 s · AAC stereo"), an
optional preview image, and problems, each with an optional one-click fix.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
)

from ltxstudio.ui.background import Background
from ltxstudio.ui.theme import AMBER, RED

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff *.gif)"
AUDIO_FILTER = "Audio (*.wav *.mp3 *.m4a *.aac *.ogg *.opus *.flac)"


@dataclass(frozen=True)
class Issue:
    message: str
    blocking: bool = True
    fix_label: str | None = None  # e.g. "Convert to AAC"
    fix: Callable[[], Awaitable[Path]] | None = None  # returns the converted file


@dataclass(frozen=True)
class Inspection:
    summary: str
    issues: tuple[Issue, ...] = ()
    preview: QImage | None = None
    seconds: float | None = None
    extra: dict[str, object] = field(default_factory=dict)


Inspector = Callable[[Path], Awaitable[Inspection]]
_FILE = "file"  # the picker's background slot


class MediaPicker(QFrame):
    changed = Signal()

    def __init__(self, title: str, file_filter: str, inspector: Inspector | None = None) -> None:
        super().__init__()
        self.setObjectName("mediaPicker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAcceptDrops(True)
        self.setAccessibleName(title)
        self._filter = file_filter
        self._inspector = inspector
        # One slot for the file's inspection and its fix: a new file stops either.
        self._background = Background()
        self.path: Path | None = None
        self.inspection: Inspection | None = None

        self.title = QLabel(f"<b>{title}</b>")
        self.title.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setFixedSize(80, 45)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: palette(base); border-radius: 4px;")
        self.name = QLabel(self.tr("Drop a file here or choose one"))
        self.name.setObjectName("pickerName")
        self.name.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("pickerSummary")
        self.summary.setWordWrap(True)
        self.issues = QLabel()
        self.issues.setObjectName("pickerIssues")
        self.issues.setWordWrap(True)
        self.fix_button = QPushButton()
        self.fix_button.hide()
        self.fix_button.clicked.connect(self._apply_fix)
        self.choose = QToolButton()
        self.choose.setText(self.tr("Choose…"))
        self.choose.setAccessibleName(self.tr("Choose %1").replace("%1", title))
        self.choose.clicked.connect(self._choose)
        self.clear = QToolButton()
        self.clear.setText("✕")
        self.clear.setToolTip(self.tr("Remove"))
        self.clear.setAccessibleName(self.tr("Remove %1").replace("%1", title))
        self.clear.clicked.connect(lambda: self.set_path(None))
        self.clear.hide()

        # Title and buttons on one row, the picture beside the text under them: the buttons no
        # longer sit in a third column a narrow dock cut off.
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.choose)
        head.addWidget(self.clear)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.name)
        text.addWidget(self.summary)
        text.addWidget(self.issues)
        fix_row = QHBoxLayout()
        fix_row.addWidget(self.fix_button)
        fix_row.addStretch(1)
        text.addLayout(fix_row)
        body = QHBoxLayout()
        body.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addLayout(body)

    # ------------------------------------------------------------------ state

    def blocking_issue(self) -> str | None:
        if self.inspection is None:
            pending = self._background.busy(_FILE)
            return self.tr("still checking the file") if pending else None
        for issue in self.inspection.issues:
            if issue.blocking:
                return issue.message
        return None

    def set_path(self, path: Path | None) -> None:
        self.path = path
        self.inspection = None
        self.clear.setVisible(path is not None)
        self.name.setText(path.name if path else self.tr("Drop a file here or choose one"))
        self.name.setToolTip(str(path) if path else "")
        self.summary.clear()
        self.issues.clear()
        self.fix_button.hide()
        self.preview.clear()
        self._background.cancel(_FILE)
        if path is not None and self._inspector is not None:
            self.summary.setText(self.tr("checking…"))
            self._background.run(self._inspect(path), _FILE)
        self.changed.emit()

    async def _inspect(self, path: Path) -> None:
        assert self._inspector is not None
        try:
            result = await self._inspector(path)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - an unreadable file is a finding, not a crash
            result = Inspection("", (Issue(f"cannot read this file: {exc}"),))
        if path != self.path:
            return
        self.show_inspection(result)

    def show_inspection(self, result: Inspection) -> None:
        self.inspection = result
        self.summary.setText(result.summary)
        if result.preview is not None:
            pixmap = QPixmap.fromImage(result.preview).scaled(
                self.preview.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self.preview.setPixmap(pixmap)
        lines = []
        for issue in result.issues:
            colour = RED if issue.blocking else AMBER
            mark = "✖" if issue.blocking else "⚠"
            lines.append(f'<span style="color:{colour}">{mark} {issue.message}</span>')
        self.issues.setText("<br>".join(lines))
        fix = next((i for i in result.issues if i.fix is not None), None)
        self.fix_button.setVisible(fix is not None)
        if fix is not None:
            self.fix_button.setText(fix.fix_label or self.tr("Fix"))
        self.changed.emit()

    def stop(self) -> None:
        """No more inspection or conversion: the window is closing (a result arriving after
        the widgets are gone would find nothing to show it in)."""
        self._background.cancel_all()

    def _apply_fix(self) -> None:
        if self.inspection is None:
            return
        fix = next((i for i in self.inspection.issues if i.fix is not None), None)
        if fix is None or fix.fix is None:
            return
        self.fix_button.setEnabled(False)
        self.summary.setText(self.tr("converting…"))
        self._background.run(self._run_fix(fix.fix), _FILE)

    async def _run_fix(self, fix: Callable[[], Awaitable[Path]]) -> None:
        try:
            converted = await fix()
        except Exception as exc:  # noqa: BLE001 - a failed conversion keeps the original
            self.fix_button.setEnabled(True)
            self.issues.setText(f'<span style="color:{RED}">✖ conversion failed: {exc}</span>')
            return
        self.fix_button.setEnabled(True)
        self.set_path(converted)

    # ------------------------------------------------------------------ input

    def _choose(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose a file"), "", self._filter)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.set_path(Path(name)))
        dialog.open()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.set_path(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()
