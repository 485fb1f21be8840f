"""Media fixtures made at test time with PyAV (nothing binary is committed).

Every video frame carries its own index as a 16-bit stripe code across the top of the picture
(white block = 1), big enough to survive lossy compression, so a test can decode any frame and
ask which one it is: `read_frame_index(rgb)`. That is how frame-exactness is asserted without
trusting timestamps.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

BITS = 16

_CONTAINER_BY_SUFFIX = {
    ".mp4": "mp4",
    ".mov": "mov",
    ".mkv": "matroska",
    ".webm": "webm",
    ".m4a": "mp4",
    ".wav": "wav",
    ".mp3": "mp3",
    ".ogg": "ogg",
    ".flac": "flac",
}


def frame_picture(index: int, width: int, height: int, pattern: str = "gradient") -> np.ndarray:
    """An RGB frame whose top band encodes `index`; the rest is a moving pattern."""
    y, x = np.mgrid[0:height, 0:width]
    if pattern == "noise":
        rng = np.random.default_rng(index)
        rgb = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    else:
        r = (x * 255 // max(1, width - 1) + index * 3) % 256
        g = (y * 255 // max(1, height - 1)) % 256
        b = np.full_like(x, (index * 7) % 256)
        rgb = np.stack([r, g, b], axis=-1).astype(np.uint8)
    band = max(8, height // 8)
    block = width // BITS
    rgb[:band] = 0
    for bit in range(BITS):
        if index >> bit & 1:
            rgb[:band, bit * block : (bit + 1) * block] = 255
    return rgb


def read_frame_index(rgb: np.ndarray) -> int:
    """Decode the stripe code that `frame_picture` drew (any frame size)."""
    height, width = rgb.shape[:2]
    band = max(8, height // 8)
    block = width // BITS
    luma = rgb[: band // 2 + 1, :, :3].mean(axis=2)
    index = 0
    for bit in range(BITS):
        centre = luma[:, bit * block + block // 4 : (bit + 1) * block - block // 4]
        if centre.mean() > 127:
            index |= 1 << bit
    return index


def make_video(
    path: Path,
    *,
    width: int = 320,
    height: int = 180,
    fps: int | Fraction = 24,
    seconds: float = 2.0,
    codec: str = "libx264",
    pix_fmt: str = "yuv420p",
    audio: str | None = "aac",
    sample_rate: int = 48_000,
    channels: int = 2,
    pattern: str = "gradient",
    gop: int | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """Write a clip of `seconds` at `fps`; frame n shows index n (see module docstring)."""
    frames = round(seconds * fps)
    with av.open(str(path), "w", format=_CONTAINER_BY_SUFFIX.get(path.suffix)) as out:
        stream = out.add_stream(codec, rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        opts = {"preset": "ultrafast"} if codec in ("libx264", "libx265") else {}
        if codec == "libx265":
            opts["x265-params"] = "log-level=error"
        stream.options = {**opts, **(options or {})}
        if gop:
            stream.codec_context.gop_size = gop
        astream = _add_audio(out, audio, sample_rate, channels) if audio else None
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(frame_picture(i, width, height, pattern), "rgb24")
            frame.pts = i
            frame.time_base = Fraction(1) / Fraction(fps)
            out.mux(stream.encode(frame.reformat(format=pix_fmt)))
        out.mux(stream.encode())
        if astream is not None:
            _write_tone(out, astream, seconds, sample_rate, channels)
    return path


def make_audio(
    path: Path,
    *,
    seconds: float = 3.0,
    codec: str = "aac",
    sample_rate: int = 48_000,
    channels: int = 2,
    frequency: float = 440.0,
) -> Path:
    """Write a sine tone; the container follows the suffix (.m4a, .wav, .mp3, .ogg, .flac)."""
    with av.open(str(path), "w", format=_CONTAINER_BY_SUFFIX.get(path.suffix)) as out:
        stream = _add_audio(out, codec, sample_rate, channels)
        _write_tone(out, stream, seconds, sample_rate, channels, frequency)
    return path


def make_image(path: Path, *, width: int = 640, height: int = 360, index: int = 0) -> Path:
    """Write a still (PNG/JPEG/WEBP/BMP… by suffix) showing frame code `index`."""
    Image.fromarray(frame_picture(index, width, height)).save(path)
    return path


def _add_audio(
    out: av.container.OutputContainer, codec: str, rate: int, channels: int
) -> av.audio.stream.AudioStream:
    stream = out.add_stream(codec, rate=rate)
    stream.layout = "stereo" if channels == 2 else "mono"
    return stream


def _write_tone(
    out: av.container.OutputContainer,
    stream: av.audio.stream.AudioStream,
    seconds: float,
    rate: int,
    channels: int,
    frequency: float = 440.0,
) -> None:
    total = round(seconds * rate)
    fmt = stream.codec_context.format or av.AudioFormat("fltp")
    chunk = stream.codec_context.frame_size or 1024
    t0 = 0
    while t0 < total:
        n = min(chunk, total - t0)
        t = (np.arange(t0, t0 + n) / rate).astype(np.float32)
        mono = (0.5 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
        planes = np.tile(mono, (channels, 1))
        frame = av.AudioFrame.from_ndarray(planes, format="fltp", layout=stream.layout.name)
        frame.sample_rate = rate
        frame.pts = t0
        if fmt.name != "fltp":
            for converted in av.AudioResampler(
                format=fmt.name, layout=stream.layout.name, rate=rate
            ).resample(frame):
                out.mux(stream.encode(converted))
        else:
            out.mux(stream.encode(frame))
        t0 += n
    out.mux(stream.encode())
