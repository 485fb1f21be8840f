"""`TimeScale`: the one time↔pixel mapping that the ruler, thumbnails, waveform, selection and
playhead all draw with, so they can never disagree by a pixel.

At zoom 1 the whole clip fits the width; zooming keeps the time under the mouse where it is;
scrolling moves the visible span, never past the clip's ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

#: Pixels kept free at each end, so a handle on the clip's first or last frame can be grabbed.
PAD = 10
#: Deepest zoom: this many pixels per frame.
MAX_PIXELS_PER_FRAME = 48.0


@dataclass(frozen=True)
class Tick:
    seconds: float
    major: bool


class TimeScale(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._duration = 0.0
        self._fps = 24.0
        self._width = 1
        self._zoom = 1.0
        self._offset = 0.0  # seconds at the left edge of the content area

    # ------------------------------------------------------------------ setup

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def width(self) -> int:
        return self._width

    def set_clip(self, duration: float, fps: float) -> None:
        self._duration, self._fps = max(0.0, duration), fps
        self._zoom, self._offset = 1.0, 0.0
        self.changed.emit()

    def set_width(self, width: int) -> None:
        if width != self._width:
            self._width = max(1, width)
            self._offset = self._clamped_offset(self._offset)
            self.changed.emit()

    # ------------------------------------------------------------------ mapping

    @property
    def content_width(self) -> float:
        return max(1.0, self._width - 2 * PAD)

    @property
    def zoom(self) -> float:
        return self._zoom

    @property
    def max_zoom(self) -> float:
        if self._duration <= 0:
            return 1.0
        fit = self.content_width / self._duration
        return max(1.0, MAX_PIXELS_PER_FRAME * self._fps / fit)

    @property
    def pixels_per_second(self) -> float:
        if self._duration <= 0:
            return 1.0
        return self.content_width / self._duration * self._zoom

    @property
    def offset(self) -> float:
        return self._offset

    @property
    def visible_seconds(self) -> float:
        return self.content_width / self.pixels_per_second

    def visible(self) -> tuple[float, float]:
        """The span of the clip on screen, in seconds."""
        return self._offset, min(self._duration, self._offset + self.visible_seconds)

    def x_of(self, seconds: float) -> float:
        return PAD + (seconds - self._offset) * self.pixels_per_second

    def time_at(self, x: float) -> float:
        """The time under pixel `x`, clamped to the clip."""
        t = self._offset + (x - PAD) / self.pixels_per_second
        return min(max(0.0, t), self._duration)

    # ------------------------------------------------------------------ navigation

    def zoom_at(self, x: float, factor: float) -> None:
        """Zoom by `factor` keeping the time under `x` under `x`."""
        anchor = self.time_at(x)
        zoom = min(self.max_zoom, max(1.0, self._zoom * factor))
        if zoom == self._zoom:
            return
        self._zoom = zoom
        self._offset = self._clamped_offset(anchor - (x - PAD) / self.pixels_per_second)
        self.changed.emit()

    def scroll_to(self, offset: float) -> None:
        offset = self._clamped_offset(offset)
        if offset != self._offset:
            self._offset = offset
            self.changed.emit()

    def scroll_by_pixels(self, dx: float) -> None:
        self.scroll_to(self._offset + dx / self.pixels_per_second)

    def ensure_visible(self, seconds: float) -> None:
        """Scroll the least so that `seconds` is on screen (page-wise, as editors do)."""
        start, end = self._offset, self._offset + self.visible_seconds
        if seconds < start or seconds > end:
            self.scroll_to(seconds - self.visible_seconds * 0.1)

    def _clamped_offset(self, offset: float) -> float:
        room = max(0.0, self._duration - self.visible_seconds)
        return min(max(0.0, offset), room)

    # ------------------------------------------------------------------ ruler

    def ticks(self, min_major_px: float = 70.0) -> tuple[float, list[Tick]]:
        """(major step in seconds, ticks in view): majors at least `min_major_px` apart,
        minors between them; steps are frames at deep zoom, then round seconds."""
        pps = self.pixels_per_second
        frame = 1.0 / self._fps
        steps = [frame * n for n in (1, 2, 5)]
        steps += [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]
        major = next((s for s in steps if s * pps >= min_major_px), steps[-1])
        minor = major / 5 if major >= 0.5 else frame
        if minor * pps < 6:
            minor = major
        start, end = self.visible()
        out: list[Tick] = []
        n = int(start / minor)
        while True:
            t = n * minor
            if t > end + 1e-9:
                break
            if t >= start - 1e-9:
                ratio = t / major
                out.append(Tick(t, abs(ratio - round(ratio)) < 1e-6))
            n += 1
        return major, out
