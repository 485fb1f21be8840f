"""`ScrubDecoder`: the exact frame at time t for a player's scrub bar, fast enough to drag.

One persistent decoder per clip (container kept open), forward decoding for small forward jumps,
a small LRU of decoded frames, output scaled to a requested width. When an all-intra proxy of
the clip exists (see `proxy.py`) and the requested width fits in it, frames come from the proxy:
any frame is then one seek and one small decode away.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ltxstudio.core.timebase import frame_time
from ltxstudio.media.frames import RGB, open_video, to_rgb
from ltxstudio.media.reader import FrameReader


def _master_timing(path: Path) -> tuple[Fraction | None, Fraction | None]:
    """The master's frame rate and time base."""
    with open_video(path) as (_, stream):
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        base = stream.time_base
        return (Fraction(rate) if rate else None, Fraction(base) if base else None)


@dataclass(frozen=True)
class Frame:
    """A decoded picture: upright RGB `uint8` HxWx3."""

    index: int  # nominal frame index (time x fps); exact for constant-rate video
    time: float  # when this frame starts, seconds from the first frame
    image: RGB
    from_proxy: bool = False


class ScrubDecoder:
    """Exact frames by time from one clip; thread-safe (calls are serialised).

    Args:
        path: the master file; frame times and indices always refer to it.
        width: output width in pixels (height follows the display aspect); None = full size.
        cache_size: decoded frames kept (at the output width).
        proxy: an all-intra proxy of `path` with the same timestamps; used when `width` fits.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        width: int | None = None,
        cache_size: int = 32,
        proxy: Path | None = None,
        proxy_width: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.width = width
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, tuple[int, Frame]] = OrderedDict()
        self._cache_size = max(1, cache_size)
        use_proxy = (
            proxy is not None
            and proxy.is_file()
            and (width is not None and (proxy_width is None or width <= proxy_width))
        )
        self.uses_proxy = use_proxy
        source = proxy if use_proxy and proxy is not None else self.path
        # A proxy's container may report a slightly different average rate (recomputed from
        # rounded timestamps) and another time base: times and indices follow the master's.
        if use_proxy:
            rate, grid = _master_timing(self.path)
            self._reader = FrameReader(source, fps=rate, grid=grid)
        else:
            self._reader = FrameReader(source)
        self.fps: Fraction = self._reader.fps
        self.hits = 0

    def close(self) -> None:
        with self._lock:
            self._reader.close()
            self._cache.clear()

    def __enter__(self) -> ScrubDecoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def seeks(self) -> int:
        return self._reader.seeks

    def frame(self, index: int) -> Frame:
        """Frame number `index` (at the nominal rate)."""
        return self.frame_at(frame_time(index, self.fps))

    def frame_at(self, seconds: float) -> Frame:
        """The frame shown at `seconds` (clamped to the clip: past the end gives the last)."""
        with self._lock:
            reader = self._reader
            target = reader.target_pts(seconds)
            for pts, (end, frame) in self._cache.items():
                if pts <= target < end:
                    self._cache.move_to_end(pts)
                    self.hits += 1
                    return frame
            decoded, end = reader.frame_at(seconds)
            pts = int(decoded.pts)
            frame = Frame(
                index=reader.index_of(pts),
                time=reader.seconds(pts),
                image=to_rgb(decoded, self.width, reader.sar),
                from_proxy=self.uses_proxy,
            )
            self._cache[pts] = (end, frame)
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return frame
