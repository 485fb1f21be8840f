"""Thumbnails at exact times, evenly spaced by default, cached on disk.

"Smart" linear decoding (STACK-NOTES §4): the times are visited in order with one `FrameReader`,
which decodes forward between nearby targets and seeks only when a keyframe lies between the
current frame and the next target. Twenty exact thumbnails then cost about one pass over the
frames they span, never twenty independent seeks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ltxstudio.media.cache import DiskCache
from ltxstudio.media.errors import CancelToken, check_cancel
from ltxstudio.media.frames import RGB, to_rgb
from ltxstudio.media.reader import FrameReader


@dataclass(frozen=True)
class Thumbnail:
    time: float  # the requested time
    frame_time: float  # when the frame shown at `time` starts
    index: int  # its nominal frame index
    image: RGB


def even_times(duration: float, count: int) -> list[float]:
    """`count` times at the centres of `count` equal slices of `duration`."""
    if count <= 0 or duration <= 0:
        return []
    return [duration * (i + 0.5) / count for i in range(count)]


def thumbnails(
    path: Path | str,
    *,
    count: int = 20,
    times: Sequence[float] | None = None,
    width: int = 160,
    cache_dir: Path | None = None,
    cancel: CancelToken | None = None,
) -> list[Thumbnail]:
    """Frames at `times` (default: `count` evenly spaced), `width` px wide, in the order asked.

    Cached per (file identity, time, width) under `cache_dir/thumbs` when a cache dir is given.
    Raises `Cancelled` between frames once `cancel` is set; `MediaError` for unusable files.
    """
    p = Path(path)
    cache = DiskCache(cache_dir) if cache_dir is not None else None
    with FrameReader(p) as reader:
        if times is None:
            times = even_times(_duration(reader), count)
        found: dict[float, Thumbnail] = {}
        missing: list[float] = []
        for t in times:
            hit = _cached(cache, p, t, width)
            if hit is not None:
                found[t] = hit
            else:
                missing.append(t)
        for t in sorted(set(missing)):
            check_cancel(cancel)
            frame, _ = reader.frame_at(t)
            pts = int(frame.pts)
            thumb = Thumbnail(
                t, reader.seconds(pts), reader.index_of(pts), to_rgb(frame, width, reader.sar)
            )
            found[t] = thumb
            if cache is not None:
                _store(cache, p, thumb, width)
    return [found[t] for t in times]


def _duration(reader: FrameReader) -> float:
    stream = reader.stream
    if stream.duration:
        return float(stream.duration * reader.time_base)
    if reader.container.duration:
        return float(reader.container.duration / 1_000_000)
    return 0.0


def _params(t: float, width: int) -> str:
    return f"t={t!r}|w={width}"


def _cached(cache: DiskCache | None, p: Path, t: float, width: int) -> Thumbnail | None:
    if cache is None:
        return None
    entry = cache.load("thumbs", p, _params(t, width))
    if entry is None or "image" not in entry or "meta" not in entry:
        return None
    image, meta = entry["image"], entry["meta"]
    if image.ndim != 3 or image.dtype != np.uint8 or meta.shape != (2,):
        return None
    return Thumbnail(t, float(meta[0]), int(meta[1]), image.astype(np.uint8, copy=False))


def _store(cache: DiskCache, p: Path, thumb: Thumbnail, width: int) -> None:
    meta = np.array([thumb.frame_time, thumb.index], dtype=np.float64)
    cache.store("thumbs", p, _params(thumb.time, width), {"image": thumb.image, "meta": meta})
