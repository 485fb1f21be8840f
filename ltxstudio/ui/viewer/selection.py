"""The timeline's retake window: what the user marked, under the API's rules.

Dragging (a new window, a handle, or the whole window) goes through `core.segments.
constrain_retake`, so the window *snaps* to the frame grid, the clip and the 2 s minimum as the
mouse moves — and says so: when a drag asked for less than the minimum, `snap_note` carries the
same sentence I/O marks get as their `problem`, plus what it was snapped to (a silent snap left
users wondering why the window would not shrink). Marks set with I / O, and the frame-by-frame
nudges, are taken as typed: snapped to frames but otherwise kept, and refused with their reason
(`problem`) when they break a rule. Either way nothing that breaks a rule can be submitted.
"""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QObject, Signal

from ltxstudio.core.segments import Handle, Window, constrain_retake, retake_problem
from ltxstudio.core.timebase import snap

NO_SELECTION = "select a window on the timeline: drag across it, or press I and O"


class Selection(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window: Window | None = None
        self.snap_note: str | None = None  # why the last drag was moved, while it shows
        self._seconds = 0.0
        self._fps: Fraction = Fraction(24)

    @property
    def window(self) -> Window | None:
        return self._window

    @property
    def fps(self) -> Fraction:
        return self._fps

    @property
    def clip_seconds(self) -> float:
        return self._seconds

    def set_clip(self, seconds: float, fps: Fraction) -> None:
        """A new clip: the old window means nothing there."""
        self._seconds, self._fps = seconds, fps
        self._window = None
        self.changed.emit()

    def clip_changed_length(self, seconds: float, fps: Fraction) -> None:
        """The same clip with another take: keep the window where it still fits."""
        self._seconds, self._fps = seconds, fps
        if self._window is not None and self._window.end > seconds + 1e-6:
            self._window = None
        self.changed.emit()

    @property
    def problem(self) -> str | None:
        """Why the window cannot be submitted, or None."""
        if self._window is None:
            return NO_SELECTION
        return retake_problem(self._window, self._seconds, self._fps)

    # ------------------------------------------------------------------ changes

    def drag(self, handle: Handle, window: Window) -> Window:
        """Set the window a drag asks for, moved to the nearest legal one; returns it."""
        legal = constrain_retake(window, handle, self._seconds, self._fps)
        asked = Window(snap(window.start, self._fps), snap(window.end, self._fps))
        too_short = asked.duration + 1e-6 < legal.duration
        why = retake_problem(asked, self._seconds, self._fps) if too_short else None
        note = f"{why} — snapped to {legal.duration:.2f} s" if why else None
        self._set(legal, note)
        return legal

    def nudge(self, edge: Handle, frames: int) -> None:
        """Move the in (START) or out (END) point by whole frames, as typed."""
        window = self._window
        if window is None or edge is Handle.MOVE:
            return
        step = frames / float(self._fps)
        start = window.start + step if edge is Handle.START else window.start
        end = window.end + step if edge is Handle.END else window.end
        start, end = max(0.0, start), min(self._seconds, end)
        if end > start:
            self.set_window(Window(start, end))

    def mark_in(self, seconds: float) -> None:
        """I: the window starts here; it keeps its out point when that is still after it."""
        start = snap(seconds, self._fps)
        end = self._window.end if self._window and self._window.end > start else self._seconds
        self._set(Window(start, snap(end, self._fps)))

    def mark_out(self, seconds: float) -> None:
        """O: the window ends here (the frame at the playhead is not included)."""
        end = snap(seconds, self._fps)
        start = self._window.start if self._window and self._window.start < end else 0.0
        self._set(Window(start, end))

    def set_window(self, window: Window | None) -> None:
        """Set exactly this window (snapped to frames), as typed; `problem` says if it is bad."""
        if window is not None:
            window = Window(snap(window.start, self._fps), snap(window.end, self._fps))
        self._set(window)

    def clear(self) -> None:
        self._set(None)

    def _set(self, window: Window | None, snap_note: str | None = None) -> None:
        if window != self._window or snap_note != self.snap_note:
            self._window = window
            self.snap_note = snap_note
            self.changed.emit()
