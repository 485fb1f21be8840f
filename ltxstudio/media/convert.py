"""One-click conversions (`Fix`es) that turn a rejected file into one the API takes.

Every conversion writes a new file in the directory the caller names and returns its path; the
original is never opened for writing. Fixes of one medium merge into a single pass (a VP9 WebM
at 4:3 for extend becomes one H.264 encode padded to 16:9), so quality is lost at most once.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ltxstudio.media.cache import atomic_create
from ltxstudio.media.errors import CancelToken, MediaError, check_cancel
from ltxstudio.media.frames import RGB, open_video, stream_sar, to_rgb
from ltxstudio.media.info import MediaKind
from ltxstudio.media.problems import Aspect, Fix, FixKind

#: Sample rates the AAC encoder takes; others are resampled to 48 kHz.
_AAC_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
_AAC_FRAME = 1024


def convert(
    source: Path | str,
    fixes: Sequence[Fix],
    out_dir: Path | str,
    *,
    cancel: CancelToken | None = None,
) -> Path:
    """Apply `fixes` (all for one medium) to `source`; returns the new file in `out_dir`."""
    src = Path(source)
    if not fixes:
        raise ValueError("no fix to apply")
    kinds = {f.kind.kind for f in fixes}
    if len(kinds) != 1:
        raise ValueError(f"fixes for different media cannot be merged: {sorted(kinds)}")
    kind = kinds.pop()
    directory = Path(out_dir)
    match kind:
        case MediaKind.AUDIO:
            limits = [f.max_seconds for f in fixes if f.max_seconds is not None]
            dst = _new_path(src, directory, ".m4a")
            return atomic_create(
                dst, lambda tmp: _to_aac(src, tmp, min(limits) if limits else None, cancel)
            )
        case MediaKind.IMAGE:
            return _image(src, directory, fixes)
        case MediaKind.VIDEO:
            plan = VideoPlan.merge(fixes)
            dst = _new_path(src, directory, ".mp4")
            return atomic_create(dst, lambda tmp: _transcode(src, tmp, plan, cancel))


def _new_path(src: Path, directory: Path, suffix: str) -> Path:
    """`<stem>-converted<suffix>` in `directory`, numbered so nothing is overwritten."""
    directory.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        tag = "converted" if n == 1 else f"converted-{n}"
        candidate = directory / f"{src.stem}-{tag}{suffix}"
        if not candidate.exists() and candidate.resolve() != src.resolve():
            return candidate
        n += 1


# ----------------------------------------------------------------------------- audio


def _to_aac(src: Path, dst: Path, max_seconds: float | None, cancel: CancelToken | None) -> None:
    try:
        inp = av.open(str(src), metadata_errors="ignore")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError("unreadable", f"{src.name} cannot be opened ({exc}).") from exc
    with inp, av.open(str(dst), "w", format="mp4") as out:
        if not inp.streams.audio:
            raise MediaError("wrong-kind", f"{src.name} has no audio to convert.")
        encoder = _AacWriter(out, inp.streams.audio[0], max_seconds)
        for n, frame in enumerate(inp.decode(inp.streams.audio[0])):
            if n % 32 == 0:
                check_cancel(cancel)
            if not encoder.write(frame):
                break
        encoder.close()


class _AacWriter:
    """Decoded audio in, AAC-LC out: resampled to planar float, mono or stereo, cut at a limit."""

    def __init__(self, out: Any, source: Any, max_seconds: float | None) -> None:
        ctx = source.codec_context
        rate = ctx.sample_rate if ctx.sample_rate in _AAC_RATES else 48000
        layout = "mono" if ctx.channels == 1 else "stereo"
        self.out = out
        self.rate = rate
        self.stream = out.add_stream("aac", rate=rate)
        self.stream.layout = layout
        self.stream.bit_rate = 96_000 if layout == "mono" else 192_000
        self.resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        self.fifo = av.AudioFifo()
        self.limit = None if max_seconds is None else math.floor(max_seconds * rate)
        self.taken = 0
        self.pts = 0

    def write(self, frame: Any) -> bool:
        """Queue one decoded frame; False once the limit is reached."""
        return all(self._queue(converted) for converted in self.resampler.resample(frame))

    def _queue(self, frame: Any) -> bool:
        if self.limit is not None:
            room = self.limit - self.taken
            if room <= 0:
                return False
            if frame.samples > room:
                planes = frame.to_ndarray()[:, :room]
                cut = av.AudioFrame.from_ndarray(
                    np.ascontiguousarray(planes), format="fltp", layout=frame.layout.name
                )
                cut.sample_rate = frame.sample_rate
                frame = cut
        frame.pts = None
        self.fifo.write(frame)
        self.taken += frame.samples
        self._drain(_AAC_FRAME)
        return self.limit is None or self.taken < self.limit

    def _drain(self, size: int) -> None:
        while self.fifo.samples >= size:
            chunk = self.fifo.read(size)
            self._encode(chunk)

    def _encode(self, chunk: Any) -> None:
        chunk.pts = self.pts
        chunk.time_base = Fraction(1, self.rate)
        self.pts += chunk.samples
        self.out.mux(self.stream.encode(chunk))

    def close(self) -> None:
        for converted in self.resampler.resample(None):
            self._queue(converted)
        if self.fifo.samples:
            self._encode(self.fifo.read())
        self.out.mux(self.stream.encode(None))


# ----------------------------------------------------------------------------- images


def _load_image(src: Path) -> Image.Image:
    """The picture upright (EXIF orientation applied), first frame of an animation."""
    try:
        with Image.open(src) as im:
            im.seek(0)
            upright = ImageOps.exif_transpose(im)
            upright.load()
            return upright
    except (UnidentifiedImageError, OSError, ValueError):
        pass
    # Formats only FFmpeg reads: decode one picture with PyAV.
    try:
        with av.open(str(src), metadata_errors="ignore") as container:
            frame = next(container.decode(video=0))
            return Image.fromarray(to_rgb(frame), "RGB")
    except (av.FFmpegError, StopIteration, OSError, ValueError) as exc:
        raise MediaError("unreadable", f"{src.name} cannot be read as an image ({exc}).") from exc


def _png_ready(im: Image.Image) -> Image.Image:
    if im.mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        return im
    has_alpha = "A" in im.getbands() or "transparency" in im.info
    return im.convert("RGBA" if has_alpha else "RGB")


def _encode_image(im: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    match fmt:
        case "PNG":
            _png_ready(im).save(buffer, format="PNG")
        case "JPEG":
            im.convert("RGB").save(buffer, format="JPEG", quality=90)
        case "WEBP":
            im.save(buffer, format="WEBP", quality=90)
        case _:
            raise AssertionError(fmt)
    return buffer.getvalue()


def _image(src: Path, directory: Path, fixes: Sequence[Fix]) -> Path:
    im = _load_image(src)
    current = _pillow_format(src)
    to_png = any(f.kind is FixKind.IMAGE_TO_PNG for f in fixes)
    fmt = "PNG" if to_png or current not in ("PNG", "JPEG", "MPO", "WEBP") else current
    fmt = "JPEG" if fmt == "MPO" else fmt
    limits = [f.max_bytes for f in fixes if f.max_bytes is not None]
    data = _encode_image(im, fmt)
    if limits:
        data = _shrink(im, fmt, data, min(limits))
    suffix = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}[fmt]
    dst = _new_path(src, directory, suffix)
    return atomic_create(dst, lambda tmp: tmp.write_bytes(data))


def _shrink(im: Image.Image, fmt: str, data: bytes, max_bytes: int) -> bytes:
    """Scale down until the encoded image fits `max_bytes` (size ~ pixels, so sqrt steps)."""
    scale = 1.0
    for _ in range(16):
        if len(data) <= max_bytes:
            return data
        scale *= min(0.9, math.sqrt(max_bytes / len(data)) * 0.95)
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        data = _encode_image(im.resize(size, Image.Resampling.LANCZOS), fmt)
    if len(data) <= max_bytes:
        return data
    raise MediaError("too-many-bytes", f"the image cannot be made smaller than {max_bytes} bytes.")


def _pillow_format(src: Path) -> str:
    """Pillow's name for the file's format, "" when Pillow cannot read it."""
    try:
        with Image.open(src) as im:
            return (im.format or "").upper()
    except (UnidentifiedImageError, OSError, ValueError):
        return ""


# ----------------------------------------------------------------------------- video


@dataclass(frozen=True)
class VideoPlan:
    """What a video conversion does, merged from its fixes."""

    max_size: tuple[int, int] | None = None  # (long side, short side)
    aspect: Aspect | None = None
    crop: bool = False  # with `aspect`: crop (True) or pad (False)
    max_frames: int | None = None

    @classmethod
    def merge(cls, fixes: Sequence[Fix]) -> VideoPlan:
        sizes = [f.max_size for f in fixes if f.max_size is not None]
        frames = [f.max_frames for f in fixes if f.max_frames is not None]
        shaped = [f for f in fixes if f.kind in (FixKind.VIDEO_PAD, FixKind.VIDEO_CROP)]
        if len({(f.kind, f.aspect) for f in shaped}) > 1:
            raise ValueError("pick one of pad or crop, for one aspect")
        box = None
        if sizes:
            box = (min(s[0] for s in sizes), min(s[1] for s in sizes))
        return cls(
            max_size=box,
            aspect=shaped[0].aspect if shaped else None,
            crop=bool(shaped) and shaped[0].kind is FixKind.VIDEO_CROP,
            max_frames=min(frames) if frames else None,
        )

    def geometry(self, width: int, height: int) -> Geometry:
        """Where a `width`x`height` upright picture goes in the output frame."""
        w, h = float(width), float(height)
        if self.max_size is not None:
            long_side, short_side = self.max_size
            f = min(1.0, long_side / max(w, h), short_side / min(w, h))
            w, h = w * f, h * f
        if self.aspect is None:
            out_w, out_h = _even(w), _even(h)
            return Geometry(out_w, out_h, out_w, out_h, 0, 0)
        rw, rh = self.aspect.ratio
        # Multiples of (2*rw, 2*rh) are exactly 16:9 (or 9:16) and even, as yuv420p needs.
        if self.crop:
            k = max(1, math.floor(min(w / (2 * rw), h / (2 * rh))))
            out_w, out_h = 2 * rw * k, 2 * rh * k
            scale_w, scale_h = max(out_w, round(w)), max(out_h, round(h))
            return Geometry(
                out_w, out_h, scale_w, scale_h, (out_w - scale_w) // 2, (out_h - scale_h) // 2
            )
        k = max(1, math.ceil(max(w / (2 * rw), h / (2 * rh))))
        if self.max_size is not None:
            long_side, short_side = self.max_size
            box_w, box_h = (long_side, short_side) if rw >= rh else (short_side, long_side)
            k = max(1, min(k, math.floor(min(box_w / (2 * rw), box_h / (2 * rh)))))
        out_w, out_h = 2 * rw * k, 2 * rh * k
        f = min(1.0, out_w / w, out_h / h)
        scale_w, scale_h = min(out_w, round(w * f)), min(out_h, round(h * f))
        return Geometry(
            out_w, out_h, scale_w, scale_h, (out_w - scale_w) // 2, (out_h - scale_h) // 2
        )


@dataclass(frozen=True)
class Geometry:
    """Output frame size, the size the picture is scaled to, and where its corner lands (may be
    negative: a crop)."""

    width: int
    height: int
    scale_width: int
    scale_height: int
    x: int
    y: int

    def place(self, rgb: RGB) -> RGB:
        if rgb.shape[:2] != (self.scale_height, self.scale_width):
            rgb = np.asarray(
                Image.fromarray(rgb).resize(
                    (self.scale_width, self.scale_height), Image.Resampling.BILINEAR
                )
            )
        if (self.x, self.y, self.scale_width, self.scale_height) == (0, 0, self.width, self.height):
            return rgb
        canvas = np.zeros((self.height, self.width, 3), np.uint8)
        # Intersect the placed picture with the canvas: pads when x,y >= 0, crops when < 0.
        x0, y0 = max(0, self.x), max(0, self.y)
        x1 = min(self.width, self.x + self.scale_width)
        y1 = min(self.height, self.y + self.scale_height)
        canvas[y0:y1, x0:x1] = rgb[y0 - self.y : y1 - self.y, x0 - self.x : x1 - self.x]
        return canvas


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _upright_size(src: Path) -> tuple[int, int]:
    """The display size of the first frame (rotation and pixel aspect applied)."""
    with open_video(src) as (container, stream):
        sar = stream_sar(stream)
        for frame in container.decode(stream):
            h, w = to_rgb(frame, None, sar).shape[:2]
            return w, h
    raise MediaError("undecodable", f"{src.name}: no video frame could be decoded.")


def _transcode(src: Path, dst: Path, plan: VideoPlan, cancel: CancelToken | None) -> None:
    # Every output stream must exist before the first packet is muxed, so the geometry (which
    # needs the rotation, known only from a decoded frame) is settled first.
    geometry = plan.geometry(*_upright_size(src))
    with open_video(src) as (inp, vin), av.open(str(dst), "w", format="mp4") as out:
        rate = Fraction(vin.average_rate or vin.guessed_rate or 25).limit_denominator(1001)
        sar = stream_sar(vin)
        ain = inp.streams.audio[0] if inp.streams.audio else None
        vout = _video_stream(out, rate, geometry)
        max_seconds = None if plan.max_frames is None else float(plan.max_frames / rate)
        audio = _AacWriter(out, ain, max_seconds) if ain is not None else None
        written = 0
        video_done = False
        audio_done = audio is None
        for packet in inp.demux([vin] if ain is None else [vin, ain]):
            if video_done and audio_done:
                break
            try:
                frames = packet.decode()
            except av.InvalidDataError:
                continue
            for frame in frames:
                if packet.stream is vin and not video_done:
                    if written % 8 == 0:
                        check_cancel(cancel)
                    picture = av.VideoFrame.from_ndarray(
                        geometry.place(to_rgb(frame, None, sar)), "rgb24"
                    ).reformat(format="yuv420p")
                    picture.pts = written
                    picture.time_base = 1 / rate
                    out.mux(vout.encode(picture))
                    written += 1
                    video_done = plan.max_frames is not None and written >= plan.max_frames
                elif packet.stream is not vin and audio is not None and not audio_done:
                    audio_done = not audio.write(frame)
        out.mux(vout.encode(None))
        if audio is not None:
            audio.close()


def _video_stream(out: Any, rate: Fraction, geometry: Geometry) -> Any:
    stream = out.add_stream("libx264", rate=rate)
    stream.width, stream.height = geometry.width, geometry.height
    stream.pix_fmt = "yuv420p"
    stream.thread_type = "AUTO"
    stream.options = {"preset": "veryfast", "crf": "18", "x264-params": "log-level=error"}
    return stream
