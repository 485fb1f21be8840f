"""What a user asks for, as the UI and the CLI build it: one dataclass per kind of generation.

Each request knows its endpoint, its API fields (`params`), its media inputs (`media`: an API
field → a local path or a URI), its problems before anything is uploaded or paid, and what its
price depends on. The value rules are the API client's (its typed models, from the catalog);
this module adds only what a form knows better: which input is missing. Media facts (an audio's
length, a video's frame count) come from the media layer and sharpen the same checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from ltxstudio.api import MediaFacts, RequestValidationError
from ltxstudio.api.models import request_from_body
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
        if self.field in self.message:  # already a whole sentence about this field
            return self.message
        # "duration is 1.2; it must be at least 2" reads better than "duration: is 1.2; …"
        joiner = " " if self.message.startswith(("is ", "has ", "must ")) else ": "
        return f"{self.field}{joiner}{self.message}"


#: Stands in for a media input that is not uploaded yet, so the client can check the rest.
_PENDING_URI = "ltx://uploads/pending"
_FIELD_NAMES = {
    "image_uri": "image",
    "last_frame_uri": "last frame",
    "audio_uri": "soundtrack",
    "video_uri": "video",
    "start_time": "start",
}


def client_problems(
    endpoint: Endpoint,
    params: Mapping[str, Any],
    media: Mapping[str, str],
    facts: MediaFacts | None = None,
) -> list[FieldProblem]:
    """The API client's verdict on a body, with media not yet uploaded."""
    body = {**params, **dict.fromkeys(media, _PENDING_URI)}
    try:
        request_from_body(endpoint, body, input_media=facts)
    except RequestValidationError as exc:
        return [FieldProblem(_FIELD_NAMES.get(p.field, p.field), p.message) for p in exc.problems]
    return []


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

    @property
    def endpoint(self) -> Endpoint:
        return self.mode.endpoint

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        out: list[FieldProblem] = []
        match self.mode:
            case Mode.TEXT:
                if self.image or self.last_frame:
                    out.append(FieldProblem("image", "text-to-video takes no image; use Image"))
            case Mode.IMAGE:
                if not self.image:
                    out.append(FieldProblem("image", "image-to-video needs a first-frame image"))
            case Mode.AUDIO:
                if not self.audio:
                    out.append(
                        FieldProblem("soundtrack", "audio-to-video needs a soundtrack (2–20 s)")
                    )
                if not self.image and not self.prompt.strip():
                    out.append(FieldProblem("prompt", "write a prompt or give an image"))
        if self.mode is not Mode.AUDIO and self.resolution is None:
            out.append(FieldProblem("resolution", "choose a resolution"))
            return out
        return out + client_problems(self.endpoint, self.params(), self.media(), facts)

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
                body = {"model": self.model.value, "fps": self.fps}
                if self.prompt or not self.image:
                    body["prompt"] = self.prompt
                if self.resolution is not None:
                    body["resolution"] = str(self.resolution)
                if self.camera_motion:
                    body["camera_motion"] = self.camera_motion
                return body

    def media(self) -> dict[str, str]:
        out = {}
        if self.image and self.mode is not Mode.TEXT:
            out["image_uri"] = self.image
        if self.last_frame and self.mode is not Mode.TEXT:
            out["last_frame_uri"] = self.last_frame
        if self.audio and self.mode is Mode.AUDIO:
            out["audio_uri"] = self.audio
        return out

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        if self.mode is Mode.AUDIO:
            # Priced per model × output tier; an omitted size renders 1080p.
            return CostBasis(
                self.endpoint, facts.duration if facts else 0.0, self.model, self.resolution
            )
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

    endpoint: ClassVar[Endpoint] = Endpoint.RETAKE

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        return client_problems(self.endpoint, self.params(), self.media(), facts)

    def media(self) -> dict[str, str]:
        return {"video_uri": self.video}

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

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        # Billed on the whole input video's length, not the window (API-NOTES §2).
        return CostBasis(self.endpoint, facts.duration if facts else 0.0, self.model)


@dataclass(frozen=True)
class ExtendRequest:
    """Add `duration` seconds at the start or the end of a video."""

    video: str
    duration: float
    mode: str = "end"
    context: float | None = None
    prompt: str | None = None
    model: Model = Model.LTX_2_3_PRO

    endpoint: ClassVar[Endpoint] = Endpoint.EXTEND

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        return client_problems(self.endpoint, self.params(), self.media(), facts)

    def media(self) -> dict[str, str]:
        return {"video_uri": self.video}

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

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        fps = facts.fps if facts and facts.fps else float(catalog.DEFAULT_FPS)
        context = (
            self.context
            if self.context is not None
            else catalog.extend_max_context(fps, self.duration, facts.duration if facts else None)
        )
        return CostBasis(
            self.endpoint, self.duration, self.model, context_seconds=context, input_fps=fps
        )


@dataclass(frozen=True)
class HdrRequest:
    """SDR to HDR: the API's one field is the video (contract §3)."""

    video: str

    endpoint: ClassVar[Endpoint] = Endpoint.HDR

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        return client_problems(self.endpoint, self.params(), self.media(), facts)

    def media(self) -> dict[str, str]:
        return {"video_uri": self.video}

    def params(self) -> dict[str, Any]:
        return {}

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        size = (
            Resolution(facts.width, facts.height)
            if facts and facts.width and facts.height
            else None
        )
        return CostBasis(self.endpoint, facts.duration if facts else 0.0, input_size=size)


@dataclass(frozen=True)
class ReframeRequest:
    """No model: the service picks one for reframe (contract §3)."""

    video: str
    resolution: Resolution
    placement: Mapping[str, Any] | None = None

    endpoint: ClassVar[Endpoint] = Endpoint.REFRAME

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        return client_problems(self.endpoint, self.params(), self.media(), facts)

    def media(self) -> dict[str, str]:
        return {"video_uri": self.video}

    def params(self) -> dict[str, Any]:
        body: dict[str, Any] = {"resolution": str(self.resolution)}
        if self.placement:
            body["placement"] = dict(self.placement)
        return body

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        return CostBasis(self.endpoint, facts.duration if facts else 0.0, None, self.resolution)


Request = GenerateRequest | RetakeRequest | ExtendRequest | HdrRequest | ReframeRequest
