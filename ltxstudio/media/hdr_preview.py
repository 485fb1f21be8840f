"""A watchable SDR preview of an HDR result: LTX's HDR endpoint returns a ZIP of linear-light EXR
frames (contract §3), which no player shows. Each frame is tone-mapped (extended Reinhard on
luminance, so colours keep their ratios and highlights roll off instead of clipping), encoded
with the sRGB curve to 8 bits and written as an H.264 MP4 at the input's rate.

Synchronous and blocking: the session runs it in a worker thread when it files an HDR take.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ltxstudio.core.fsutil import atomic_writer
from ltxstudio.media.errors import CancelToken, MediaError

#: Linear value mapped to white: brighter highlights roll off towards it (extended Reinhard).
WHITE_POINT = 4.0
_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)  # Rec. 709 / sRGB primaries


@dataclass(frozen=True)
class HdrPreview:
    frames: int
    width: int
    height: int


def tone_map(linear: np.ndarray) -> np.ndarray:
    """Float RGB (H, W, 3, linear light) → uint8 sRGB."""
    rgb = np.nan_to_num(np.maximum(linear, 0.0), posinf=WHITE_POINT)
    luma = rgb @ _LUMA
    mapped = luma * (1.0 + luma / (WHITE_POINT * WHITE_POINT)) / (1.0 + luma)
    scale = np.divide(mapped, luma, out=np.zeros_like(luma), where=luma > 0)
    out = np.clip(rgb * scale[..., None], 0.0, 1.0)
    srgb = np.where(out <= 0.0031308, out * 12.92, 1.055 * np.power(out, 1 / 2.4) - 0.055)
    encoded: np.ndarray = (srgb * 255.0 + 0.5).astype(np.uint8)
    return encoded


def exr_names(archive: zipfile.ZipFile) -> list[str]:
    return sorted(n for n in archive.namelist() if n.lower().endswith(".exr"))


def exr_frame_count(frames_zip: Path) -> int:
    """How many EXR frames the ZIP holds (its directory only: no frame is read)."""
    try:
        with zipfile.ZipFile(frames_zip) as archive:
            return len(exr_names(archive))
    except (OSError, zipfile.BadZipFile) as exc:
        raise MediaError("bad_exr_zip", f"{frames_zip.name} is not a ZIP of EXR frames") from exc


def _decode(payload: bytes, name: str) -> np.ndarray:
    codec = av.CodecContext.create("exr", "r")
    frames = [*codec.decode(av.Packet(payload)), *codec.decode(None)]
    if not frames:
        raise MediaError("bad_exr", f"{name} is not a readable EXR frame")
    return _linear_rgb(frames[0], name)


def _linear_rgb(frame: av.VideoFrame, name: str) -> np.ndarray:
    """The frame's planar float G, B, R(, A) planes as one float32 RGB array (PyAV cannot
    convert half-float planar frames itself)."""
    pixel = frame.format.name
    if not pixel.startswith(("gbrpf", "gbrapf")) or not pixel.endswith("le"):
        raise MediaError("bad_exr", f"{name}: unexpected pixel format {pixel}")
    dtype = np.dtype(np.float16 if "f16" in pixel else np.float32)
    planes = []
    for plane in frame.planes[:3]:
        rows = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(-1, plane.line_size)
        planes.append(rows[: frame.height, : frame.width * dtype.itemsize].view(dtype))
    green, blue, red = planes
    return np.stack([red, green, blue], axis=-1).astype(np.float32)


def hdr_preview(
    frames_zip: Path, out: Path, fps: Fraction, cancel: CancelToken | None = None
) -> HdrPreview:
    """Write the SDR preview of `frames_zip` to `out` (atomically); raises MediaError for a ZIP
    without readable EXR frames and `Cancelled` when `cancel` is set."""
    try:
        archive = zipfile.ZipFile(frames_zip)
    except (OSError, zipfile.BadZipFile) as exc:
        raise MediaError("bad_exr_zip", f"{frames_zip.name} is not a ZIP of EXR frames") from exc
    with archive:
        names = exr_names(archive)
        if not names:
            raise MediaError("bad_exr_zip", f"{frames_zip.name} holds no EXR frames")
        with atomic_writer(out) as sink:
            container = av.open(sink, "w", format="mp4")
            stream = None
            for index, name in enumerate(names):
                if cancel is not None:
                    cancel.check()
                rgb = tone_map(_decode(archive.read(name), name))
                height, width = rgb.shape[0] // 2 * 2, rgb.shape[1] // 2 * 2  # yuv420p: even
                if stream is None:
                    stream = container.add_stream("libx264", rate=fps)
                    stream.width, stream.height = width, height
                    stream.pix_fmt = "yuv420p"
                    stream.options = {"preset": "veryfast", "crf": "18"}
                    size = (width, height)
                picture = av.VideoFrame.from_ndarray(
                    np.ascontiguousarray(rgb[:height, :width]), format="rgb24"
                )
                picture.pts = index
                container.mux(stream.encode(picture))
            assert stream is not None
            container.mux(stream.encode(None))
            container.close()
    return HdrPreview(len(names), *size)
