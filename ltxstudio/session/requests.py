"""What a user asks for, as the UI and the CLI build it: one dataclass per kind of generation.

Each request knows its endpoint, its API fields (`params`), its media inputs (`media`: an API
field → a local path or a URI), the problems the catalog sees in it before anything is
uploaded or paid, and what its price depends on. Media facts (an audio's length, a video's frame
count) are checked by the session with the media layer; the API client validates the final body
once more before sending.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.core.pricing import CostBasis


class Mode(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"

    @property
    def endpoint(self) -> Endpoint:
        return {
            Mode.TEXT: Endpoint.TEXT_TO_VIDEO,
            Mode.IMAGE: Endpoint.IMAGE_TO_VIDEO,
            Mode.AUDIO: Endpoint.AUDIO_TO_VIDEO,
        }[self]


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def _prompt_problems(prompt: str | None, *, required: bool) -> list[FieldProblem]:
    text = prompt or ""
    if required and not text.strip():
        return [FieldProblem("prompt", "the prompt is empty")]
    if len(text) > catalog.PROMPT_MAX_CHARS:
        return [
            FieldProblem(
                "prompt",
                f"the prompt is {len(text):,} characters; the API takes at most "
                f"{catalog.PROMPT_MAX_CHARS:,}",
            )
        ]
    return []


def _model_problems(endpoint: Endpoint, model: Model | str) -> list[FieldProblem]:
    problem = catalog.model_problem(endpoint, str(model))
    return [FieldProblem("model", problem)] if problem else []


@dataclass(frozen=True)
class GenerateRequest:
    """Text-, image- or audio-to-video."""

    mode: Mode
    prompt: str
    model: Model = Model.LTX_2_3_PRO
    resolution: Resolution | None = field(default_factory=lambda: Resolution(1920, 1080))
    fps: int = catalog.DEFAULT_FPS
    duration: int | None = 6  # None: the model picks (LTX-2.5 only)
    generate_audio: bool = True
    camera_motion: str | None = None
    image: str | None = None
    last_frame: str | None = None
    audio: str | None = None
    guidance_scale: float | None = None

    @property
    def endpoint(self) -> Endpoint:
        return self.mode.endpoint

    def problems(self) -> list[FieldProblem]:
        out = _model_problems(self.endpoint, self.model)
        match self.mode:
            case Mode.TEXT | Mode.IMAGE:
                out += _prompt_problems(self.prompt, required=True)
                if self.resolution is None:
                    out.append(FieldProblem("resolution", "choose a resolution"))
                elif not out:
                    problem = catalog.generation_check(
                        self.model, self.resolution, self.fps, self.duration
                    )
                    if problem:
                        out.append(FieldProblem(problem.field, problem.message))
                if self.camera_motion and self.camera_motion not in catalog.CAMERA_MOTIONS:
                    out.append(
                        FieldProblem(
                            "camera_motion", f"unknown camera motion {self.camera_motion!r}"
                        )
                    )
                if self.mode is Mode.IMAGE and not self.image:
                    out.append(FieldProblem("image", "image-to-video needs a first-frame image"))
                if self.mode is Mode.TEXT and (self.image or self.last_frame):
                    out.append(
                        FieldProblem("image", "text-to-video takes no image; use Image mode")
                    )
                if self.last_frame and self.duration is None:
                    out.append(
                        FieldProblem(
                            "last_frame", "a last frame needs a fixed duration, not automatic"
                        )
                    )
            case Mode.AUDIO:
                out += _prompt_problems(self.prompt, required=not self.image)
                if not self.audio:
                    out.append(FieldProblem("audio", "audio-to-video needs a soundtrack (2–20 s)"))
                res = self.resolution
                if res is not None and not out and catalog.a2v_max_seconds(self.model, res) is None:
                    message = f"{self.model.value} does not do audio-to-video at {res}"
                    out.append(FieldProblem("resolution", message))
        return out

    def params(self) -> dict[str, Any]:
        match self.mode:
            case Mode.TEXT | Mode.IMAGE:
                body: dict[str, Any] = {
                    "prompt": self.prompt,
                    "model": self.model.value,
                    "duration": self.duration,
                    "resolution": str(self.resolution),
                    "fps": self.fps,  # always explicit: the server default (24) once differed
                    "generate_audio": self.generate_audio,
                }
                if self.camera_motion:
                    body["camera_motion"] = self.camera_motion
                return body
            case Mode.AUDIO:
                body = {"model": self.model.value}
                if self.prompt or not self.image:
                    body["prompt"] = self.prompt
                if self.resolution is not None:
                    body["resolution"] = str(self.resolution)
                if self.guidance_scale is not None:
                    body["guidance_scale"] = self.guidance_scale
                return body

    def media(self) -> dict[str, str]:
        out = {}
        if self.image and self.mode is not Mode.TEXT:
            out["image_uri"] = self.image
        if self.last_frame and self.mode is Mode.IMAGE:
            out["last_frame_uri"] = self.last_frame
        if self.audio and self.mode is Mode.AUDIO:
            out["audio_uri"] = self.audio
        return out

    def cost_basis(self, audio_seconds: float | None = None) -> CostBasis:
        if self.mode is Mode.AUDIO:
            return CostBasis(self.endpoint, audio_seconds or 0.0, self.model)
        seconds = self.duration
        if seconds is None and self.resolution is not None:
            # automatic duration: price the longest the model may choose, so a budget holds
            seconds = max(catalog.allowed_durations(self.model, self.resolution, self.fps) or (0,))
        return CostBasis(self.endpoint, float(seconds or 0), self.model, self.resolution)


@dataclass(frozen=True)
class RetakeRequest:
    """Regenerate the window [start, start + duration) of a video."""

    video: str
    start: float
    duration: float
    mode: str = "replace_audio_and_video"
    prompt: str | None = None
    model: Model = Model.LTX_2_3_PRO
    resolution: Resolution | None = None
    endpoint: Endpoint = field(default=Endpoint.RETAKE, init=False)

    def problems(self) -> list[FieldProblem]:
        out = _model_problems(self.endpoint, self.model)
        out += _prompt_problems(self.prompt, required=False)
        if self.duration < catalog.RETAKE_MIN_SECONDS:
            out.append(
                FieldProblem(
                    "duration",
                    f"the window is {self.duration:.2f} s; a retake needs at least "
                    f"{catalog.RETAKE_MIN_SECONDS:g} s",
                )
            )
        if self.start < 0:
            out.append(FieldProblem("start_time", "the window starts before the clip"))
        if self.mode not in catalog.RETAKE_MODES:
            out.append(
                FieldProblem("mode", f"mode must be one of {', '.join(catalog.RETAKE_MODES)}")
            )
        if self.resolution is not None and self.resolution not in catalog.RETAKE_RESOLUTIONS:
            out.append(FieldProblem("resolution", "retake output is 1920x1080 or 1080x1920"))
        return out

    def params(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "start_time": self.start,
            "duration": self.duration,
            "mode": self.mode,
            "model": self.model.value,
        }
        if self.prompt:
            body["prompt"] = self.prompt
        if self.resolution is not None:
            body["resolution"] = str(self.resolution)
        return body

    def media(self) -> dict[str, str]:
        return {"video_uri": self.video}

    def cost_basis(self, input_seconds: float) -> CostBasis:
        return CostBasis(self.endpoint, input_seconds, self.model)


@dataclass(frozen=True)
class ExtendRequest:
    """Add `duration` seconds at the start or the end of a video."""

    video: str
    duration: float
    mode: str = "end"
    context: float | None = None
    prompt: str | None = None
    model: Model = Model.LTX_2_3_PRO
    endpoint: Endpoint = field(default=Endpoint.EXTEND, init=False)

    def problems(self, input_fps: float | None = None) -> list[FieldProblem]:
        out = _model_problems(self.endpoint, self.model)
        out += _prompt_problems(self.prompt, required=False)
        lo, hi = catalog.EXTEND_SECONDS
        if not lo <= self.duration <= hi:
            out.append(
                FieldProblem("duration", f"extend by {lo:g}–{hi:g} s, not {self.duration:g} s")
            )
        if self.mode not in catalog.EXTEND_MODES:
            out.append(FieldProblem("mode", "extend at the start or the end"))
        if self.context is not None:
            if not 0 <= self.context <= catalog.EXTEND_MAX_CONTEXT_SECONDS:
                out.append(FieldProblem("context", "context is 0–20 s of the input"))
            elif input_fps:
                frames = round((self.context + self.duration) * input_fps)
                if frames > catalog.EXTEND_MAX_FRAMES:
                    out.append(
                        FieldProblem(
                            "context",
                            f"context + extension is {frames} frames at {input_fps:g} fps; "
                            f"the limit is {catalog.EXTEND_MAX_FRAMES}",
                        )
                    )
        return out

    def params(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "duration": self.duration,
            "mode": self.mode,
            "model": self.model.value,
        }
        if self.context is not None:
            body["context"] = self.context
        if self.prompt:
            body["prompt"] = self.prompt
        return body

    def media(self) -> dict[str, str]:
        return {"video_uri": self.video}

    def cost_basis(self, input_fps: float) -> CostBasis:
        context = (
            self.context
            if self.context is not None
            else catalog.extend_max_context(input_fps, self.duration)
        )
        return CostBasis(
            self.endpoint, self.duration, self.model, context_seconds=context, input_fps=input_fps
        )


@dataclass(frozen=True)
class HdrRequest:
    video: str
    output_colorspace: str | None = None
    endpoint: Endpoint = field(default=Endpoint.HDR, init=False)

    def problems(self) -> list[FieldProblem]:
        if self.output_colorspace and self.output_colorspace not in catalog.HDR_COLORSPACES:
            return [
                FieldProblem("output_colorspace", f"one of {', '.join(catalog.HDR_COLORSPACES)}")
            ]
        return []

    def params(self) -> dict[str, Any]:
        return {"output_colorspace": self.output_colorspace} if self.output_colorspace else {}

    def media(self) -> dict[str, str]:
        return {"video_uri": self.video}

    def cost_basis(self, input_seconds: float, input_size: Resolution) -> CostBasis:
        return CostBasis(self.endpoint, input_seconds, input_size=input_size)


@dataclass(frozen=True)
class ReframeRequest:
    video: str
    resolution: Resolution
    placement: Mapping[str, Any] | None = None
    model: Model = Model.LTX_2_3_PRO
    endpoint: Endpoint = field(default=Endpoint.REFRAME, init=False)

    def problems(self) -> list[FieldProblem]:
        out = _model_problems(self.endpoint, self.model)
        if self.resolution not in catalog.REFRAME_RESOLUTIONS:
            names = ", ".join(str(r) for r in catalog.REFRAME_RESOLUTIONS)
            out.append(FieldProblem("resolution", f"reframe to one of {names}"))
        anchor = (self.placement or {}).get("anchor")
        if anchor is not None and anchor not in catalog.REFRAME_ANCHORS:
            out.append(FieldProblem("placement", f"unknown anchor {anchor!r}"))
        return out

    def params(self) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model.value, "resolution": str(self.resolution)}
        if self.placement:
            body["placement"] = dict(self.placement)
        return body

    def media(self) -> dict[str, str]:
        return {"video_uri": self.video}

    def cost_basis(self, input_seconds: float) -> CostBasis:
        return CostBasis(self.endpoint, input_seconds, self.model, self.resolution)


Request = GenerateRequest | RetakeRequest | ExtendRequest | HdrRequest | ReframeRequest
