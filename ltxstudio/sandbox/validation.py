"""Wire-level checks of generation bodies: JSON shape, types, enums and the catalog's rules.

Each endpoint's body becomes one typed request, or a 400 `invalid_request_error` whose message
names the field and the rule. The rules are CONTRACT-2026-09's (§2, §3), which override the July
OpenAPI export: A2V takes `fps`, `last_frame_uri` and `camera_motion` and no longer
`guidance_scale`; reframe ignores `model`; extend's `context` is at least 1 s. Combination rules
(model × endpoint × resolution × fps × duration) are asked of `core.catalog`, the table the
client reads too; nothing here re-declares them.
Checks that need the input media (lengths, codecs, sizes) happen after the media is fetched, in
`admission.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ltxstudio.core.catalog import (
    A2V_DEFAULT_FPS,
    A2V_FPS_CHOICES,
    CAMERA_MOTIONS,
    DEFAULT_FPS,
    DEFAULT_MODEL,
    EXTEND_CONTEXT_SECONDS,
    EXTEND_MODES,
    EXTEND_SECONDS,
    HDR_COLORSPACES,
    PROMPT_MAX_CHARS,
    REFRAME_ANCHORS,
    REFRAME_RESOLUTIONS,
    RETAKE_MIN_SECONDS,
    RETAKE_MODES,
    RETAKE_RESOLUTIONS,
    Endpoint,
    Model,
    Resolution,
    a2v_resolutions,
    generation_problem,
    model_problem,
)
from ltxstudio.sandbox.errors import ApiError, invalid


@dataclass(frozen=True)
class GenerationRequest:
    """text-to-video and image-to-video."""

    endpoint: Endpoint
    prompt: str
    model: Model
    duration: int | None  # None: automatic (LTX-2.5 only)
    resolution: Resolution
    fps: int
    generate_audio: bool
    camera_motion: str | None
    image_uri: str | None = None
    last_frame_uri: str | None = None


@dataclass(frozen=True)
class AudioToVideoRequest:
    audio_uri: str
    image_uri: str | None
    prompt: str
    resolution: Resolution | None  # None: by the image's orientation, else 1920x1080
    model: Model
    fps: int = A2V_DEFAULT_FPS
    camera_motion: str | None = None
    last_frame_uri: str | None = None


@dataclass(frozen=True)
class RetakeRequest:
    video_uri: str
    start_time: float
    duration: float
    prompt: str
    mode: str
    resolution: Resolution | None
    model: Model


@dataclass(frozen=True)
class ExtendRequest:
    video_uri: str
    duration: float
    prompt: str
    mode: str
    model: Model
    context: float | None


@dataclass(frozen=True)
class HdrRequest:
    video_uri: str
    output_colorspace: str


@dataclass(frozen=True)
class Placement:
    anchor: str | None = None
    x: float | None = None
    y: float | None = None
    width: float | None = None
    height: float | None = None


@dataclass(frozen=True)
class ReframeRequest:
    """No model: since 2026-09-23 the service picks one and ignores a `model` if sent."""

    video_uri: str
    resolution: Resolution
    placement: Placement | None


ParsedRequest = (
    GenerationRequest
    | AudioToVideoRequest
    | RetakeRequest
    | ExtendRequest
    | HdrRequest
    | ReframeRequest
)


def parse_request(endpoint: Endpoint, body: object) -> ParsedRequest:
    if not isinstance(body, dict):
        raise invalid("the request body must be a JSON object")
    fields = _Fields(body)
    match endpoint:
        case Endpoint.TEXT_TO_VIDEO | Endpoint.IMAGE_TO_VIDEO:
            return _generation(endpoint, fields)
        case Endpoint.AUDIO_TO_VIDEO:
            return _audio_to_video(fields)
        case Endpoint.RETAKE:
            return _retake(fields)
        case Endpoint.EXTEND:
            return _extend(fields)
        case Endpoint.HDR:
            return HdrRequest(
                fields.uri("video_uri"),
                fields.choice("output_colorspace", HDR_COLORSPACES) or HDR_COLORSPACES[0],
            )
        case Endpoint.REFRAME:
            return _reframe(fields)


def _generation(endpoint: Endpoint, f: _Fields) -> GenerationRequest:
    prompt = f.prompt(required=True)
    model = f.model(endpoint, required=True)
    resolution = f.resolution("resolution", required=True)
    assert resolution is not None
    fps = f.whole("fps", required=False)
    fps = DEFAULT_FPS if fps is None else fps
    if "duration" not in f.body:
        raise invalid("duration is required")
    duration = f.whole("duration", required=False)
    problem = generation_problem(model, resolution, fps, duration)
    if problem:
        raise invalid(problem)
    image_uri = last_frame_uri = None
    if endpoint is Endpoint.IMAGE_TO_VIDEO:
        image_uri = f.uri("image_uri")
        last_frame_uri = f.optional_uri("last_frame_uri")
        if duration is None and last_frame_uri is not None:
            # The model picks the length, so it cannot promise to land on a given last frame.
            raise invalid("duration null (automatic) cannot be combined with last_frame_uri")
    return GenerationRequest(
        endpoint,
        prompt,
        model,
        duration,
        resolution,
        fps,
        f.boolean("generate_audio", default=True),
        f.choice("camera_motion", CAMERA_MOTIONS),
        image_uri,
        last_frame_uri,
    )


def _audio_to_video(f: _Fields) -> AudioToVideoRequest:
    if "guidance_scale" in f.body:
        raise invalid(
            "guidance_scale is not a field of audio-to-video (it was removed on 2026-08-19); "
            "do not send it"
        )
    audio_uri = f.uri("audio_uri")
    image_uri = f.optional_uri("image_uri")
    last_frame_uri = f.optional_uri("last_frame_uri")
    if last_frame_uri is not None and image_uri is None:
        raise invalid("last_frame_uri needs image_uri (the first frame) as well")
    prompt = f.prompt(required=False)
    if image_uri is None and not prompt.strip():  # a blank prompt is no prompt
        raise invalid("audio-to-video needs a prompt or an image_uri (or both)")
    model = f.model(Endpoint.AUDIO_TO_VIDEO, required=False)
    resolution = f.resolution("resolution", required=False)
    if resolution is not None and resolution not in a2v_resolutions(model):
        names = ", ".join(str(r) for r in a2v_resolutions(model))
        raise invalid(
            f"resolution {resolution} is not available for audio-to-video with {model.value}; "
            f"allowed: {names}"
        )
    fps = f.whole("fps", required=False)
    fps = A2V_DEFAULT_FPS if fps is None else fps
    if fps not in A2V_FPS_CHOICES:
        names = ", ".join(str(c) for c in A2V_FPS_CHOICES)
        raise invalid(f"fps {fps} is not available for audio-to-video; allowed: {names}")
    return AudioToVideoRequest(
        audio_uri,
        image_uri,
        prompt,
        resolution,
        model,
        fps,
        f.choice("camera_motion", CAMERA_MOTIONS),
        last_frame_uri,
    )


def _retake(f: _Fields) -> RetakeRequest:
    video_uri = f.uri("video_uri")
    start = f.number("start_time", required=True)
    duration = f.number("duration", required=True)
    assert start is not None
    assert duration is not None
    if start < 0:
        raise invalid(f"start_time must not be negative, not {start:g}")
    if duration < RETAKE_MIN_SECONDS:
        raise invalid(f"duration must be at least {RETAKE_MIN_SECONDS:g} seconds, not {duration:g}")
    resolution = f.resolution("resolution", required=False)
    if resolution is not None and resolution not in RETAKE_RESOLUTIONS:
        names = ", ".join(str(r) for r in RETAKE_RESOLUTIONS)
        raise invalid(f"resolution {resolution} is not available for retake; allowed: {names}")
    return RetakeRequest(
        video_uri,
        start,
        duration,
        f.prompt(required=False),
        f.choice("mode", RETAKE_MODES) or "replace_audio_and_video",
        resolution,
        f.model(Endpoint.RETAKE, required=False),
    )


def _extend(f: _Fields) -> ExtendRequest:
    video_uri = f.uri("video_uri")
    duration = f.number("duration", required=True)
    assert duration is not None
    low, high = EXTEND_SECONDS
    if not low <= duration <= high:
        raise invalid(f"duration must be between {low:g} and {high:g} seconds, not {duration:g}")
    context = f.number("context", required=False)
    least, most = EXTEND_CONTEXT_SECONDS
    if context is not None and not least <= context <= most:
        raise invalid(f"context must be between {least:g} and {most:g} seconds, not {context:g}")
    return ExtendRequest(
        video_uri,
        duration,
        f.prompt(required=False),
        f.choice("mode", EXTEND_MODES) or "end",
        f.model(Endpoint.EXTEND, required=False),
        context,
    )


def _reframe(f: _Fields) -> ReframeRequest:
    # `model` is not read at all: the service ignores it if sent (contract §3), so any value,
    # even one the catalog does not know, is accepted and has no effect.
    video_uri = f.uri("video_uri")
    resolution = f.resolution("resolution", required=True)
    assert resolution is not None
    if resolution not in REFRAME_RESOLUTIONS:
        names = ", ".join(str(r) for r in REFRAME_RESOLUTIONS)
        raise invalid(f"resolution {resolution} is not available for reframe; allowed: {names}")
    return ReframeRequest(video_uri, resolution, _placement(f.body.get("placement")))


def _placement(value: object) -> Placement | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid("placement must be an object with an anchor, or x, y and width/height")
    f = _Fields(value, prefix="placement.")
    anchor = f.choice("anchor", REFRAME_ANCHORS)
    numbers = {k: f.number(k, required=False) for k in ("x", "y", "width", "height")}
    if anchor is not None:
        if any(v is not None for v in numbers.values()):
            raise invalid("placement takes either an anchor or x/y/width/height, not both")
        return Placement(anchor=anchor)
    x, y, w, h = numbers["x"], numbers["y"], numbers["width"], numbers["height"]
    if x is None or y is None or (w is None and h is None):
        raise invalid("placement needs an anchor, or x and y plus width and/or height")
    for name, v in numbers.items():
        if v is not None and not 0 <= v <= 1:
            raise invalid(f"placement.{name} is a fraction of the frame, 0 to 1, not {v:g}")
    if (w is not None and w == 0) or (h is not None and h == 0):
        raise invalid("placement width and height must be greater than 0")
    return Placement(None, x, y, w, h)


class _Fields:
    """Typed access to a JSON object with messages that name the field."""

    def __init__(self, body: dict[str, Any], prefix: str = "") -> None:
        self.body = body
        self._prefix = prefix

    def _missing(self, name: str) -> ApiError:
        return invalid(f"{self._prefix}{name} is required")

    def _get(self, name: str, required: bool) -> object:
        value = self.body.get(name)
        if value is None and required:
            raise self._missing(name)
        return value

    def string(self, name: str, *, required: bool) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise invalid(f"{self._prefix}{name} must be a string")
        return value

    def prompt(self, *, required: bool) -> str:
        value = self.string("prompt", required=required) or ""
        if required and not value.strip():
            raise invalid("prompt must not be empty")
        if len(value) > PROMPT_MAX_CHARS:
            raise invalid(
                f"prompt is {len(value)} characters long; the limit is {PROMPT_MAX_CHARS}"
            )
        return value

    def uri(self, name: str) -> str:
        value = self.optional_uri(name, required=True)
        assert value is not None
        return value

    def optional_uri(self, name: str, *, required: bool = False) -> str | None:
        value = self.string(name, required=required)
        if value is not None and not value.strip():
            raise invalid(f"{self._prefix}{name} must not be empty")
        return value

    def model(self, endpoint: Endpoint, *, required: bool) -> Model:
        value = self.string("model", required=required)
        if value is None:
            return DEFAULT_MODEL[endpoint]
        problem = model_problem(endpoint, value)
        if problem:
            raise invalid(problem)
        return Model(value)

    def resolution(self, name: str, *, required: bool) -> Resolution | None:
        value = self.string(name, required=required)
        if value is None:
            return None
        try:
            return Resolution.parse(value)
        except ValueError as exc:
            raise invalid(f"{self._prefix}{exc}") from None

    def number(self, name: str, *, required: bool) -> float | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid(f"{self._prefix}{name} must be a number")
        if not math.isfinite(value):
            raise invalid(f"{self._prefix}{name} must be a finite number")
        return float(value)

    def whole(self, name: str, *, required: bool) -> int | None:
        """An integer; integral floats such as 5.0 are accepted (API-NOTES §12.13)."""
        value = self.number(name, required=required)
        if value is None:
            return None
        if not value.is_integer():
            raise invalid(f"{self._prefix}{name} must be a whole number, not {value:g}")
        return int(value)

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.body.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise invalid(f"{self._prefix}{name} must be true or false")
        return value

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.string(name, required=False)
        if value is not None and value not in allowed:
            raise invalid(
                f"{self._prefix}{name} must be one of {', '.join(allowed)}; not {value!r}"
            )
        return value
