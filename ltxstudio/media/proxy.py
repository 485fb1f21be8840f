"""Scrub proxies: a small all-intra copy of a clip, so that any frame is one decode away.

After a clip is downloaded the app builds a proxy in the background (`Lane.BACKGROUND`); the
full-resolution file stays the master. The proxy is H.264 with every frame a keyframe
(`keyint=1`), `PROXY_WIDTH` px wide, upright (rotation applied), with the master's timestamps
(same time base, first frame at 0), so time t names the same frame in both. It lives in the cache
dir, keyed by the master's identity, and appears atomically: present means complete.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

from ltxstudio.media.cache import DiskCache, atomic_create
from ltxstudio.media.errors import CancelToken, check_cancel
from ltxstudio.media.frames import open_video, to_rgb
from ltxstudio.media.scrub import ScrubDecoder

PROXY_WIDTH = 480
#: How close a proxy frame is to the master frame scaled to the same width: the mean absolute
#: difference per channel, 0-255 scale. Measured at CRF 18: 1.4-2.3 on smooth gradients, 8.4-9.3
#: on full-frame random noise (the worst case for any encoder). Adjacent frames can be closer
#: than this on slow content, so tests also require the proxy frame to be nearer to its own
#: master frame than to the neighbours, and check the frame-index stripes.
PROXY_TOLERANCE = 10.0


def proxy_path(source: Path | str, cache_dir: Path, width: int = PROXY_WIDTH) -> Path:
    return DiskCache(cache_dir).path_for("proxy", Path(source), f"w={width}|v1", ".mp4")


def find_proxy(source: Path | str, cache_dir: Path, width: int = PROXY_WIDTH) -> Path | None:
    path = proxy_path(source, cache_dir, width)
    return path if path.is_file() else None


def build_proxy(
    source: Path | str,
    cache_dir: Path,
    *,
    width: int = PROXY_WIDTH,
    cancel: CancelToken | None = None,
) -> Path:
    """Build (or find) the proxy of `source`; returns its path. Raises Cancelled, MediaError."""
    src = Path(source)
    target = proxy_path(src, cache_dir, width)
    if target.is_file():
        return target
    return atomic_create(target, lambda tmp: _encode(src, tmp, width, cancel))


def _encode(src: Path, dst: Path, width: int, cancel: CancelToken | None) -> None:
    with open_video(src) as (container, stream), av.open(str(dst), "w", format="mp4") as out:
        tb = Fraction(stream.time_base) if stream.time_base else Fraction(1, 90_000)
        rate = stream.average_rate or stream.guessed_rate or 25
        sar = stream.sample_aspect_ratio
        video = None
        start: int | None = None
        last = -1
        for n, frame in enumerate(container.decode(stream)):
            if n % 8 == 0:
                check_cancel(cancel)
            if frame.pts is None:
                continue
            if start is None:
                start = int(frame.pts)
            pts = int(frame.pts) - start
            if pts <= last:
                continue  # a duplicate timestamp cannot be muxed; the earlier frame stands
            last = pts
            rgb = to_rgb(frame, width, Fraction(sar) if sar else None)
            h, w = rgb.shape[:2]
            if video is None:
                video = out.add_stream("libx264", rate=Fraction(rate))
                video.width, video.height = w - w % 2, h - h % 2
                video.pix_fmt = "yuv420p"
                video.time_base = tb
                video.codec_context.time_base = tb
                video.codec_context.gop_size = 1
                video.thread_type = "AUTO"
                video.options = {
                    "preset": "veryfast",
                    "crf": "18",
                    "tune": "fastdecode",
                    "x264-params": "keyint=1:min-keyint=1:scenecut=0:log-level=error",
                }
            picture = av.VideoFrame.from_ndarray(rgb[: video.height, : video.width], "rgb24")
            picture = picture.reformat(format="yuv420p")
            picture.pts = pts
            picture.time_base = tb
            out.mux(video.encode(picture))
        if video is not None:
            out.mux(video.encode())


def open_scrubber(
    source: Path | str, *, width: int | None, cache_dir: Path | None = None, cache_size: int = 32
) -> ScrubDecoder:
    """A `ScrubDecoder` for `source` that reads the proxy when one exists and `width` fits it."""
    proxy = find_proxy(source, cache_dir) if cache_dir is not None else None
    return ScrubDecoder(
        source, width=width, cache_size=cache_size, proxy=proxy, proxy_width=PROXY_WIDTH
    )
