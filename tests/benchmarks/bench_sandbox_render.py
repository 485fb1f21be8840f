"""Sandbox render speed: what a generation costs the machine, against the ffmpeg CLI encoding a
synthetic clip of the same size, rate and length (x264 ultrafast + AAC) in the same run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from tempfile import TemporaryDirectory

from ltxstudio.sandbox.render import RetakeSpec, SceneSpec, render
from tests.benchmarks.harness import Result, at_most, info, timed
from tests.support.media_factory import make_video

#: The sandbox draws a scene, a caption and a timecode per frame; ffmpeg only encodes testsrc2.
MAX_RATIO = 2.5


def _ffmpeg(width: int, height: int, seconds: int, out: Path) -> float:
    command = [
        "ffmpeg", "-v", "error", "-f", "lavfi",
        "-i", f"testsrc2=size={width}x{height}:rate=24:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-f", "mp4", "-y", str(out),
    ]  # fmt: skip
    return timed(lambda: subprocess.run(command, check=True), repeat=3)


def run() -> list[Result]:
    results: list[Result] = []
    with TemporaryDirectory() as tmp:
        for label, (w, h, seconds) in {
            "2 s 720p": (1280, 720, 2),
            "10 s 1080p": (1920, 1080, 10),
        }.items():
            spec = SceneSpec("a red kite over a beach", w, h, 24, seconds * 24, True)
            took = timed(lambda spec=spec: render(spec), repeat=3)
            results.append(info(f"sandbox t2v render {label}", took, "s"))
            if shutil.which("ffmpeg"):
                base = _ffmpeg(w, h, seconds, Path(tmp) / "base.mp4")
                results.append(info(f"ffmpeg CLI encode {label}", base, "s"))
                results.append(
                    at_most(f"sandbox/ffmpeg ratio {label}", took / base, "x", MAX_RATIO)
                )
        source = make_video(Path(tmp) / "in.mp4", seconds=4).read_bytes()
        retake = RetakeSpec(source, "a storm", 1.0, 3.0, "replace_audio_and_video", 1920, 1080)
        results.append(
            info("sandbox retake render 4 s -> 1080p", timed(lambda: render(retake)), "s")
        )
    return results
