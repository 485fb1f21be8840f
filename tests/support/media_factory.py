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


# --------------------------------------------------------------------------- added for tests/media


def make_sized_video(
    path: Path,
    *,
    width: int,
    height: int,
    frames: int = 3,
    fps: int = 24,
    codec: str = "libx264",
) -> Path:
    """A few frames at a large size, cheaply (one picture reused): for probe-only cases such as
    4K. Frame codes are NOT per frame here."""
    picture = av.VideoFrame.from_ndarray(_flat_picture(width, height), "rgb24").reformat(
        format="yuv420p"
    )
    with av.open(str(path), "w", format=_CONTAINER_BY_SUFFIX.get(path.suffix)) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        if codec == "libx265":
            stream.options = {"preset": "ultrafast", "x265-params": "log-level=error"}
        for i in range(frames):
            picture.pts = i
            picture.time_base = Fraction(1, fps)
            out.mux(stream.encode(picture))
        out.mux(stream.encode())
    return path


def _flat_picture(width: int, height: int) -> np.ndarray:
    rgb = np.full((height, width, 3), 96, np.uint8)
    rgb[: max(8, height // 8), : width // 2] = 255
    return rgb


def make_vfr_video(
    path: Path,
    *,
    durations_ms: list[int],
    width: int = 320,
    height: int = 180,
    options: dict[str, str] | None = None,
) -> Path:
    """Variable frame rate: frame n lasts `durations_ms[n]` ms (time base 1/1000) and shows n."""
    with av.open(str(path), "w", format=_CONTAINER_BY_SUFFIX.get(path.suffix)) as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", **(options or {})}
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.time_base = Fraction(1, 1000)
        pts = 0
        for i, duration in enumerate(durations_ms):
            frame = av.VideoFrame.from_ndarray(frame_picture(i, width, height), "rgb24")
            frame = frame.reformat(format="yuv420p")
            frame.pts = pts
            frame.time_base = Fraction(1, 1000)
            out.mux(stream.encode(frame))
            pts += duration
        out.mux(stream.encode())
    return path


def make_rotated_video(path: Path, *, rotation: int, seconds: float = 1.0) -> Path:
    """A 320x180 clip whose container says: rotate `rotation` degrees counter-clockwise."""
    fps = 24
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        stream.set_display_rotation(rotation)
        for i in range(round(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(frame_picture(i, 320, 180), "rgb24")
            frame = frame.reformat(format="yuv420p")
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


def make_stereo(
    path: Path,
    *,
    left: float,
    right: float,
    seconds: float = 1.0,
    rate: int = 48_000,
    frequency: float = 100.0,
) -> Path:
    """A float WAV whose channels are `left * sine` and `right * sine` (exact samples)."""
    t = np.arange(round(seconds * rate)) / rate
    sine = np.sin(2 * np.pi * frequency * t).astype(np.float32)
    planes = np.stack([left * sine, right * sine]).astype(np.float32)
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_f32le", rate=rate)
        stream.layout = "stereo"
        chunk = 4096
        for start in range(0, planes.shape[1], chunk):
            part = np.ascontiguousarray(planes[:, start : start + chunk])
            frame = av.AudioFrame.from_ndarray(part, format="fltp", layout="stereo")
            frame.sample_rate = rate
            frame.pts = start
            for converted in av.AudioResampler(format="flt", layout="stereo", rate=rate).resample(
                frame
            ):
                out.mux(stream.encode(converted))
        out.mux(stream.encode())
    return path


#: MPEG-4 sampling frequency indices (ISO/IEC 14496-3 Table 1.18).
_RATE_INDEX = {48000: 3, 44100: 4, 32000: 5, 24000: 6, 22050: 7, 16000: 8}


def he_aac_config(core_rate: int, channels: int, *, ps: bool = False) -> bytes:
    """An explicit-signalling HE-AAC (v2 with `ps`) AudioSpecificConfig: object type 5 (29),
    core rate, channels, output rate = 2 x core, then the AAC-LC core (object type 2)."""
    fields = [
        (29 if ps else 5, 5),
        (_RATE_INDEX[core_rate], 4),
        (channels, 4),
        (_RATE_INDEX[core_rate * 2], 4),
        (2, 5),
        (0, 3),  # GASpecificConfig: 1024-sample frames, no core coder, no extension
    ]
    bits = "".join(format(value, f"0{width}b") for value, width in fields)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def make_he_aac(path: Path, *, seconds: float = 3.0, ps: bool = False) -> Path:
    """An .m4a whose AudioSpecificConfig signals HE-AAC (SBR; with `ps`, HE-AACv2).

    Neither PyAV nor Debian's ffmpeg has an HE-AAC encoder (no libfdk_aac). This writes an
    AAC-LC core at 24 kHz and rewrites the track's config to announce SBR at 48 kHz (explicit
    hierarchical signalling, as HE-AAC encoders write it). Decoders then run their SBR stage and
    output 48 kHz. The payload has no SBR extension data, so FFmpeg's decoder keeps saying "LC";
    what marks the file HE-AAC is its config, which is also what a server's check would read.
    """
    core = path.with_name(path.stem + ".core.m4a")
    make_audio(core, seconds=seconds, sample_rate=24_000, channels=2 if ps else 1)
    try:
        with av.open(str(core)) as src, av.open(str(path), "w", format="mp4") as out:
            audio = src.streams.audio[0]
            stream = out.add_stream_from_template(audio)
            stream.codec_context.extradata = he_aac_config(24_000, 1, ps=ps)
            for packet in src.demux(audio):
                if packet.dts is None:
                    continue
                packet.stream = stream
                out.mux(packet)
    finally:
        core.unlink(missing_ok=True)
    return path
