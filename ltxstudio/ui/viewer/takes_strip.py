"""The takes strip: one chip per take of the clip (thumbnail, kind and segment, time, cost), the
active one outlined. Click (or Enter) makes a take active; right-click offers make active,
compare with the active take, show provenance, delete (to the trash; undoable)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDesktopServices,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ltxstudio import media
from ltxstudio.core.lineage import ExtendSegment, segment_to_json
from ltxstudio.library.model import Take, TakeKind, edited_window, provenance_document
from ltxstudio.library.view import LibraryView
from ltxstudio.media.hdr_preview import exr_frame_count
from ltxstudio.ui.background import Background
from ltxstudio.ui.keyboard_reach import own_keys
from ltxstudio.ui.money import money
from ltxstudio.ui.theme import ACCENT, GREY, monospace_font
from ltxstudio.ui.viewer.scrub_source import to_qimage

log = logging.getLogger(__name__)

THUMB = QSize(112, 63)


def take_cost(take: Take) -> str:
    try:
        usd = Decimal(take.provenance.estimate_usd or "")
    except InvalidOperation:
        return ""
    return money(usd, simulated=take.provenance.simulated)


def take_time(take: Take) -> str:
    return datetime.fromtimestamp(take.created_at).strftime("%d %b %H:%M")


def poster_time(take: Take, duration: float | None = None) -> float:
    """Where a take's chip picture comes from: the middle of what the take changed (an
    extension at the end needs the take's length to be placed; without it, the middle)."""
    end_unknown = duration is None and isinstance(take.provenance.segment, ExtendSegment)
    window = None if end_unknown else edited_window(take, duration or 0.0)
    if window is None:
        return (duration or 0.2) / 2
    start, length = window
    return start + length / 2


def hdr_frames(library: LibraryView, take: Take) -> Path | None:
    """An HDR take's EXR ZIP (kept beside its SDR preview), or None for any other take."""
    if take.kind is not TakeKind.HDR:
        return None
    zips = [library.root / rel for rel in take.extras if rel.endswith(".exr.zip")]
    return zips[0] if zips else None


class TakeChip(QFrame):
    clicked = Signal(str)
    menu_requested = Signal(str, QPoint)

    def __init__(self, take: Take, active: bool, exr_frames: Path | None = None) -> None:
        super().__init__()
        self.take = take
        #: An HDR take's EXR frames (the ZIP LTX returned); its file is their SDR preview.
        self.exr_frames = exr_frames
        self.setObjectName("takeChip")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        own_keys(self, (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(f"{take.label}, {take_time(take)}" + (", active" if active else ""))
        self.picture = QLabel()
        self.picture.setFixedSize(THUMB)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #2b2d31; color: #8a8f98;")
        self.picture.setText("…")
        self.title = QLabel(
            f"<b>HDR</b> · {self.tr('SDR preview')}" if exr_frames is not None else take.label
        )
        self.title.setObjectName("takeTitle")
        self.detail = QLabel(" · ".join(p for p in (take_time(take), take_cost(take)) if p))
        self.detail.setObjectName("takeDetail")
        self.detail.setStyleSheet(f"color: {GREY};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        layout.addWidget(self.picture)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        self.active = active
        self.setToolTip(self._tooltip())
        self._style()

    def _tooltip(self) -> str:
        p = self.take.provenance
        lines = [
            f"{self.take.label} — {self.take.kind.value}",
            f"made {take_time(self.take)}" + (" (sandbox, simulated)" if p.simulated else ""),
        ]
        if p.model:
            lines.append(f"model {p.model}")
        if cost := take_cost(self.take):
            lines.append(f"estimated {cost}")
        if p.segment is not None:
            lines.append("segment " + json.dumps(segment_to_json(p.segment)))
        return "\n".join(lines)

    def _style(self) -> None:
        border = f"2px solid {ACCENT}" if self.active else "1px solid palette(mid)"
        self.setStyleSheet(f"QFrame#takeChip {{ border: {border}; border-radius: 6px; }}")
        font = self.title.font()
        font.setBold(self.active)
        self.title.setFont(font)

    def show_frame_count(self, count: int) -> None:
        frames = self.tr("%1 EXR frames").replace("%1", str(count))
        self.detail.setText(" · ".join(p for p in (frames, take_cost(self.take)) if p))
        self.setAccessibleName(f"HDR, {frames}, {self.accessibleName()}")

    def set_picture(self, pixmap: QPixmap) -> None:
        self.picture.setPixmap(
            pixmap.scaled(
                THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.take.id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        shift = event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.take.id)
        elif event.key() == Qt.Key.Key_F10 and shift:  # the Menu key arrives as a menu event
            self.menu_requested.emit(self.take.id, self.mapToGlobal(self.rect().center()))
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.menu_requested.emit(self.take.id, event.globalPos())


class TakesStrip(QWidget):
    activate_requested = Signal(str)  # take id
    compare_requested = Signal(str)  # take id, to compare with the active take
    provenance_requested = Signal(str)
    delete_requested = Signal(str)
    rebuilt = Signal()  # new chips: the window puts them in its Tab order

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("takesStrip")
        self.chips: list[TakeChip] = []
        self._background = Background()  # the chips' pictures
        self._row = QHBoxLayout()
        self._row.setContentsMargins(4, 4, 4, 4)
        self._row.setSpacing(8)
        self._row.addStretch(1)
        inner = QWidget()
        inner.setLayout(self._row)
        self.scroller = QScrollArea()
        self.scroller.setWidget(inner)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setFixedHeight(THUMB.height() + 70)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the chips
        title = QLabel(self.tr("TAKES"))
        title.setStyleSheet(f"color: {GREY}; font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(title)
        layout.addWidget(self.scroller)

    def show_takes(
        self, library: LibraryView, takes: list[Take], active: str | None, cache_dir: Path | None
    ) -> None:
        self._background.cancel_all()
        for chip in self.chips:
            # Out of the window (and its Tab chain) now, not at the next event-loop turn: the
            # window re-chains Tab order on `rebuilt`, and must not meet chips about to die.
            chip.hide()
            self._row.removeWidget(chip)
            chip.setParent(None)
            chip.deleteLater()
        self.chips = []
        for take in takes:
            chip = TakeChip(take, take.id == active, hdr_frames(library, take))
            chip.clicked.connect(self.activate_requested)
            chip.menu_requested.connect(self._menu)
            self._row.insertWidget(self._row.count() - 1, chip)
            self.chips.append(chip)
            self._background.run(self._load_picture(chip, library.path_of(take), cache_dir))
        self.rebuilt.emit()

    def chip(self, take_id: str) -> TakeChip:
        return next(c for c in self.chips if c.take.id == take_id)

    @property
    def busy(self) -> bool:
        return self._background.busy()

    async def _load_picture(self, chip: TakeChip, path: Path, cache_dir: Path | None) -> None:
        try:
            info = await media.run(media.probe, path)
            duration = info.duration
            (thumb,) = await media.run_cancellable(
                media.thumbnails,
                path,
                times=[poster_time(chip.take, duration)],
                width=THUMB.width(),
                cache_dir=cache_dir,
            )
        except (media.MediaError, OSError) as exc:  # OSError: the take was deleted meanwhile
            chip.picture.setText(self.tr("no picture"))
            chip.picture.setToolTip(exc.message if isinstance(exc, media.MediaError) else str(exc))
            return
        chip.set_picture(QPixmap.fromImage(to_qimage(thumb.image)))
        if chip.exr_frames is not None:
            try:
                count = await media.run(exr_frame_count, chip.exr_frames)
            except (media.MediaError, OSError):
                return
            chip.show_frame_count(count)

    def _menu(self, take_id: str, where: QPoint) -> None:
        chip = self.chip(take_id)
        menu = QMenu(self)
        menu.addAction(self.tr("Make active"), lambda: self.activate_requested.emit(take_id))
        compare = menu.addAction(
            self.tr("Compare with the active take"), lambda: self.compare_requested.emit(take_id)
        )
        compare.setEnabled(not chip.active)
        menu.addAction(self.tr("Show provenance"), lambda: self.provenance_requested.emit(take_id))
        if chip.exr_frames is not None:
            folder = QUrl.fromLocalFile(str(chip.exr_frames.parent))
            menu.addAction(self.tr("Reveal EXR frames"), lambda: QDesktopServices.openUrl(folder))
        menu.addSeparator()
        menu.addAction(self.tr("Delete (to trash)"), lambda: self.delete_requested.emit(take_id))
        menu.popup(where)


class ProvenanceDialog(QDialog):
    """Everything recorded about a take: the full request, ids, cost, files. Non-modal."""

    def __init__(self, take: Take, library: LibraryView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Provenance — %1").replace("%1", take.label))
        self.setModal(False)
        self.resize(620, 520)
        document = provenance_document(take)
        document["file"] = str(library.path_of(take))
        document["extras"] = [str(library.root / rel) for rel in take.extras]
        document["provenance"] = asdict(take.provenance)
        self.text = QPlainTextEdit(json.dumps(document, indent=2, ensure_ascii=False))
        self.text.setReadOnly(True)
        self.text.setFont(monospace_font())
        self.text.setObjectName("provenanceText")
        copy = QPushButton(self.tr("Copy"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(copy)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
