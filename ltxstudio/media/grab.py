"""One exact frame, full size or scaled, as an array or saved as a still (PNG/JPEG/WEBP) — for
"use this frame as the image-to-video start frame"."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from ltxstudio.media.cache import atomic_create
from ltxstudio.media.frames import RGB, to_rgb
from ltxstudio.media.reader import FrameReader

_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


def frame_at(path: Path | str, seconds: float, *, width: int | None = None) -> RGB:
    """The upright frame shown at `seconds`, `width` px wide (None: display size)."""
    with FrameReader(path) as reader:
        frame, _ = reader.frame_at(seconds)
        return to_rgb(frame, width, reader.sar)


def grab_frame(
    path: Path | str, seconds: float, out_path: Path | str, *, quality: int = 95
) -> Path:
    """Save the frame at `seconds` to `out_path` (format by suffix: .png, .jpg/.jpeg, .webp)."""
    out = Path(out_path)
    fmt = _FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ValueError(f"save a frame as .png, .jpg or .webp, not {out.suffix or 'no suffix'}")
    if out.exists() and out.resolve() == Path(path).resolve():
        raise ValueError("a grabbed frame never overwrites its source video")
    image = Image.fromarray(frame_at(path, seconds), "RGB")
    options = {"quality": quality} if fmt in ("JPEG", "WEBP") else {}
    atomic_create(out, lambda tmp: image.save(tmp, format=fmt, **options))
    return out
