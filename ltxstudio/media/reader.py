"""`FrameReader`: the exact frame covering a time, from one open video, decoding forward when
that is cheaper than seeking.

The frame shown at time t is the last frame whose presentation time is <= t (frame n covers
[n/fps, (n+1)/fps) for constant-rate video; for variable-rate video, until the next frame). The
reader keeps the decoder position between calls. For a target ahead of the current frame it
decodes forward unless a keyframe lies between the two (then a seek skips work); with no
keyframe index it decodes forward up to `forward_seconds`. Seeking lands on the keyframe at or
before the target and decodes up to it, which is what makes the result exact.

On the way to a target, frames nobody references (most B-frames) that start well before the
target are not decoded at all (`skip_frame=NONREF`, switched per packet): they cannot be the
answer and no other frame needs them. That roughly halves the work of a jump. If the frame found
then starts that far before the target too (a long frame of variable-rate video), a skipped
frame might have been the answer, so the target is decoded again without skipping.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from contextlib import ExitStack
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from ltxstudio.core.timebase import as_fps
from ltxstudio.media.errors import MediaError
from ltxstudio.media.frames import open_video, stream_sar

#: Frames closer than this to the current one are decoded forward even past a keyframe: a seek
#: would throw away the decoded lookahead frame and restart the demuxer to save at most this.
_FORWARD_FRAMES = 4


class FrameReader:
    """Exact frames by time from one video file. Not thread-safe: one caller at a time."""

    def __init__(
        self,
        path: Path | str,
        *,
        forward_seconds: float = 2.0,
        fps: Fraction | None = None,
        grid: Fraction | None = None,
    ) -> None:
        self.path = Path(path)
        self._stack = ExitStack()
        self.container, self.stream = self._stack.enter_context(open_video(self.path))
        s = self.stream
        self.time_base = Fraction(s.time_base) if s.time_base else Fraction(1, 90_000)
        rate = fps or s.average_rate or s.guessed_rate or s.base_rate
        # `fps` overrides the stream's rate and `grid` is the time base requested times are
        # first rounded to: a proxy must map times and indices exactly like its master.
        self.fps = as_fps(Fraction(rate)) if rate else Fraction(25)
        self._grid = grid
        self.sar = stream_sar(s)
        self._forward_pts = round(forward_seconds / self.time_base)
        self._near = round(_FORWARD_FRAMES / self.fps / self.time_base)
        # Non-reference frames starting this far before the target are skipped.
        self._skip_margin = round(2 / self.fps / self.time_base)
        self._goal: int | None = None
        self._skip_allowed = True
        self._skipped = False  # a packet went to the decoder with NONREF since the last seek
        self._skip_mode = "DEFAULT"
        self._keyframes = self._keyframe_index()
        self._frames: Iterator[Any] | None = None
        self._current: Any | None = None  # last frame handed out or passed, pts <= some target
        self._next: Any | None = None  # one frame of lookahead (decides where _current ends)
        self._eof = False
        self.seeks = 0  # for tests and benchmarks: how often a target needed a seek
        self.decoded = 0  # frames decoded so far
        self.redone = 0  # targets decoded again because a skipped frame might have been the one
        self.start_pts = self._first_pts()

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ queries

    def target_pts(self, seconds: float) -> int:
        """The stream timestamp `seconds` after the first frame, to the nearest tick.

        Nearest, not floor: containers store frame times rounded to their time base (Matroska:
        1 ms), so frame 31 at 24 fps starts at tick 1292 although 31/24 s is 1291.67 ms.
        """
        t = Fraction(max(0.0, seconds)).limit_denominator(10_000_000)
        if self._grid is not None:
            t = math.floor(t / self._grid + Fraction(1, 2)) * self._grid
        return self.start_pts + math.floor(t / self.time_base + Fraction(1, 2))

    def seconds(self, pts: int) -> float:
        return float((pts - self.start_pts) * self.time_base)

    def index_of(self, pts: int) -> int:
        """The nominal frame index of a timestamp (exact for constant-rate video)."""
        return max(0, round((pts - self.start_pts) * self.time_base * self.fps))

    def frame_at(self, seconds: float) -> tuple[Any, int]:
        """The decoded frame covering `seconds` and the pts where it stops covering (the next
        frame's pts; a huge number for the last frame)."""
        target = self.target_pts(seconds)
        self._goal = target
        try:
            cur = self._current
            if cur is None or cur.pts > target or self._should_seek(cur.pts, target):
                self._seek(target)
            self._advance(target)
            assert self._current is not None
            if self._skipped and self._current.pts < target - self._skip_margin:
                self._skip_allowed = False
                self.redone += 1
                self._seek(target)
                self._advance(target)
        finally:
            self._goal = None
            self._skip_allowed = True
        assert self._current is not None
        end = self._next.pts if self._next is not None else 2**62
        return self._current, end

    # ------------------------------------------------------------------ internals

    def _keyframe_index(self) -> list[int]:
        try:
            entries = self.stream.index_entries
            return sorted(e.timestamp for e in entries if e.is_keyframe)
        except (AttributeError, TypeError, ValueError):
            return []

    def _first_pts(self) -> int:
        frame = self._decode_next()
        if frame is None:
            raise MediaError("undecodable", f"{self.path.name}: no video frame could be decoded.")
        self._current = frame
        self._next = self._decode_next()
        return int(frame.pts)

    def _should_seek(self, current: int, target: int) -> bool:
        if target <= current:
            return False
        if self._keyframes:
            # A keyframe well past the current frame and before the target: seeking to it
            # decodes fewer frames than going on from here.
            k = bisect.bisect_right(self._keyframes, target) - 1
            return k >= 0 and self._keyframes[k] > current + self._near
        return target - current > self._forward_pts

    def _decode_next(self) -> Any | None:
        if self._eof:
            return None
        if self._frames is None:
            self._frames = self._decode_iter()
        try:
            while True:
                frame = next(self._frames)
                if frame.pts is None:
                    continue
                self.decoded += 1
                return frame
        except StopIteration:
            self._eof = True
            return None

    def _decode_iter(self) -> Iterator[Any]:
        for packet in self.container.demux(self.stream):
            self._set_skip(packet.pts)
            try:
                yield from packet.decode()
            except av.InvalidDataError:
                continue  # a damaged packet: skip it, the decoder resynchronises

    def _set_skip(self, pts: int | None) -> None:
        skip = (
            self._skip_allowed
            and self._goal is not None
            and pts is not None
            and pts < self._goal - self._skip_margin
        )
        mode = "NONREF" if skip else "DEFAULT"
        if mode != self._skip_mode:
            self.stream.codec_context.skip_frame = mode
            self._skip_mode = mode
        self._skipped = self._skipped or skip

    def _seek(self, target: int) -> None:
        self.seeks += 1
        self._skipped = False
        back = 0
        while True:
            at = max(self.start_pts, target - back)
            self.container.seek(at, stream=self.stream, backward=True, any_frame=False)
            self._frames = None
            self._eof = False
            first = self._decode_next()
            if first is None or first.pts <= target or at <= self.start_pts:
                break
            # The demuxer landed after the target (a coarse index): step further back.
            back = max(back * 2, round(1 / self.time_base))
        if first is None:
            raise MediaError("undecodable", f"{self.path.name}: nothing decodes after a seek.")
        self._current = first
        self._next = self._decode_next()

    def _advance(self, target: int) -> None:
        while self._next is not None and self._next.pts <= target:
            self._current = self._next
            self._next = self._decode_next()
