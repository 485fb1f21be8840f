# Over 400 lines on purpose: one canvas whose painting, mouse, keys and a11y value share state.
"""The timeline under the viewer: ruler, thumbnails, waveform, the retake window and the playhead,
all drawn through one shared `TimeScale` (UI-GUIDE §5).

Mouse: drag on the ruler or the playhead scrubs (the viewer shows the exact frame under the
mouse); drag across the thumbnails or waveform draws a window; drag its edges or its body to
adjust it — every drag snaps to the API's rules as it goes. Ctrl+wheel zooms around the mouse,
the wheel scrolls. Hovering shows the time under the mouse.

Keyboard and screen readers (UI-GUIDE §6a): the canvas takes focus; the viewer's keys work on it
(arrows move the playhead, I/O mark, Ctrl(+Shift)+arrows nudge the in/out point). It is a
`QAbstractSlider` for assistive technology — Qt's own accessible slider, because PySide cannot
add a value interface to a custom one (overriding `interface_cast` crashes): its value is the
playhead in milliseconds, its maximum the clip's length, and its description says the playhead,
the selection (in, out, duration, frames, price or why not) and the clip's length.
"""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractSlider,
    QApplication,
    QScrollBar,
    QStyle,
    QStyleOptionFocusRect,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.core.segments import Handle, Window
from ltxstudio.core.timebase import frame_at, timecode
from ltxstudio.ui.announcer import Announcer
from ltxstudio.ui.theme import ACCENT, AMBER, GREY, RED, monospace_font
from ltxstudio.ui.viewer.facts import ClipFacts
from ltxstudio.ui.viewer.selection import Selection
from ltxstudio.ui.viewer.strips import ThumbnailStrip, WaveformSource
from ltxstudio.ui.viewer.timescale import PAD, TimeScale

RULER_H = 24
THUMB_H = 56
WAVE_H = 40
GAP = 2
THUMB_TOP = RULER_H + GAP
WAVE_TOP = THUMB_TOP + THUMB_H + GAP
HEIGHT = WAVE_TOP + WAVE_H + GAP
_GRAB_PX = 6  # how near an edge a press grabs it


class _Drag(StrEnum):
    NONE = "none"
    PLAYHEAD = "playhead"
    CREATE = "create"
    START = "start"
    END = "end"
    MOVE = "move"


class TimelineCanvas(QAbstractSlider):
    scrub_started = Signal()
    scrub_moved = Signal(float)  # seconds under the mouse while dragging the playhead
    scrub_finished = Signal(float)
    seek_requested = Signal(float)  # a click (no drag) in the lanes

    def __init__(self, scale: TimeScale, selection: Selection) -> None:
        super().__init__()
        self.setObjectName("timelineCanvas")
        self.setMouseTracking(True)
        self.setMinimumHeight(HEIGHT)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setOrientation(Qt.Orientation.Horizontal)
        self.setAccessibleName(self.tr("Timeline"))
        self.setRange(0, 0)
        self._selection_text = ""
        self._setting_value = False
        self.announcer = Announcer(self)
        # A screen reader setting the value moves the playhead like a click would.
        self.valueChanged.connect(self._on_value_set)
        self.scale = scale
        self.selection = selection
        self.thumbs = ThumbnailStrip(self)
        self.wave = WaveformSource(self)
        self.facts: ClipFacts | None = None
        self.playhead = 0.0
        self.context_window: Window | None = None  # extend's context, shaded while choosing
        self._drag = _Drag.NONE
        self._press_x = 0.0
        self._anchor = 0.0
        self._moved = False
        scale.changed.connect(self._on_view_changed)
        selection.changed.connect(self.update)
        self.thumbs.updated.connect(self.update)
        self.wave.updated.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(640, HEIGHT)

    # ------------------------------------------------------------------ content

    def set_media(self, facts: ClipFacts | None, cache_dir: Path | None) -> None:
        self.facts = facts
        self.thumbs.set_source(facts, cache_dir, self.slot_width(facts))
        self.wave.set_source(facts, cache_dir)
        self.scale.set_clip(facts.duration if facts else 0.0, float(facts.fps) if facts else 24)
        self._setting_value = True
        self.setRange(0, round((facts.duration if facts else 0.0) * 1000))
        self.setSingleStep(max(1, round(1000 / float(facts.fps))) if facts else 1)
        self.setPageStep(1000)
        self._setting_value = False
        self._request_thumbs()
        self._describe()
        self.update()

    def set_playhead(self, seconds: float) -> None:
        if self._drag is _Drag.PLAYHEAD:
            return  # the mouse owns the playhead while scrubbing
        if seconds != self.playhead:
            self.playhead = seconds
            self._show_value()
            self.update()

    # ------------------------------------------------------------------ accessibility

    def set_selection_text(self, text: str) -> None:
        """The selection in words (span, frames, price or why not), from the viewer's edits."""
        self._selection_text = text
        self._describe()

    def announce_selection(self) -> None:
        """Say the selection after a keyboard change (a drag is seen, a key press is not)."""
        self.announcer.announce(self._selection_text or self.tr("no selection"))

    def _show_value(self) -> None:
        self._setting_value = True
        self.setValue(round(self.playhead * 1000))  # Qt sends the value-change event
        self._setting_value = False
        self._describe()

    def _describe(self) -> None:
        facts = self.facts
        if facts is None:
            self.setAccessibleDescription(self.tr("No clip"))
            return
        frame = facts.frame_at(self.playhead)
        self.setAccessibleDescription(
            self.tr("Playhead %1 (%2 s) of %3 s; %4")
            .replace("%1", timecode(frame, facts.fps))
            .replace("%2", f"{self.playhead:.2f}")
            .replace("%3", f"{facts.duration:.2f}")
            .replace("%4", self._selection_text)
        )

    def _on_value_set(self, value: int) -> None:
        if not self._setting_value and self.facts is not None:
            self.seek_requested.emit(value / 1000)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The viewer's actions own the keys (they work on the canvas, being inside the viewer);
        # the slider's own key handling would move its value without the player.
        event.ignore()

    @property
    def scrubbing(self) -> bool:
        return self._drag is _Drag.PLAYHEAD

    def set_context_window(self, window: Window | None) -> None:
        self.context_window = window
        self.update()

    @staticmethod
    def slot_width(facts: ClipFacts | None) -> int:
        if facts is None or facts.height <= 0:
            return round(THUMB_H * 16 / 9)
        return max(24, round(THUMB_H * min(3.0, max(0.4, facts.width / facts.height))))

    def visible_slots(self) -> list[tuple[int, int]]:
        """(slot, frame) for each thumbnail slot on screen; a slot shows the frame at its centre."""
        facts = self.facts
        if facts is None:
            return []
        width = self.slot_width(facts)
        pps = self.scale.pixels_per_second
        start, end = self.scale.visible()
        first = int(start * pps // width)
        last = int(end * pps // width)
        out = []
        for slot in range(first, last + 1):
            centre = min((slot + 0.5) * width / pps, facts.duration)
            if slot * width / pps >= facts.duration:
                break
            out.append((slot, facts.frame_at(centre)))
        return out

    def _request_thumbs(self) -> None:
        self.thumbs.want([frame for _, frame in self.visible_slots()])

    def _on_view_changed(self) -> None:
        self._request_thumbs()
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.scale.set_width(self.width())
        super().resizeEvent(event)

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if self.facts is None:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No clip"))
            return
        clip_left = self.scale.x_of(0)
        clip_right = self.scale.x_of(self.facts.duration)
        painter.save()
        painter.setClipRect(QRectF(clip_left, 0, clip_right - clip_left, HEIGHT))
        self._paint_ruler(painter, palette)
        self._paint_thumbs(painter)
        self._paint_wave(painter, palette)
        painter.restore()
        self._paint_context(painter)
        self._paint_selection(painter)
        self._paint_playhead(painter)
        if self.hasFocus():
            focus = QStyleOptionFocusRect()
            focus.initFrom(self)
            self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter)
        painter.end()

    def _paint_ruler(self, painter: QPainter, palette: QPalette) -> None:
        assert self.facts is not None
        painter.fillRect(
            QRectF(0, 0, self.width(), RULER_H), palette.color(QPalette.ColorRole.Window)
        )
        text = palette.color(QPalette.ColorRole.WindowText)
        painter.setFont(monospace_font(8))
        major, ticks = self.scale.ticks()
        fps = self.facts.fps
        for tick in ticks:
            x = round(self.scale.x_of(tick.seconds)) + 0.5
            painter.setPen(QPen(text if tick.major else QColor(GREY), 1))
            painter.drawLine(QPointF(x, RULER_H - (10 if tick.major else 5)), QPointF(x, RULER_H))
            if tick.major:
                label = _tick_label(tick.seconds, major, fps)
                painter.setPen(text)
                painter.drawText(QPointF(x + 3, 11), label)

    def _paint_thumbs(self, painter: QPainter) -> None:
        width = self.slot_width(self.facts)
        pps = self.scale.pixels_per_second
        placeholder = QColor("#33363c")
        border = QColor("#1b1c1f")
        for slot, frame in self.visible_slots():
            x = self.scale.x_of(slot * width / pps)
            rect = QRectF(x, THUMB_TOP, width, THUMB_H)
            image = self.thumbs.image(frame)
            if image is None:
                painter.fillRect(rect.adjusted(1, 1, -1, -1), placeholder)
            else:
                painter.drawImage(rect, image)
            painter.setPen(border)
            painter.drawLine(QPointF(x, THUMB_TOP), QPointF(x, THUMB_TOP + THUMB_H))

    def _paint_wave(self, painter: QPainter, palette: QPalette) -> None:
        assert self.facts is not None
        lane = QRectF(0, WAVE_TOP, self.width(), WAVE_H)
        painter.fillRect(lane, palette.color(QPalette.ColorRole.AlternateBase))
        mid = WAVE_TOP + WAVE_H / 2
        wave = self.wave.waveform
        if wave is None or len(wave.maximum) == 0:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            x0 = max(PAD, self.scale.x_of(0))
            painter.drawText(
                QRectF(x0 + 6, WAVE_TOP, 300, WAVE_H),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                self.tr(self.wave.note),
            )
            return
        left = max(0, int(self.scale.x_of(0)))
        right = min(self.width(), int(self.scale.x_of(self.facts.duration)) + 1)
        if right <= left:
            return
        xs = np.arange(left, right + 1, dtype=np.float64)
        times = self.scale.offset + (xs - PAD) / self.scale.pixels_per_second
        buckets = np.clip((times / wave.bucket_seconds).astype(np.int64), 0, len(wave.maximum) - 1)
        starts = buckets[:-1]
        hi = np.maximum.reduceat(wave.maximum, starts)
        lo = np.minimum.reduceat(wave.minimum, starts)
        half = WAVE_H / 2 - 2
        top = [QPointF(x, mid - float(v) * half) for x, v in zip(xs[:-1], hi, strict=True)]
        bottom = [QPointF(x, mid - float(v) * half) for x, v in zip(xs[:-1], lo, strict=True)]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#4fb3a9"))
        painter.drawPolygon(QPolygonF(top + bottom[::-1]))
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_context(self, painter: QPainter) -> None:
        window = self.context_window
        if window is None:
            return
        x0, x1 = self.scale.x_of(window.start), self.scale.x_of(window.end)
        rect = QRectF(x0, THUMB_TOP, x1 - x0, HEIGHT - THUMB_TOP - GAP)
        colour = QColor(AMBER)
        colour.setAlpha(60)
        painter.fillRect(rect, colour)
        painter.fillRect(rect, QBrush(QColor(AMBER), Qt.BrushStyle.Dense6Pattern))
        painter.setPen(QColor(AMBER))
        painter.drawText(rect.adjusted(4, 2, 0, 0), self.tr("context"))

    def _paint_selection(self, painter: QPainter) -> None:
        window = self.selection.window
        if window is None:
            return
        refused = self.selection.problem is not None
        snapped = self.selection.snap_note is not None
        colour = QColor(RED if refused else AMBER if snapped else ACCENT)
        x0, x1 = self.scale.x_of(window.start), self.scale.x_of(window.end)
        rect = QRectF(x0, THUMB_TOP, max(1.0, x1 - x0), HEIGHT - THUMB_TOP - GAP)
        fill = QColor(colour)
        fill.setAlpha(70)
        painter.fillRect(rect, fill)
        if refused:
            painter.fillRect(rect, QBrush(colour, Qt.BrushStyle.BDiagPattern))
        painter.setPen(QPen(colour, 2))
        painter.drawRect(rect.adjusted(1, 1, -1, -1))
        for x in (x0, x1):  # handles
            painter.fillRect(QRectF(x - 3, THUMB_TOP + THUMB_H / 2 - 10, 6, 20), colour)

    def _paint_playhead(self, painter: QPainter) -> None:
        x = round(self.scale.x_of(self.playhead)) + 0.5
        if not -2 <= x <= self.width() + 2:
            return
        colour = QColor(ACCENT)
        painter.setPen(QPen(colour, 2))
        painter.drawLine(QPointF(x, 4), QPointF(x, HEIGHT))
        painter.setBrush(colour)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon(QPolygonF([QPointF(x - 6, 0), QPointF(x + 6, 0), QPointF(x, 9)]))
        painter.setBrush(Qt.BrushStyle.NoBrush)

    # ------------------------------------------------------------------ mouse

    def _hit(self, x: float, y: float) -> _Drag:
        if y < RULER_H:
            return _Drag.PLAYHEAD
        window = self.selection.window
        if window is not None:
            x0, x1 = self.scale.x_of(window.start), self.scale.x_of(window.end)
            # Edges win over the playhead: I and O put an edge right under it.
            if abs(x - x0) <= _GRAB_PX and abs(x - x0) <= abs(x - x1):
                return _Drag.START
            if abs(x - x1) <= _GRAB_PX:
                return _Drag.END
        if abs(x - self.scale.x_of(self.playhead)) <= 3:
            return _Drag.PLAYHEAD
        if window is not None and self.scale.x_of(window.start) < x < self.scale.x_of(window.end):
            return _Drag.MOVE
        return _Drag.CREATE

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.facts is None or event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        self._drag = self._hit(pos.x(), pos.y())
        self._press_x = pos.x()
        self._moved = False
        t = self.scale.time_at(pos.x())
        window = self.selection.window
        match self._drag:
            case _Drag.PLAYHEAD:
                self.scrub_started.emit()
                self._scrub_to(t)
            case _Drag.MOVE:
                assert window is not None
                self._anchor = t - window.start
            case _Drag.CREATE:
                self._anchor = t
            case _Drag.START | _Drag.END | _Drag.NONE:
                pass

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        t = self.scale.time_at(pos.x())
        if self._drag is _Drag.NONE:
            self._hover(pos.x(), pos.y(), t, event)
            return
        if abs(pos.x() - self._press_x) >= QApplication.startDragDistance():
            self._moved = True
        window = self.selection.window
        match self._drag:
            case _Drag.PLAYHEAD:
                self._scrub_to(t)
            case _Drag.CREATE if self._moved:
                if t >= self._anchor:
                    self.selection.drag(Handle.END, Window(self._anchor, t))
                else:
                    self.selection.drag(Handle.START, Window(t, self._anchor))
            case _Drag.START if window is not None:
                self.selection.drag(Handle.START, Window(t, window.end))
            case _Drag.END if window is not None:
                self.selection.drag(Handle.END, Window(window.start, t))
            case _Drag.MOVE if window is not None and self._moved:
                start = t - self._anchor
                self.selection.drag(Handle.MOVE, Window(start, start + window.duration))
            case _:
                pass

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        drag, self._drag = self._drag, _Drag.NONE
        t = self.scale.time_at(event.position().x())
        match drag:
            case _Drag.PLAYHEAD:
                self.scrub_finished.emit(self.playhead)
            case _Drag.CREATE | _Drag.MOVE if not self._moved:
                self.seek_requested.emit(t)
            case _:
                pass
        self.update()

    def _scrub_to(self, seconds: float) -> None:
        if self.facts is not None:
            # The playhead sits on the start of the frame under the mouse.
            seconds = self.facts.time_of(self.facts.frame_at(seconds))
        self.playhead = seconds
        self.update()
        self.scrub_moved.emit(seconds)

    def _hover(self, x: float, y: float, t: float, event: QMouseEvent) -> None:
        hit = self._hit(x, y) if self.facts is not None else _Drag.NONE
        shapes = {
            _Drag.START: Qt.CursorShape.SizeHorCursor,
            _Drag.END: Qt.CursorShape.SizeHorCursor,
            _Drag.MOVE: Qt.CursorShape.OpenHandCursor,
            _Drag.PLAYHEAD: Qt.CursorShape.PointingHandCursor,
        }
        self.setCursor(shapes.get(hit, Qt.CursorShape.IBeamCursor))
        if self.facts is not None:
            frame = frame_at(t, self.facts.fps)
            QToolTip.showText(
                event.globalPosition().toPoint(),
                f"{timecode(frame, self.facts.fps)} · {t:.2f} s · frame {frame}",
                self,
            )

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        steps = (delta.y() or delta.x()) / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.scale.zoom_at(event.position().x(), 1.25**steps)
        else:
            self.scale.scroll_by_pixels(-steps * 60)
        event.accept()


def _tick_label(seconds: float, major: float, fps: Fraction) -> str:
    if major < 0.5:  # frame-level zoom: seconds and frames, as a timecode reads
        return timecode(frame_at(seconds, fps), fps).removeprefix("00:")
    if seconds >= 60:
        return f"{int(seconds // 60)}:{seconds % 60:04.1f}"
    return f"{seconds:g}s"


class TimelineView(QWidget):
    """The canvas and a scroll bar, sharing the canvas's `TimeScale`."""

    def __init__(self, scale: TimeScale, selection: Selection) -> None:
        super().__init__()
        self.canvas = TimelineCanvas(scale, selection)
        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal)
        self.scrollbar.setAccessibleName(self.tr("Scroll the timeline"))
        self.scale = scale
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.canvas)
        layout.addWidget(self.scrollbar)
        scale.changed.connect(self._sync_scrollbar)
        self.scrollbar.valueChanged.connect(lambda v: scale.scroll_to(v / 1000))
        self._sync_scrollbar()

    def _sync_scrollbar(self) -> None:
        visible = self.scale.visible_seconds
        room = max(0.0, self.scale.duration - visible)
        self.scrollbar.blockSignals(True)
        self.scrollbar.setRange(0, round(room * 1000))
        self.scrollbar.setPageStep(max(1, round(visible * 1000)))
        self.scrollbar.setSingleStep(max(1, round(visible * 100)))
        self.scrollbar.setValue(round(self.scale.offset * 1000))
        self.scrollbar.blockSignals(False)
        self.scrollbar.setVisible(room > 0)
