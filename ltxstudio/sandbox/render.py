# Over 400 lines on purpose: one renderer per endpoint over shared frame helpers, all pure.
"""Real outputs for every endpoint: H.264 + AAC-LC MP4s (and HDR's ZIP of EXR frames).

A render is a pure function of its spec, run in a worker thread by the caller; identical specs
are served from a byte-bounded LRU cache. Each renderer reflects its request:

- scene (text/image/audio-to-video): the prompt-seeded world or the given image, moved by
  `camera_motion`, crossfading to `last_frame_uri`; A2V carries the given audio and a level meter.
- retake: the input's frames, scaled to the output size, with exactly the window re-rendered.
- extend: the input plus new frames at the chosen end that continue from the boundary frame.
- HDR: the input's frames in linear light, in the asked colour space, as half-float EXRs.
- reframe: the input placed in the new frame over a blurred fill of itself.
"""

from __future__ import annotations

import io
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from itertools import islice

import av
import numpy as np
from PIL import Image

from ltxstudio.sandbox import paint
from ltxstudio.sandbox.codec import (
    SAMPLE_RATE,
    Mp4Writer,
    decode_audio,
    exr_zip,
    fit_length,
    iter_frames,
    silence,
    video_rate,
)
from ltxstudio.sandbox.counters import Counters
from ltxstudio.sandbox.validation import Placement


@dataclass(frozen=True)
class SceneSpec:
    prompt: str
    width: int
    height: int
    fps: int
    frames: int
    audio: bool
    camera_motion: str | None = None
    image: bytes | None = None
    last_image: bytes | None = None
    soundtrack: bytes | None = None  # audio-to-video: the given audio


@dataclass(frozen=True)
class RetakeSpec:
    video: bytes
    prompt: str
    start: float
    end: float
    mode: str
    width: int
    height: int


@dataclass(frozen=True)
class ExtendSpec:
    video: bytes
    prompt: str
    seconds: float
    at_start: bool


@dataclass(frozen=True)
class HdrSpec:
    video: bytes
    colorspace: str
    max_frames: int


@dataclass(frozen=True)
class ReframeSpec:
    video: bytes
    width: int
    height: int
    placement: Placement | None


RenderSpec = SceneSpec | RetakeSpec | ExtendSpec | HdrSpec | ReframeSpec


@dataclass(frozen=True)
class Rendered:
    data: bytes
    content_type: str
    suffix: str
    result_key: str  # the key under `result` in a completed v2 job


class Renderer:
    """Renders specs (thread-safe), keeping recent results up to `cache_bytes`."""

    def __init__(
        self, cache_bytes: int, counters: Counters | None = None, processes: int = 0
    ) -> None:
        self._cache: OrderedDict[RenderSpec, Rendered] = OrderedDict()
        # Rendering is CPU-bound Python and C that holds the GIL for whole frames; in the app's
        # process it would stall the UI loop. With `processes`, renders run in a spawned pool
        # (never fork: the host process may have Qt and threads).
        self._pool = (
            ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))
            if processes > 0
            else None
        )
        self._cache_bytes = cache_bytes
        self._held = 0
        self._lock = threading.Lock()
        self._counters = counters or Counters()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def renders(self) -> int:
        return self._counters["renders"]

    @property
    def cache_hits(self) -> int:
        return self._counters["render_cache_hits"]

    def render(self, spec: RenderSpec) -> Rendered:
        with self._lock:
            hit = self._cache.get(spec)
            if hit is not None:
                self._cache.move_to_end(spec)
        if hit is not None:
            self._counters.add("render_cache_hits")
            return hit
        out = self._pool.submit(render, spec).result() if self._pool else render(spec)
        self._counters.add("renders")
        with self._lock:
            if len(out.data) <= self._cache_bytes and spec not in self._cache:
                self._cache[spec] = out
                self._held += len(out.data)
                while self._held > self._cache_bytes:
                    _, old = self._cache.popitem(last=False)
                    self._held -= len(old.data)
        return out


def render(spec: RenderSpec) -> Rendered:
    match spec:
        case SceneSpec():
            return _mp4(render_scene(spec))
        case RetakeSpec():
            return _mp4(render_retake(spec))
        case ExtendSpec():
            return _mp4(render_extend(spec))
        case HdrSpec():
            return Rendered(render_hdr(spec), "application/zip", ".zip", "exr_frames_url")
        case ReframeSpec():
            return _mp4(render_reframe(spec))


def _mp4(data: bytes) -> Rendered:
    return Rendered(data, "video/mp4", ".mp4", "video_url")


# ------------------------------------------------------------------------------------ scene


def render_scene(spec: SceneSpec) -> bytes:
    w, h = spec.width, spec.height
    fps = Fraction(spec.fps)
    world = paint.world_from_image(spec.image, w, h) if spec.image else None
    world = world or paint.world_from_prompt(spec.prompt, w, h)
    if spec.camera_motion == "focus_shift":
        world = paint.with_blur(world)
    last = paint.world_from_image(spec.last_image, w, h) if spec.last_image else None
    last_view = paint.view(last, None, 0, w, h) if last else None
    overlay = paint.Overlay(spec.prompt, w, h, spec.fps)
    seed = paint.seed_of(spec.prompt)
    samples = round(spec.frames / fps * SAMPLE_RATE)
    soundtrack: np.ndarray | None = None
    levels: np.ndarray | None = None
    if spec.soundtrack is not None:
        decoded = decode_audio(spec.soundtrack)
        soundtrack = fit_length(decoded if decoded is not None else silence(0), samples)
        levels = _levels(soundtrack, spec.frames)
    elif spec.audio:
        soundtrack = paint.tone(spec.prompt, samples)
    writer = Mp4Writer(w, h, fps, audio=spec.audio or spec.soundtrack is not None)
    try:
        for i in range(spec.frames):
            p = i / (spec.frames - 1) if spec.frames > 1 else 0.0
            frame = paint.view(world, spec.camera_motion, p, w, h)
            if last_view is not None:
                frame = paint.blend(frame, last_view, p)
            if spec.image is None:
                paint.draw_sprite(frame, seed, p)
            if levels is not None:
                paint.draw_level(frame, float(levels[i]))
            overlay.apply(frame, i)
            writer.add_frame(frame)
        return writer.finish(soundtrack)
    except BaseException:
        writer.abort()
        raise


def _levels(track: np.ndarray, frames: int) -> np.ndarray:
    """RMS of the soundtrack under each frame."""
    per = max(1, track.shape[1] // max(1, frames))
    mono = track.mean(axis=0)[: per * frames]
    if mono.size < per * frames:
        mono = np.pad(mono, (0, per * frames - mono.size))
    levels: np.ndarray = np.sqrt((mono.reshape(frames, per) ** 2).mean(axis=1))
    return levels


# ------------------------------------------------------------------------------------ retake


def render_retake(spec: RetakeSpec) -> bytes:
    w, h = spec.width, spec.height
    fps = video_rate(spec.video)
    first, last = round(spec.start * fps), round(spec.end * fps)
    replace_video = spec.mode in ("replace_video", "replace_audio_and_video")
    replace_audio = spec.mode in ("replace_audio", "replace_audio_and_video")
    source_audio = decode_audio(spec.video)
    world = paint.world_from_prompt(spec.prompt or "retake", w, h)
    overlay = paint.Overlay(spec.prompt, w, h, float(fps))
    seed = paint.seed_of(spec.prompt)
    writer = Mp4Writer(w, h, fps, audio=source_audio is not None or replace_audio)
    try:
        for i, frame in enumerate(_fitted_frames(spec.video, w, h)):
            if replace_video and first <= i < last:
                p = (i - first) / max(1, last - first - 1)
                frame = paint.view(world, "dolly_in", p, w, h)
                paint.draw_sprite(frame, seed, p)
                overlay.apply(frame, i)
            writer.add_frame(frame)
        samples = round(writer.frames / fps * SAMPLE_RATE)
        track = fit_length(source_audio, samples) if source_audio is not None else silence(samples)
        if replace_audio:
            s0, s1 = round(spec.start * SAMPLE_RATE), min(samples, round(spec.end * SAMPLE_RATE))
            track = track.copy()
            track[:, s0:s1] = paint.tone(spec.prompt, max(0, s1 - s0), s0)
        return writer.finish(track)
    except BaseException:
        writer.abort()
        raise


def _fitted_frames(video: bytes, width: int, height: int) -> Iterator[np.ndarray]:
    """The input's frames scaled to fit `width`x`height`, letterboxed when the aspect differs."""
    iw, ih = _video_size(video)
    scale = min(width / iw, height / ih)
    fw, fh = min(width, round(iw * scale)), min(height, round(ih * scale))
    x0, y0 = (width - fw) // 2, (height - fh) // 2
    for frame in iter_frames(video, fw, fh):
        if (fw, fh) == (width, height):
            yield frame
        else:
            canvas = np.zeros((height, width, 3), dtype=np.uint8)
            canvas[y0 : y0 + fh, x0 : x0 + fw] = frame
            yield canvas


def _video_size(video: bytes) -> tuple[int, int]:
    with av.open(io.BytesIO(video)) as container:
        cc = container.streams.video[0].codec_context
        return cc.width, cc.height


# ------------------------------------------------------------------------------------ extend


def render_extend(spec: ExtendSpec) -> bytes:
    fps = video_rate(spec.video)
    w, h = _video_size(spec.video)
    new_frames = round(spec.seconds * fps)
    source_audio = decode_audio(spec.video)
    overlay = paint.Overlay(spec.prompt, w, h, float(fps))
    seed = paint.seed_of(spec.prompt)
    writer = Mp4Writer(w, h, fps, audio=source_audio is not None)
    frames = iter_frames(spec.video)
    try:
        if spec.at_start:
            first = next(frames)
            _continuation(writer, first, new_frames, overlay, seed, offset=0, backwards=True)
            writer.add_frame(first)
            for frame in frames:
                writer.add_frame(frame)
            input_frames = writer.frames - new_frames
        else:
            boundary: np.ndarray | None = None
            for frame in frames:
                writer.add_frame(frame)
                boundary = frame
            assert boundary is not None
            input_frames = writer.frames
            _continuation(writer, boundary, new_frames, overlay, seed, offset=input_frames)
        track = None
        if source_audio is not None:
            old = fit_length(source_audio, round(input_frames / fps * SAMPLE_RATE))
            new = paint.tone(spec.prompt, round(new_frames / fps * SAMPLE_RATE))
            track = np.concatenate([new, old] if spec.at_start else [old, new], axis=1)
        return writer.finish(track)
    except BaseException:
        writer.abort()
        raise


def _continuation(
    writer: Mp4Writer,
    boundary: np.ndarray,
    count: int,
    overlay: paint.Overlay,
    seed: int,
    *,
    offset: int,
    backwards: bool = False,
) -> None:
    """New frames that grow out of (or, at the start, lead into) the boundary frame."""
    h, w = boundary.shape[:2]
    world = paint.world_from_array(boundary, w, h)
    for k in range(count):
        # At the start the new part runs towards the input, so its last frame is the boundary.
        p = (count - k) / count if backwards else (k + 1) / count
        frame = paint.view(world, "dolly_in", p, w, h)
        paint.draw_sprite(frame, seed, p)
        overlay.apply(frame, offset + k)
        writer.add_frame(frame)


# ------------------------------------------------------------------------------------ HDR

#: Linear sRGB (BT.709 primaries) to the AP1 (ACEScg) and AP0 (ACES2065-1) primaries.
_TO_AP1 = np.array(
    [[0.6131, 0.3395, 0.0474], [0.0702, 0.9164, 0.0134], [0.0206, 0.1096, 0.8698]], np.float32
)
_TO_AP0 = np.array(
    [[0.4397, 0.3830, 0.1774], [0.0898, 0.8134, 0.0968], [0.0175, 0.1116, 0.8708]], np.float32
)


def render_hdr(spec: HdrSpec) -> bytes:
    fps = video_rate(spec.video)
    frames = (
        _to_colorspace(f, spec.colorspace) for f in islice(iter_frames(spec.video), spec.max_frames)
    )
    data, _ = exr_zip(frames, fps)
    return data


def _to_colorspace(rgb: np.ndarray, colorspace: str) -> np.ndarray:
    v = rgb.astype(np.float32) / 255.0
    linear = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4).astype(np.float32)
    match colorspace:
        case "srgb_linear":
            return linear
        case "aces2065-1":
            return linear @ _TO_AP0.T
        case "acescct":
            ap1 = np.maximum(linear @ _TO_AP1.T, 0.0)
            low = 10.5402377416545 * ap1 + 0.0729055341958355
            high = (np.log2(np.maximum(ap1, 1e-10)) + 9.72) / 17.52
            encoded: np.ndarray = np.where(ap1 <= 0.0078125, low, high).astype(np.float32)
            return encoded
        case _:  # acescg, the default
            return linear @ _TO_AP1.T


# ------------------------------------------------------------------------------------ reframe


def render_reframe(spec: ReframeSpec) -> bytes:
    w, h = spec.width, spec.height
    fps = video_rate(spec.video)
    iw, ih = _video_size(spec.video)
    fw, fh, x0, y0 = _placement_box(spec.placement, iw, ih, w, h)
    source_audio = decode_audio(spec.video)
    writer = Mp4Writer(w, h, fps, audio=source_audio is not None)
    try:
        for frame in iter_frames(spec.video):
            picture = Image.fromarray(frame)
            fill = picture.resize((max(1, w // 16), max(1, h // 16)), Image.Resampling.BILINEAR)
            canvas = np.asarray(fill.resize((w, h), Image.Resampling.BILINEAR)) // 2
            placed = np.asarray(picture.resize((fw, fh), Image.Resampling.BILINEAR))
            canvas = canvas.copy()
            canvas[y0 : y0 + fh, x0 : x0 + fw] = placed
            writer.add_frame(canvas)
        samples = round(writer.frames / fps * SAMPLE_RATE)
        track = fit_length(source_audio, samples) if source_audio is not None else None
        return writer.finish(track)
    except BaseException:
        writer.abort()
        raise


_ANCHORS = {
    "center": (0.5, 0.5),
    "top": (0.5, 0.0),
    "bottom": (0.5, 1.0),
    "left": (0.0, 0.5),
    "right": (1.0, 0.5),
    "top_left": (0.0, 0.0),
    "top_right": (1.0, 0.0),
    "bottom_left": (0.0, 1.0),
    "bottom_right": (1.0, 1.0),
}


def _placement_box(
    placement: Placement | None, iw: int, ih: int, w: int, h: int
) -> tuple[int, int, int, int]:
    """Where the input goes in the new frame: (width, height, left, top)."""
    if placement is None or placement.anchor is not None:
        scale = min(w / iw, h / ih)
        fw, fh = min(w, round(iw * scale)), min(h, round(ih * scale))
        ax, ay = _ANCHORS[placement.anchor if placement and placement.anchor else "center"]
        return fw, fh, round((w - fw) * ax), round((h - fh) * ay)
    if placement.width is not None:
        fw = round(w * placement.width)
        fh = round(fw * ih / iw) if placement.height is None else round(h * placement.height)
    else:
        assert placement.height is not None
        fh = round(h * placement.height)
        fw = round(fh * iw / ih)
    fw, fh = max(1, min(w, fw)), max(1, min(h, fh))
    x0 = min(w - fw, round(w * (placement.x or 0.0)))
    y0 = min(h - fh, round(h * (placement.y or 0.0)))
    return fw, fh, x0, y0
