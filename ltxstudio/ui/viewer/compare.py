"""A/B compare (UI-GUIDE §6): two takes side by side or under a draggable wipe line, one shared
transport, and their parameters with the differences highlighted.

Both players render into their own sinks and this view paints the frames itself: a wipe needs
both pictures in one widget, and a painted widget can be grabbed for screenshots. B follows A:
they start from the same frame, B is re-aligned when it drifts more than `DRIFT_FRAMES` while
playing (each backend clocks itself when there is no audio device), and both land on the same
frame on every pause, step and seek.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.core.clock import Clock
from ltxstudio.core.lineage import segment_to_json
from ltxstudio.core.timebase import timecode
from ltxstudio.library.model import Take
from ltxstudio.ui.theme import ACCENT, monospace_font
from ltxstudio.ui.viewer.facts import ClipFacts
from ltxstudio.ui.viewer.player import Player, PlayState
from ltxstudio.ui.viewer.takes_strip import take_cost, take_time
from ltxstudio.ui.viewer.video_area import fit_rect

DRIFT_FRAMES = 2


class Layout(StrEnum):
    SIDE_BY_SIDE = "side-by-side"
    WIPE = "wipe"


class CompareCanvas(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("compareCanvas")
        self.setMinimumSize(320, 180)
        self.images: list[QImage | None] = [None, None]
        self.labels = ["A", "B"]
        self.layout_mode = Layout.SIDE_BY_SIDE
        self.wipe = 0.5  # fraction of the picture's width showing A

    def set_frame(self, which: int, frame: QVideoFrame) -> None:
        if frame.isValid():
            image = frame.toImage()
            if not image.isNull():
                self.set_image(which, image)

    def set_image(self, which: int, image: QImage | None) -> None:
        self.images[which] = image
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("black"))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        area = QRectF(self.rect())
        match self.layout_mode:
            case Layout.SIDE_BY_SIDE:
                half = area.width() / 2
                for i, image in enumerate(self.images):
                    cell = QRectF(area.x() + i * half, area.y(), half, area.height())
                    self._draw(painter, image, cell.adjusted(2, 24, -2, -2), None)
                    self._caption(painter, cell, self.labels[i], Qt.AlignmentFlag.AlignLeft)
            case Layout.WIPE:
                box = self._wipe_box()
                split = box.x() + box.width() * self.wipe
                self._draw(painter, self.images[0], box, QRectF(box.x(), 0, split - box.x(), 1e6))
                self._draw(painter, self.images[1], box, QRectF(split, 0, box.right() - split, 1e6))
                painter.setPen(QPen(QColor(ACCENT), 2))
                painter.drawLine(QPointF(split, box.top()), QPointF(split, box.bottom()))
                painter.setBrush(QColor(ACCENT))
                painter.drawEllipse(QPointF(split, box.center().y()), 7, 7)
                self._caption(painter, area, self.labels[0], Qt.AlignmentFlag.AlignLeft)
                self._caption(painter, area, self.labels[1], Qt.AlignmentFlag.AlignRight)
        painter.end()

    def _wipe_box(self) -> QRectF:
        reference = next((i for i in self.images if i is not None), None)
        area = QRectF(self.rect()).adjusted(2, 24, -2, -2)
        return fit_rect(reference.size(), area) if reference is not None else area

    @staticmethod
    def _draw(painter: QPainter, image: QImage | None, cell: QRectF, clip: QRectF | None) -> None:
        if image is None:
            return
        painter.save()
        if clip is not None:
            painter.setClipRect(clip)
        target = fit_rect(image.size(), cell) if clip is None else cell
        painter.drawImage(target, image)
        painter.restore()

    def _caption(self, painter: QPainter, cell: QRectF, text: str, side: Qt.AlignmentFlag) -> None:
        painter.setPen(QColor("#e6e6e6"))
        painter.drawText(cell.adjusted(8, 2, -8, 0), side | Qt.AlignmentFlag.AlignTop, text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._move_wipe(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._move_wipe(event)

    def _move_wipe(self, event: QMouseEvent) -> None:
        if self.layout_mode is Layout.WIPE:
            box = self._wipe_box()
            self.wipe = min(1.0, max(0.0, (event.position().x() - box.x()) / box.width()))
            self.update()


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif isinstance(value, list | tuple):
        out[prefix] = json.dumps(list(value), ensure_ascii=False)
    elif value is not None:
        out[prefix] = str(value)


def describe_take(take: Take, facts: ClipFacts | None) -> dict[str, str]:
    """A take's parameters and media facts as flat name → text pairs."""
    p = take.provenance
    out: dict[str, str] = {
        "take": take.label,
        "kind": take.kind.value,
        "made": take_time(take),
        "cost (estimated)": take_cost(take),
        "backend": p.backend,
    }
    _flatten("", {"endpoint": p.endpoint, "model": p.model}, out)
    if facts is not None:
        out["duration"] = f"{facts.duration:.3f} s"
        out["frames"] = str(facts.frames)
        out["size"] = f"{facts.width}×{facts.height}"
        out["fps"] = f"{float(facts.fps):g}"
    _flatten("request", p.request, out)
    _flatten("segment", segment_to_json(p.segment), out)
    _flatten(
        "",
        {
            "job id": p.job_id,
            "remote id": p.remote_id,
            "x-request-id": p.request_id,
            "parent take": p.parent_take_id,
            "take id": take.id,
        },
        out,
    )
    return out


def diff_rows(a: Mapping[str, str], b: Mapping[str, str]) -> list[tuple[str, str, str, bool]]:
    """(name, A, B, differs) for every name either side has, in first-seen order."""
    names = list(dict.fromkeys([*a, *b]))
    return [(n, a.get(n, "—"), b.get(n, "—"), a.get(n) != b.get(n)) for n in names]


class CompareView(QWidget):
    closed = Signal()

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__()
        self.setObjectName("compareView")
        self.a = Player(clock=clock, parent=self)
        self.b = Player(clock=clock, parent=self)
        self.b.set_muted(True)  # one soundtrack at a time; A's
        self.canvas = CompareCanvas()
        # Bound methods of a QObject, not lambdas: the sinks emit from decoder threads, and a
        # queued call must land on this (GUI) thread and be dropped once this view is gone.
        self.a.video_sink().videoFrameChanged.connect(self._on_frame_a)
        self.b.video_sink().videoFrameChanged.connect(self._on_frame_b)
        self.a.frame_changed.connect(self._on_a_frame)
        self.a.state_changed.connect(self._on_a_state)
        self.takes: tuple[Take, Take] | None = None
        self.facts: tuple[ClipFacts, ClipFacts] | None = None

        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(self.toggle)
        back = QToolButton()
        back.setText("◀|")
        back.setToolTip(self.tr("One frame back"))
        back.clicked.connect(lambda: self.step(-1))
        forward = QToolButton()
        forward.setText("|▶")
        forward.setToolTip(self.tr("One frame forward"))
        forward.clicked.connect(lambda: self.step(1))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName(self.tr("Position in both takes"))
        self.slider.valueChanged.connect(self._on_slider)
        self.timecode = QLabel()
        self.timecode.setFont(monospace_font())
        self.layout_group = QButtonGroup(self)
        side = QToolButton()
        side.setText(self.tr("Side by side"))
        wipe = QToolButton()
        wipe.setText(self.tr("Wipe"))
        for button, mode in ((side, Layout.SIDE_BY_SIDE), (wipe, Layout.WIPE)):
            button.setCheckable(True)
            button.setProperty("layout", mode.value)
            self.layout_group.addButton(button)
        side.setChecked(True)
        self.layout_group.buttonToggled.connect(self._on_layout)
        close = QPushButton(self.tr("Close compare"))
        close.clicked.connect(self.close_compare)
        transport = QHBoxLayout()
        transport.addWidget(back)
        transport.addWidget(self.play_button)
        transport.addWidget(forward)
        transport.addWidget(self.slider, 1)
        transport.addWidget(self.timecode)
        transport.addWidget(side)
        transport.addWidget(wipe)
        transport.addWidget(close)

        self.only_differences = QCheckBox(self.tr("Only differences"))
        self.only_differences.toggled.connect(lambda _on: self._fill_table())
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("compareTable")
        self.table.setHorizontalHeaderLabels(["", "A", "B"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.only_differences)
        table_layout.addWidget(self.table)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.canvas, 1)
        top_layout.addLayout(transport)
        split.addWidget(top)
        split.addWidget(table_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    @Slot(QVideoFrame)
    def _on_frame_a(self, frame: QVideoFrame) -> None:
        self.canvas.set_frame(0, frame)

    @Slot(QVideoFrame)
    def _on_frame_b(self, frame: QVideoFrame) -> None:
        self.canvas.set_frame(1, frame)

    # ------------------------------------------------------------------ content

    def show_takes(self, a: Take, fa: ClipFacts, b: Take, fb: ClipFacts, frame: int = 0) -> None:
        self.takes, self.facts = (a, b), (fa, fb)
        self.canvas.images = [None, None]
        self.canvas.labels = [f"A · {a.label}", f"B · {b.label}"]
        self.a.load(fa.path, fa.fps, fa.frames, frame)
        self.b.load(fb.path, fb.fps, fb.frames, frame)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(fa.last_frame, fb.last_frame))
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        self._show_time(frame)
        self._fill_table()

    def rows(self) -> list[tuple[str, str, str, bool]]:
        if self.takes is None or self.facts is None:
            return []
        (a, b), (fa, fb) = self.takes, self.facts
        return diff_rows(describe_take(a, fa), describe_take(b, fb))

    def _fill_table(self) -> None:
        rows = [r for r in self.rows() if r[3] or not self.only_differences.isChecked()]
        self.table.setRowCount(len(rows))
        highlight = QColor(ACCENT)
        highlight.setAlpha(60)
        for row, (name, a, b, differs) in enumerate(rows):
            for column, text in enumerate((name, a, b)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if differs:
                    item.setBackground(highlight)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()

    # ------------------------------------------------------------------ transport

    @property
    def playing(self) -> bool:
        return self.a.state is PlayState.PLAYING

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        self.b.seek_frame(self.a.frame)
        self.a.play()
        self.b.play()

    def pause(self) -> None:
        self.a.pause()
        self.b.pause()
        self.b.seek_frame(self.a.frame)

    def step(self, frames: int) -> None:
        self.a.step(frames)
        self.b.pause()
        self.b.seek_frame(self.a.frame)

    def seek(self, frame: int) -> None:
        self.a.seek_frame(frame)
        self.b.seek_frame(frame)

    def close_compare(self) -> None:
        self.a.unload()
        self.b.unload()
        self.takes = self.facts = None
        self.closed.emit()

    def _on_a_frame(self, frame: int) -> None:
        if self.playing and abs(self.b.frame - frame) > DRIFT_FRAMES and frame <= self.b.last_frame:
            self.b.seek_frame(frame)
        self.slider.blockSignals(True)
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        self._show_time(frame)

    def _on_a_state(self, state: str) -> None:
        playing = PlayState(state) is PlayState.PLAYING
        self.play_button.setText(self.tr("Pause") if playing else self.tr("Play"))
        if PlayState(state) is PlayState.PAUSED and self.b.state is PlayState.PLAYING:
            self.b.pause()  # A reached its end
            self.b.seek_frame(self.a.frame)

    def _on_slider(self, frame: int) -> None:
        if self.playing:
            self.pause()
        self.seek(frame)

    def _on_layout(self) -> None:
        button = self.layout_group.checkedButton()
        if button is not None:
            self.canvas.layout_mode = Layout(button.property("layout"))
            self.canvas.update()

    def _show_time(self, frame: int) -> None:
        fps = self.facts[0].fps if self.facts else 24
        self.timecode.setText(f"{timecode(frame, fps)} · f {frame}")
