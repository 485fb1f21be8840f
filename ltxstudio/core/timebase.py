"""Frames, seconds and timecode with exact rational frame rates: the single time mapper.

Frame rates are `Fraction`s (24000/1001 stays exact), so a time snapped to the frame grid round
trips through frames without drift. Frame n covers [n/fps, (n+1)/fps).
"""

from __future__ import annotations

import math
from fractions import Fraction

FpsLike = Fraction | int | float | str

#: Float rates as containers report them (23.976, 29.97 …) mapped to their exact NTSC fractions.
_NTSC = {round(n * 1000 / 1001, 2): Fraction(n * 1000, 1001) for n in (24, 30, 48, 60, 120)}

#: Tolerance for float times that should sit on a frame boundary (1 µs, well under any frame).
_EPS = Fraction(1, 1_000_000)


def as_fps(fps: FpsLike) -> Fraction:
    """An exact rate; floats are matched to the nearest common NTSC/whole rate."""
    if isinstance(fps, Fraction):
        rate = fps
    elif isinstance(fps, float):
        rate = _NTSC.get(round(fps, 2)) or Fraction(fps).limit_denominator(1001)
    else:
        rate = Fraction(fps)
    if rate <= 0:
        raise ValueError(f"frame rate must be positive, not {fps}")
    return rate


def frame_at(seconds: float, fps: FpsLike) -> int:
    """The index of the frame shown at `seconds` (frame 0 at t=0)."""
    t = Fraction(seconds).limit_denominator(10_000_000)
    return max(0, math.floor(t * as_fps(fps) + _EPS))


def frame_time(frame: int, fps: FpsLike) -> float:
    """When frame `frame` starts, in seconds."""
    return float(Fraction(frame) / as_fps(fps))


def snap(seconds: float, fps: FpsLike) -> float:
    """`seconds` moved to the start of the nearest frame."""
    rate = as_fps(fps)
    t = Fraction(seconds).limit_denominator(10_000_000)
    return float(Fraction(round(t * rate)) / rate)


def frames_in(seconds: float, fps: FpsLike) -> int:
    """How many whole frames fit in `seconds` (rounded to the nearest frame)."""
    t = Fraction(seconds).limit_denominator(10_000_000)
    return round(t * as_fps(fps))


def timecode(frame: int, fps: FpsLike) -> str:
    """`HH:MM:SS:FF` using the rounded nominal rate (non-drop-frame)."""
    nominal = max(1, round(as_fps(fps)))
    sign = "-" if frame < 0 else ""
    frame = abs(frame)
    ff = frame % nominal
    total = frame // nominal
    return f"{sign}{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}:{ff:02d}"


def seconds_label(seconds: float) -> str:
    """`3.25 s` for short spans, `1:02.50` past a minute."""
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:05.2f}"
