"""Requests that generate a video: text-to-video, image-to-video, audio-to-video.

Decisions applied here (API-NOTES §12, CONTRACT-2026-09 §2–§3): `fps` is always sent (the default
changed once already); durations are whole seconds, or None for LTX-2.5's automatic duration
(never with a last frame); `camera_motion` is accepted on every model, as the schema allows (the
UI offers it only on Pro).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.core.pricing import CostBasis
from ltxstudio.core.request.base import RequestBase, uri
from ltxstudio.core.request.checks import (
    FieldProblem,
    MediaFacts,
    Problems,
    as_resolution,
    check_choice,
    check_media,
    check_model,
    check_prompt,
)
from ltxstudio.core.request.media import MediaRef

_1080P = Resolution(1920, 1080)


@dataclass(frozen=True, kw_only=True)
class _Generation(RequestBase):
    """Fields shared by text-to-video and image-to-video."""

    prompt: str
    model: Model = Model.LTX_2_3_PRO
    resolution: Resolution = field(default=_1080P)
    duration: int | None = 6  # whole seconds; None = automatic (LTX-2.5 only)
    fps: int = catalog.DEFAULT_FPS
    generate_audio: bool = True
    camera_motion: str | None = None

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        out: Problems = []
        check_prompt(out, self.prompt, required=True)
        model = check_model(out, self.endpoint, self.model)
        resolution = as_resolution(out, "resolution", self.resolution)
        if model is not None and resolution is not None:
            self._check_matrix(out, model, resolution)
        if not isinstance(cast(object, self.generate_audio), bool):  # runtime misuse
            out.append(FieldProblem("generate_audio", "must be true or false", (True, False)))
        if self.camera_motion is not None:
            check_choice(out, "camera_motion", self.camera_motion, catalog.CAMERA_MOTIONS)
        return out

    def _check_matrix(self, out: Problems, model: Model, resolution: Resolution) -> None:
        resolutions = catalog.allowed_resolutions(model)
        if resolution not in resolutions:
            names = ", ".join(map(str, resolutions))
            out.append(
                FieldProblem(
                    "resolution",
                    f"{resolution} is not available for {model.value}; allowed: {names}",
                    tuple(map(str, resolutions)),
                )
            )
            return
        rates = catalog.allowed_fps(model, resolution)
        if isinstance(self.fps, bool) or self.fps not in rates:
            names = ", ".join(map(str, rates))
            out.append(
                FieldProblem(
                    "fps",
                    f"{self.fps!r} is not available for {model.value} at {resolution}; "
                    f"allowed: {names}",
                    rates,
                )
            )
            return
        durations = catalog.allowed_durations(model, resolution, self.fps)
        if self.duration is None:
            if model not in catalog.AUTO_DURATION_MODELS:
                out.append(
                    FieldProblem(
                        "duration",
                        f"automatic duration ('auto') needs an LTX-2.5 model, not {model.value}; "
                        f"allowed: {', '.join(map(str, durations))}",
                        durations,
                    )
                )
        elif isinstance(self.duration, bool) or self.duration not in durations:
            out.append(
                FieldProblem(
                    "duration",
                    f"{self.duration!r} s is not available for {model.value} at {resolution} "
                    f"{self.fps} fps; allowed: {', '.join(map(str, durations))}",
                    durations,
                )
            )

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "prompt": self.prompt,
            "model": str(self.model),
            "duration": None if self.duration is None else int(self.duration),
            "fps": int(self.fps),
            "resolution": str(self.resolution),
            "generate_audio": bool(self.generate_audio),
        }
        if self.camera_motion is not None:
            body["camera_motion"] = self.camera_motion
        return body

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        seconds = self.duration
        if seconds is None:
            # Automatic duration: price the longest the model may choose, so a budget holds.
            longest = catalog.allowed_durations(self.model, self.resolution, self.fps)
            seconds = max(longest or (0,))
        return CostBasis(self.endpoint, float(seconds), self.model, self.resolution)


@dataclass(frozen=True, kw_only=True)
class TextToVideo(_Generation):
    endpoint: ClassVar[Endpoint] = Endpoint.TEXT_TO_VIDEO


@dataclass(frozen=True, kw_only=True)
class ImageToVideo(_Generation):
    """The video starts at `image_uri`; with `last_frame_uri` it interpolates to that frame."""

    endpoint: ClassVar[Endpoint] = Endpoint.IMAGE_TO_VIDEO
    image_uri: MediaRef | None = None
    last_frame_uri: MediaRef | None = None

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        out = super().problems(facts)
        check_media(
            out,
            "image_uri",
            self.image_uri,
            "image",
            missing="image-to-video needs a first-frame image",
        )
        check_media(out, "last_frame_uri", self.last_frame_uri, "image")
        if self.last_frame_uri is not None and self.duration is None:
            out.append(
                FieldProblem(
                    "duration",
                    "automatic duration cannot be combined with a last frame; choose a duration",
                )
            )
        return out

    def _body(self) -> dict[str, Any]:
        body = {"image_uri": uri(self.image_uri), **super()._body()}
        if self.last_frame_uri is not None:
            body["last_frame_uri"] = uri(self.last_frame_uri)
        return body


@dataclass(frozen=True, kw_only=True)
class AudioToVideo(RequestBase):
    """The soundtrack decides the length (2–20 s, less at some tiers); contract §3.

    Since 2026-08-19: `fps` (24 unless sent; always sent here), `last_frame_uri` (needs an
    image) and `camera_motion`; `guidance_scale` is no longer a field.
    """

    endpoint: ClassVar[Endpoint] = Endpoint.AUDIO_TO_VIDEO
    audio_uri: MediaRef | None = None
    prompt: str | None = None  # required when there is no image; may be "" with one
    image_uri: MediaRef | None = None
    last_frame_uri: MediaRef | None = None
    model: Model = Model.LTX_2_3_PRO
    resolution: Resolution | None = None  # None: by the image's orientation, else 1920x1080
    fps: int = catalog.A2V_DEFAULT_FPS
    camera_motion: str | None = None

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        out: Problems = []
        check_media(
            out,
            "audio_uri",
            self.audio_uri,
            "audio",
            missing="audio-to-video needs a soundtrack (2–20 s)",
        )
        check_media(out, "image_uri", self.image_uri, "image")
        check_media(out, "last_frame_uri", self.last_frame_uri, "image")
        if self.last_frame_uri is not None and self.image_uri is None:
            out.append(FieldProblem("last_frame_uri", "a last frame needs a first-frame image too"))
        if self.image_uri is None and not (self.prompt or "").strip():
            out.append(FieldProblem("prompt", "write a prompt or give an image"))
        check_prompt(out, self.prompt, required=False)
        if self.camera_motion is not None:
            check_choice(out, "camera_motion", self.camera_motion, catalog.CAMERA_MOTIONS)
        model = check_model(out, self.endpoint, self.model)
        if model is None:
            return out
        allowed = catalog.a2v_resolutions(model)
        resolution = catalog.A2V_DEFAULT_RESOLUTION
        if self.resolution is not None:
            given = as_resolution(out, "resolution", self.resolution)
            if given is None:
                return out
            if given not in allowed:
                out.append(
                    FieldProblem(
                        "resolution",
                        f"{given} is not available for audio-to-video with {model.value}; "
                        f"allowed: {', '.join(map(str, allowed))}",
                        tuple(map(str, allowed)),
                    )
                )
                return out
            resolution = given
        rates = catalog.a2v_fps(model, resolution)
        if isinstance(self.fps, bool) or self.fps not in rates:
            out.append(
                FieldProblem(
                    "fps",
                    f"{self.fps!r} is not available for audio-to-video; allowed: "
                    f"{', '.join(map(str, rates))}",
                    rates,
                )
            )
        if facts is not None:
            longest = catalog.a2v_max_seconds(model, resolution)
            low, high = catalog.A2V_AUDIO_SECONDS
            high = min(high, longest) if longest is not None else high
            if not low <= facts.duration <= high:
                where = self.resolution or "1080p (the default size)"
                out.append(
                    FieldProblem(
                        "audio_uri",
                        f"the audio lasts {facts.duration:.2f} s; {model.value} at {where} "
                        f"takes {low:g}–{high:g} s",
                    )
                )
        return out

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"audio_uri": uri(self.audio_uri)}
        if self.image_uri is not None:
            body["image_uri"] = uri(self.image_uri)
        if self.last_frame_uri is not None:
            body["last_frame_uri"] = uri(self.last_frame_uri)
        if self.prompt is not None:
            body["prompt"] = self.prompt
        if self.resolution is not None:
            body["resolution"] = str(self.resolution)
        body["fps"] = int(self.fps)  # always explicit: the default changed once (25 → 24)
        if self.camera_motion is not None:
            body["camera_motion"] = self.camera_motion
        body["model"] = str(self.model)
        return body

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        # Per second of input audio, per model × output tier; an omitted size renders 1080p.
        seconds = facts.duration if facts else 0.0
        return CostBasis(self.endpoint, seconds, self.model, self.resolution)
