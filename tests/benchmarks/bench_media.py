"""Media benchmarks: P3 scrub latency and P4 exact thumbnails, against baselines measured in the
same run (raw PyAV exact seek; the ffmpeg CLI in one pass).

The 20 s 1080p24 clip (H.264 High, GOP 48, AAC) is generated once and cached under the system
temp dir; its proxy is rebuilt each run (that build time is reported too).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ltxstudio.media import PROXY_WIDTH, ScrubDecoder, build_proxy, even_times, thumbnails
from ltxstudio.media.frames import to_rgb
from tests.benchmarks.harness import Result, at_most, info, percentile
from tests.support.media_factory import make_video, read_frame_index

CACHE = Path(tempfile.gettempdir()) / "ltxstudio-bench-media"
CLIP_SECONDS = 20
FPS = 24
THUMBS = 20
THUMB_WIDTH = 160
SCRUB_WIDTH = PROXY_WIDTH  # what a 480-px preview asks for: the proxy's width


def clip_1080p() -> Path:
    path = CACHE / "clip-1080p24-20s-gop48-v1.mp4"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part.mp4")
        make_video(
            part,
            width=1920,
            height=1080,
            fps=FPS,
            seconds=CLIP_SECONDS,
            gop=48,
            options={"preset": "veryfast"},
        )
        part.replace(path)
    return path


def drag_trace(n: int = 200, seed: int = 11) -> list[float]:
    """Times a scrub-bar drag visits: runs forward and back at varying speed, a few jumps."""
    rnd = random.Random(seed)
    t, out = 3.0, []
    velocity = 0.1
    for i in range(n):
        if i % 40 == 0 and i:
            t = rnd.uniform(0, CLIP_SECONDS)  # the user lets go and clicks elsewhere
        if rnd.random() < 0.1:
            velocity = rnd.choice([-1, 1]) * rnd.uniform(0.02, 0.4)  # seconds per mouse event
        t = min(max(0.0, t + velocity), CLIP_SECONDS - 0.01)
        out.append(t)
    return out


def raw_pyav_latencies(path: Path, times: list[float]) -> list[float]:
    """Baseline: the textbook exact seek per position (container kept open), same output."""
    latencies = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        tb = stream.time_base
        for t in times:
            start = time.perf_counter()
            target = round(t / tb)
            container.seek(target, stream=stream)
            chosen = None
            for frame in container.decode(stream):
                if frame.pts + round(Fraction(1, FPS) / tb) > target:
                    chosen = frame
                    break
            assert chosen is not None
            to_rgb(chosen, SCRUB_WIDTH)
            latencies.append(time.perf_counter() - start)
    return latencies


def scrub_latencies(path: Path, times: list[float], proxy: Path | None) -> list[float]:
    latencies = []
    with ScrubDecoder(path, width=SCRUB_WIDTH, proxy=proxy, proxy_width=PROXY_WIDTH) as decoder:
        assert decoder.uses_proxy == (proxy is not None)
        for t in times:
            start = time.perf_counter()
            frame = decoder.frame_at(t)
            latencies.append(time.perf_counter() - start)
            expected = min(int(t * FPS + 1e-6), CLIP_SECONDS * FPS - 1)
            assert read_frame_index(frame.image) == expected, (t, frame.index)
    return latencies


def ffmpeg_thumbnails(path: Path, times: list[float]) -> tuple[float, list[np.ndarray]]:
    """The ffmpeg CLI doing the same in one pass: the exact frames at `times`, 160 px wide,
    as raw RGB on a pipe (no image encoding on either side)."""
    frames = [int(t * FPS) for t in times]
    select = "+".join(f"eq(n\\,{n})" for n in frames)
    height = round(1080 * THUMB_WIDTH / 1920)
    command = [
        "ffmpeg", "-v", "error", "-i", str(path), "-an",
        "-vf", f"select='{select}',scale={THUMB_WIDTH}:{height}:flags=area",
        "-vsync", "0", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
    ]  # fmt: skip
    start = time.perf_counter()
    data = subprocess.run(command, check=True, capture_output=True, timeout=300).stdout
    images = list(np.frombuffer(data, np.uint8).reshape(-1, height, THUMB_WIDTH, 3))
    return time.perf_counter() - start, images


def run() -> list[Result]:
    results: list[Result] = []
    clip = clip_1080p()

    # ---------------------------------------------------------------- P4 thumbnails
    # Runs alternate between the two sides so that load from other processes hits both alike.
    times = even_times(CLIP_SECONDS, THUMBS)
    expected = [int(t * FPS) for t in times]
    has_ffmpeg = shutil.which("ffmpeg") is not None
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(5):
        start = time.perf_counter()
        thumbs = thumbnails(clip, times=times, width=THUMB_WIDTH)
        ours.append(time.perf_counter() - start)
        assert [read_frame_index(t.image) for t in thumbs] == expected
        if has_ffmpeg:
            seconds, images = ffmpeg_thumbnails(clip, times)
            theirs.append(seconds)
            assert [read_frame_index(i) for i in images] == expected
    ours_s = float(np.median(ours))
    results.append(info("P4 thumbnails x20 1080p (ltxstudio)", ours_s * 1000, "ms"))
    if has_ffmpeg:
        theirs_s = float(np.median(theirs))
        results.append(
            info("P4 thumbnails x20 1080p (ffmpeg CLI, one pass)", theirs_s * 1000, "ms")
        )
        results.append(
            at_most(
                "P4 thumbnails ltxstudio/ffmpeg",
                ours_s / theirs_s,
                "ratio",
                0.5,
                note="20 exact frames at 160 px of a 20 s 1080p24 H.264 clip (GOP 48), "
                "median of 5 alternating runs",
            )
        )
    else:
        results.append(info("P4 ffmpeg baseline skipped: ffmpeg CLI not installed", 0, "-"))

    # ---------------------------------------------------------------- P3 scrub
    trace = drag_trace()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        proxy = build_proxy(clip, Path(tmp))
        results.append(
            info("P3 proxy build 20 s 1080p -> 480 px all-intra", time.perf_counter() - start, "s")
        )
        raw = raw_pyav_latencies(clip, trace)
        master = scrub_latencies(clip, trace, None)
        via_proxy = scrub_latencies(clip, trace, proxy)
    for label, values in (("raw PyAV seek", raw), ("master", master), ("proxy", via_proxy)):
        ms = [v * 1000 for v in values]
        results.append(info(f"P3 scrub p50 ({label})", percentile(ms, 50), "ms"))
        if label == "proxy":
            results.append(
                at_most(
                    "P3 scrub p95 (proxy)",
                    percentile(ms, 95),
                    "ms",
                    33,
                    note="200-position drag trace, 480 px output, 20 s 1080p24 clip",
                )
            )
        else:
            results.append(info(f"P3 scrub p95 ({label})", percentile(ms, 95), "ms"))
    return results
