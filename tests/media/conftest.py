"""The media matrix: files generated once per test session, on first use, with PyAV (and
Pillow for stills). Nothing binary is committed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from tests.support.media_factory import (
    make_audio,
    make_he_aac,
    make_image,
    make_rotated_video,
    make_sized_video,
    make_stereo,
    make_vfr_video,
    make_video,
)

#: A variable-rate clip with B-frames and some 300 ms frames: a skipped (unreferenced) frame can
#: then be the one a time falls in.
VFR_B_DURATIONS = [
    40,
    40,
    300,
    40,
    40,
    40,
    300,
    40,
    40,
    300,
    40,
    40,
    40,
    300,
    40,
    40,
    40,
    40,
    300,
    40,
    40,
    300,
    40,
    40,
] * 2

#: Frame durations (ms) of the VFR case: 24 distinct frames, 0.96 s, intervals 20-100 ms.
VFR_DURATIONS = [
    40,
    40,
    20,
    60,
    40,
    100,
    40,
    40,
    33,
    33,
    34,
    33,
    20,
    20,
    80,
    40,
    40,
    60,
    30,
    30,
    40,
    40,
    60,
    40,
]


def _faststart_truncated(path: Path) -> Path:
    """An MP4 with its index at the front, cut to 60 %: it opens, but the index points past
    the end (an interrupted download)."""
    full = path.with_name("faststart-full.mp4")
    make_video(full, seconds=1, audio=None)
    with (
        av.open(str(full)) as src,
        av.open(str(path), "w", options={"movflags": "+faststart"}) as out,
    ):
        stream = out.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is None:
                continue
            packet.stream = stream
            out.mux(packet)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 6 // 10])
    return path


def _truncated_mp4(path: Path) -> Path:
    """An MP4 cut to half: its index (moov, written last) is gone."""
    make_video(path, seconds=1)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _garbage(path: Path) -> Path:
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    return path


def _text(path: Path) -> Path:
    path.write_text("This is a shopping list, not a picture.\n" * 20)
    return path


def _damaged_png(path: Path) -> Path:
    make_image(path.with_name("whole.png"), width=320, height=180)
    data = path.with_name("whole.png").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _animated_gif(path: Path) -> Path:
    frames = [Image.new("RGB", (64, 36), (i * 40, 0, 0)) for i in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    return path


def _noise_png(path: Path) -> Path:
    # 1400x1400 noise: ~5.9 MB as PNG, over the 7 MB data-URI cap once base64-encoded.
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 256, (1400, 1400, 3), dtype=np.uint8)).save(
        path, compress_level=1
    )
    return path


def _audio_only_mp4(path: Path) -> Path:
    return make_audio(path.with_suffix(".m4a"), seconds=3).rename(path)


BUILDERS: dict[str, Callable[[Path], Path]] = {
    # video codecs and containers
    "h264.mp4": lambda p: make_video(p, seconds=1),
    "h264-bframes.mp4": lambda p: make_video(
        p, seconds=2, gop=12, options={"preset": "fast", "bf": "3"}
    ),
    "h265.mp4": lambda p: make_video(p, seconds=1, codec="libx265", audio=None),
    "h264.mov": lambda p: make_video(p, seconds=1),
    "h264.mkv": lambda p: make_video(p, seconds=2, gop=10),
    "vp9.webm": lambda p: make_video(p, seconds=3.2, codec="libvpx-vp9", audio="libopus", gop=24),
    "av1.mkv": lambda p: make_video(
        p, seconds=3.2, codec="libsvtav1", audio=None, options={"preset": "11"}
    ),
    "prores.mov": lambda p: make_video(
        p, seconds=3.2, codec="prores_ks", pix_fmt="yuv422p10le", audio="pcm_s16le"
    ),
    "ntsc.mp4": lambda p: make_video(p, seconds=1, fps=Fraction(30000, 1001), audio=None),
    "vfr.mkv": lambda p: make_vfr_video(p, durations_ms=VFR_DURATIONS),
    "vfr-bframes.mkv": lambda p: make_vfr_video(
        p,
        durations_ms=VFR_B_DURATIONS,
        options={"preset": "fast", "bf": "3", "x264-params": "keyint=48"},
    ),
    "bframes-gop48.mp4": lambda p: make_video(
        p, seconds=2, gop=48, audio=None, options={"preset": "fast", "bf": "3"}
    ),
    "rot90.mp4": lambda p: make_rotated_video(p, rotation=90),
    "rot270.mp4": lambda p: make_rotated_video(p, rotation=270),
    "portrait.mp4": lambda p: make_video(p, width=180, height=320, seconds=1),
    "silent.mp4": lambda p: make_video(p, seconds=1, audio=None),
    "73frames.mp4": lambda p: make_video(p, seconds=73 / 24, width=160, height=90, audio=None),
    "72frames.mp4": lambda p: make_video(p, seconds=72 / 24, width=160, height=90, audio=None),
    "4x3-3s.mp4": lambda p: make_video(p, width=240, height=180, seconds=3.2),
    "4x3-3s.webm": lambda p: make_video(
        p, width=240, height=180, seconds=3.2, codec="libvpx-vp9", audio="libopus"
    ),
    "hdr-190.mp4": lambda p: make_video(p, width=160, height=90, seconds=190 / 24, audio=None),
    "720p.mp4": lambda p: make_sized_video(p, width=1280, height=720),
    "1080p.mp4": lambda p: make_sized_video(p, width=1920, height=1080),
    "4k.mp4": lambda p: make_sized_video(p, width=3840, height=2160, frames=2),
    "5k.mp4": lambda p: make_sized_video(p, width=4096, height=2160, frames=2),
    # audio
    "aac-lc.m4a": lambda p: make_audio(p, seconds=3),
    "aac-mono.m4a": lambda p: make_audio(p, seconds=3, channels=1),
    "he-aac.m4a": lambda p: make_he_aac(p, seconds=3),
    "he-aac-v2.m4a": lambda p: make_he_aac(p, seconds=3, ps=True),
    "pcm.wav": lambda p: make_audio(p, seconds=3, codec="pcm_s16le"),
    "mp3.mp3": lambda p: make_audio(p, seconds=3, codec="libmp3lame"),
    "opus.ogg": lambda p: make_audio(p, seconds=3, codec="libopus"),
    "flac.flac": lambda p: make_audio(p, seconds=3, codec="flac"),
    "opus.mkv": lambda p: _remux_to_mkv(
        make_audio(p.with_name("o.ogg"), seconds=3, codec="libopus"), p
    ),
    "short.m4a": lambda p: make_audio(p, seconds=1.4),
    "long.mp3": lambda p: make_audio(p, seconds=23, codec="libmp3lame", channels=1),
    "14s.m4a": lambda p: make_audio(p, seconds=14, channels=1),
    "audio-only.mp4": _audio_only_mp4,
    "stereo-same.wav": lambda p: make_stereo(p, left=0.8, right=0.8),
    "stereo-opposite.wav": lambda p: make_stereo(p, left=0.8, right=-0.8),
    # stills
    "still.png": lambda p: make_image(p, width=320, height=180),
    "still.jpg": lambda p: make_image(p, width=320, height=180),
    "still.webp": lambda p: make_image(p, width=320, height=180),
    "still.bmp": lambda p: make_image(p, width=320, height=180),
    "still.tiff": lambda p: make_image(p, width=320, height=180),
    "animated.gif": _animated_gif,
    "noise.png": _noise_png,
    # broken
    "zero.mp4": lambda p: (p.write_bytes(b""), p)[1],
    "text.png": _text,
    "garbage.mkv": _garbage,
    "truncated.mp4": _truncated_mp4,
    "truncated-faststart.mp4": _faststart_truncated,
    "damaged.png": _damaged_png,
}


def _remux_to_mkv(ogg: Path, path: Path) -> Path:
    """Opus audio alone in a Matroska file: an audio container the API does not list."""
    with av.open(str(ogg)) as src, av.open(str(path), "w", format="matroska") as out:
        stream = out.add_stream_from_template(src.streams.audio[0])
        for packet in src.demux(src.streams.audio[0]):
            if packet.dts is None:
                continue
            packet.stream = stream
            out.mux(packet)
    return path


class Matrix:
    """`matrix["vp9.webm"]` builds the case on first use and returns its path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[str, Path] = {}

    def __getitem__(self, name: str) -> Path:
        if name not in self._built:
            case_dir = self.root / name.replace(".", "_")
            case_dir.mkdir()
            path = BUILDERS[name](case_dir / name)
            assert path.exists(), name
            self._built[name] = path
        return self._built[name]


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    return Matrix(tmp_path_factory.mktemp("media-matrix"))


def digest(path: Path) -> tuple[str, int]:
    """Content hash and mtime: what "the original was not touched" compares."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
