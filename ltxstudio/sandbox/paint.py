"""Cheap pictures that reflect the request: a world seeded by the prompt (or made from the given
image), a camera that moves over it, the prompt as a caption and a running timecode.

Costs are paid once per clip where possible: the world, the blurred world, the caption overlay and
the timecode glyphs are built up front; per frame it is a slice (or one resize for zooms) and a
few small blits. The world is the picture padded by an eighth on every side, so every camera
motion starts exactly on the picture (image-to-video's first frame is the image).
"""

from __future__ import annotations

import hashlib
import io
import math
import textwrap
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from ltxstudio.core.timebase import timecode

_GLYPHS = "0123456789:"
_PAD = 0.125


def seed_of(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@dataclass(frozen=True)
class World:
    image: Image.Image  # padded picture, RGB
    pixels: np.ndarray  # the same as an array
    blurred: np.ndarray | None
    pad_x: int
    pad_y: int


def world_from_prompt(prompt: str, width: int, height: int) -> World:
    rng = np.random.default_rng(seed_of(prompt))
    pad_x, pad_y = round(width * _PAD), round(height * _PAD)
    w, h = width + 2 * pad_x, height + 2 * pad_y
    top, bottom = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    ramp = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    sky = (top * (1 - ramp) + bottom * ramp).astype(np.uint8)
    picture = Image.fromarray(np.broadcast_to(sky, (h, w, 3)).copy())
    draw = ImageDraw.Draw(picture)
    for _ in range(7):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.05, 0.2) * min(w, h)
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
        else:
            draw.rectangle((cx - r, cy - r / 2, cx + r, cy + r / 2), fill=colour)
    horizon = int(h * rng.uniform(0.55, 0.75))
    draw.rectangle((0, horizon, w, horizon + max(2, h // 60)), fill=(240, 240, 240))
    return _world(picture, pad_x, pad_y)


def world_from_image(data: bytes, width: int, height: int) -> World:
    with Image.open(io.BytesIO(data)) as img:
        fitted = ImageOps.fit(img.convert("RGB"), (width, height), Image.Resampling.BILINEAR)
    return world_from_array(np.asarray(fitted), width, height)


def world_from_array(rgb: np.ndarray, width: int, height: int) -> World:
    if rgb.shape[:2] != (height, width):
        fitted = ImageOps.fit(Image.fromarray(rgb), (width, height), Image.Resampling.BILINEAR)
        rgb = np.asarray(fitted)
    pad_x, pad_y = round(width * _PAD), round(height * _PAD)
    padded = np.pad(rgb, ((pad_y, pad_y), (pad_x, pad_x), (0, 0)), mode="reflect")
    return _world(Image.fromarray(padded), pad_x, pad_y)


def _world(picture: Image.Image, pad_x: int, pad_y: int) -> World:
    return World(picture, np.asarray(picture), None, pad_x, pad_y)


def with_blur(world: World) -> World:
    radius = max(2, world.image.width // 150)
    blurred = np.asarray(world.image.filter(ImageFilter.BoxBlur(radius)))
    return World(world.image, world.pixels, blurred, world.pad_x, world.pad_y)


def view(world: World, motion: str | None, progress: float, width: int, height: int) -> np.ndarray:
    """The camera's picture at `progress` (0 → 1) through the clip."""
    px, py = world.pad_x, world.pad_y
    p = min(1.0, max(0.0, progress))
    match motion:
        case "dolly_in":
            return _zoom(world, 1.0 - 0.2 * p, width, height)
        case "dolly_out":
            return _zoom(world, 1.0 + 2 * _PAD * p, width, height)
        case "dolly_left" | "dolly_right":
            sign = -1 if motion == "dolly_left" else 1
            return _crop(world.pixels, px + sign * round(px * p), py, width, height)
        case "jib_up" | "jib_down":
            sign = -1 if motion == "jib_up" else 1
            return _crop(world.pixels, px, py + sign * round(py * p), width, height)
        case "focus_shift":
            sharp = _crop(world.pixels, px, py, width, height).astype(np.float32)
            assert world.blurred is not None
            soft = _crop(world.blurred, px, py, width, height).astype(np.float32)
            return (sharp * (1 - p) + soft * p).astype(np.uint8)
        case _:
            return _crop(world.pixels, px, py, width, height)


def _crop(pixels: np.ndarray, x: int, y: int, width: int, height: int) -> np.ndarray:
    return pixels[y : y + height, x : x + width].copy()


def _zoom(world: World, scale: float, width: int, height: int) -> np.ndarray:
    """Field of view `scale` times the frame, centred (below 1 zooms in)."""
    cx, cy = world.image.width / 2, world.image.height / 2
    half_w, half_h = width * scale / 2, height * scale / 2
    box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    return np.array(world.image.resize((width, height), Image.Resampling.BILINEAR, box=box))


def blend(a: np.ndarray, b: np.ndarray, weight: float) -> np.ndarray:
    if weight <= 0:
        return a
    mixed = a.astype(np.float32) * (1 - weight) + b.astype(np.float32) * weight
    return mixed.astype(np.uint8)


class Overlay:
    """The prompt caption (bottom) and the running timecode (just above it, left), built once
    per clip. Both stay clear of the top edge, where input clips may carry frame codes."""

    def __init__(self, prompt: str, width: int, height: int, fps: float) -> None:
        self.fps = fps
        self._caption = _caption(prompt, width, height)
        self._glyphs, self._cell = _glyphs(max(9, height // 22))

    def apply(self, frame: np.ndarray, index: int) -> None:
        if self._caption is not None:
            top, alpha, colour = self._caption
            region = frame[top:].astype(np.float32)
            frame[top:] = (region * (1 - alpha) + colour).astype(np.uint8)
        self._timecode(frame, timecode(index, self.fps))

    def _timecode(self, frame: np.ndarray, text: str) -> None:
        cw, ch = self._cell
        margin = max(2, ch // 4)
        box_h, box_w = ch + 2 * margin, len(text) * cw + 2 * margin
        bottom = self._caption[0] if self._caption is not None else frame.shape[0]
        top = bottom - box_h
        if top < 0 or box_w > frame.shape[1]:
            return
        box = frame[top:bottom, :box_w]
        box[:] = 0
        for i, char in enumerate(text):
            x = margin + i * cw
            box[margin : margin + ch, x : x + cw][self._glyphs[char]] = 255


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _caption(prompt: str, width: int, height: int) -> tuple[int, np.ndarray, np.ndarray] | None:
    text = " ".join(prompt.split())
    if not text:
        return None
    size = max(9, height // 24)
    font = _font(size)
    chars = max(8, int(width / (size * 0.55)))
    lines = textwrap.wrap(text, chars, max_lines=2, placeholder=" …")
    band = (size + size // 3) * len(lines) + size // 2
    band = min(band, height // 3)
    picture = Image.new("L", (width, band), 0)
    draw = ImageDraw.Draw(picture)
    for i, line in enumerate(lines):
        draw.text((size // 2, size // 4 + i * (size + size // 3)), line, fill=255, font=font)
    text_mask = np.asarray(picture, dtype=np.float32)[:, :, None] / 255.0
    alpha = np.maximum(text_mask, 0.55).astype(np.float32)
    colour = (text_mask * 255.0).astype(np.float32) * np.ones(3, dtype=np.float32)
    return height - band, alpha, colour


def _glyphs(size: int) -> tuple[dict[str, np.ndarray], tuple[int, int]]:
    font = _font(size)
    cw = max(math.ceil(font.getlength(g)) for g in _GLYPHS) + 1
    ch = size + size // 4
    glyphs = {}
    for g in _GLYPHS:
        picture = Image.new("L", (cw, ch), 0)
        ImageDraw.Draw(picture).text((0, 0), g, fill=255, font=font)
        glyphs[g] = np.asarray(picture) > 127
    return glyphs, (cw, ch)


def draw_sprite(frame: np.ndarray, seed: int, progress: float) -> None:
    """A bright square crossing the frame: motion a viewer (and a test) can see."""
    height, width = frame.shape[:2]
    size = max(4, height // 10)
    x = int((0.1 + 0.8 * progress) * (width - size))
    y = int(height / 2 + math.sin(progress * 4 * math.pi) * height / 5 - size / 2)
    y = min(max(0, y), height - size)
    colour = np.array([(seed >> s) & 0xFF | 0x80 for s in (0, 8, 16)], dtype=np.uint8)
    frame[y : y + size, x : x + size] = colour


def draw_level(frame: np.ndarray, level: float) -> None:
    """A level meter on the right edge (audio-to-video: the picture follows the soundtrack)."""
    height, width = frame.shape[:2]
    bar_w = max(3, width // 40)
    filled = int(min(1.0, level * 3) * height * 0.8)
    frame[:, width - bar_w :] //= 3
    if filled:
        frame[height - filled :, width - bar_w :] = (80, 230, 120)


def tone(prompt: str, samples: int, offset: int = 0, rate: int = 48_000) -> np.ndarray:
    """A stereo tone whose pitch is seeded by the prompt, with a slow tremolo."""
    seed = seed_of(prompt)
    frequency = 220.0 * 2 ** ((seed % 24) / 12)
    t = (np.arange(offset, offset + samples, dtype=np.float64)) / rate
    wave = 0.25 * np.sin(2 * np.pi * frequency * t) * (0.75 + 0.25 * np.sin(2 * np.pi * 2 * t))
    mono = wave.astype(np.float32)
    return np.stack([mono, mono])
