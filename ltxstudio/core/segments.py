"""Timeline selections under the API's rules, as pure functions the timeline calls while dragging.

A retake window sits on the clip's frame grid, inside the clip, and lasts at least 2 s; a
selection that breaks a rule is *moved* to the nearest legal one while dragging (the handle
being dragged gives way, the other stays put when it can), and *refused with its reason* when it
was typed or marked with I/O. Extend adds 2–20 s and, with its context, fits in 505 frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ltxstudio.core import catalog
from ltxstudio.core.timebase import FpsLike, as_fps, frames_in, seconds_label, snap


class Handle(StrEnum):
    START = "start"
    END = "end"
    MOVE = "move"  # the whole window, keeping its length


@dataclass(frozen=True)
class Window:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start

    def label(self, fps: FpsLike) -> str:
        return f"{seconds_label(self.duration)} · {frames_in(self.duration, fps)} frames"


def retake_problem(window: Window, clip_seconds: float, fps: FpsLike) -> str | None:
    """Why this window cannot be retaken as it is, or None."""
    if window.start < 0 or window.end > clip_seconds + 1e-6:
        return "the window must lie inside the clip"
    if window.duration + 1e-6 < catalog.RETAKE_MIN_SECONDS:
        return (
            f"the window is {window.duration:.2f} s; a retake needs at least "
            f"{catalog.RETAKE_MIN_SECONDS:g} s"
        )
    if frames_in(clip_seconds, fps) < catalog.VIDEO_MIN_FRAMES:
        return (
            f"the clip has {frames_in(clip_seconds, fps)} frames; retake needs a video of at "
            f"least {catalog.VIDEO_MIN_FRAMES}"
        )
    return None


def constrain_retake(window: Window, handle: Handle, clip_seconds: float, fps: FpsLike) -> Window:
    """The legal window nearest to what the user dragged: on the frame grid, inside the clip,
    at least 2 s (or the whole clip when it is shorter)."""
    rate = as_fps(fps)
    length = snap(clip_seconds, rate)
    minimum = min(catalog.RETAKE_MIN_SECONDS, length)
    start, end = snap(window.start, rate), snap(window.end, rate)
    match handle:
        case Handle.MOVE:
            span = min(length, max(minimum, end - start))
            start = min(max(0.0, start), length - span)
            end = start + span
        case Handle.START:
            end = min(max(end, minimum), length)
            start = min(max(0.0, start), end - minimum)
        case Handle.END:
            start = min(max(0.0, start), length - minimum)
            end = max(min(length, end), start + minimum)
    return Window(snap(start, rate), snap(end, rate))


@dataclass(frozen=True)
class ExtendPlan:
    seconds: float
    context: float  # seconds of the input the model sees
    frames: int  # context + extension, in input frames

    def label(self) -> str:
        return f"+{self.seconds:g} s · context {self.context:.2f} s · {self.frames} frames"


def plan_extend(seconds: float, fps: FpsLike, context: float | None = None) -> ExtendPlan:
    """Clamp an extension to 2–20 s and its context to what fits in 505 frames."""
    rate = float(as_fps(fps))
    lo, hi = catalog.EXTEND_SECONDS
    seconds = min(hi, max(lo, snap(seconds, fps)))
    room = catalog.extend_max_context(rate, seconds)
    context = room if context is None else min(max(0.0, context), room)
    frames = round((seconds + context) * rate)
    return ExtendPlan(seconds, context, frames)
