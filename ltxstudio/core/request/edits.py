"""Requests that transform an input video: retake, extend, HDR, reframe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, ExtendMode, Model, Resolution, RetakeMode
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
    check_number,
    check_prompt,
    check_video_input,
)
from ltxstudio.core.request.media import MediaRef


@dataclass(frozen=True, kw_only=True)
class Retake(RequestBase):
    """Regenerate the section [start_time, start_time + duration) of `video_uri`."""

    endpoint: ClassVar[Endpoint] = Endpoint.RETAKE
    video_uri: MediaRef
    start_time: float
    duration: float
    prompt: str | None = None
    mode: RetakeMode = RetakeMode.AUDIO_AND_VIDEO
    resolution: Resolution | None = None  # output is 1080p; None: by the input's orientation
    model: Model = Model.LTX_2_3_PRO

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        out: Problems = []
        check_media(out, "video_uri", self.video_uri, "video", missing="a video is required")
        start = check_number(out, "start_time", self.start_time, low=0.0)
        check_number(out, "duration", self.duration, low=catalog.RETAKE_MIN_SECONDS)
        check_prompt(out, self.prompt, required=False)
        check_choice(out, "mode", self.mode, tuple(RetakeMode))
        if self.resolution is not None:
            resolution = as_resolution(out, "resolution", self.resolution)
            if resolution is not None:
                allowed = tuple(map(str, catalog.RETAKE_RESOLUTIONS))
                check_choice(out, "resolution", str(resolution), allowed)
        check_model(out, self.endpoint, self.model)
        check_video_input(out, facts, min_frames=True)
        if facts is not None and start is not None and start >= facts.duration:
            out.append(
                FieldProblem(
                    "start_time", f"{start:g} s is past the end of the {facts.duration:g} s input"
                )
            )
        return out

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "video_uri": uri(self.video_uri),
            "start_time": float(self.start_time),
            "duration": float(self.duration),
            "mode": str(self.mode),
            "model": str(self.model),
        }
        if self.prompt:
            body["prompt"] = self.prompt
        if self.resolution is not None:
            body["resolution"] = str(self.resolution)
        return body

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        # Billed on the whole input video's length, not the window (API-NOTES §2).
        return CostBasis(self.endpoint, facts.duration if facts else 0.0, self.model)


@dataclass(frozen=True, kw_only=True)
class Extend(RequestBase):
    """Add `duration` seconds at the `mode` end; `context` seconds of input guide it."""

    endpoint: ClassVar[Endpoint] = Endpoint.EXTEND
    video_uri: MediaRef
    duration: float
    prompt: str | None = None
    mode: ExtendMode = ExtendMode.END
    model: Model = Model.LTX_2_3_PRO
    context: float | None = None  # None: as much as fits (the server's default)

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        out: Problems = []
        check_media(out, "video_uri", self.video_uri, "video", missing="a video is required")
        low, high = catalog.EXTEND_SECONDS
        duration = check_number(out, "duration", self.duration, low=low, high=high)
        context = None
        if self.context is not None:
            low_context, high_context = catalog.EXTEND_CONTEXT_SECONDS
            context = check_number(out, "context", self.context, low=low_context, high=high_context)
        check_prompt(out, self.prompt, required=False)
        check_choice(out, "mode", self.mode, tuple(ExtendMode))
        check_model(out, self.endpoint, self.model)
        check_video_input(out, facts, min_frames=True)
        if facts is not None and facts.width and facts.height:
            ratio = facts.width / facts.height
            if not any(abs(ratio - r) < 0.01 * r for r in (16 / 9, 9 / 16)):
                out.append(
                    FieldProblem(
                        "video_uri",
                        f"input is {facts.width}x{facts.height}; extend takes 16:9 or 9:16",
                    )
                )
        if facts is not None and facts.fps and duration is not None:
            # Without a context the API takes as much as fits, but never less than 1 s.
            least = catalog.EXTEND_CONTEXT_SECONDS[0]
            frames = round(((context or least) + duration) * facts.fps)
            if frames > catalog.EXTEND_MAX_FRAMES:
                out.append(
                    FieldProblem(
                        "context" if context else "duration",
                        f"context + duration is {frames} frames at {facts.fps:g} fps; at most "
                        f"{catalog.EXTEND_MAX_FRAMES} fit"
                        + ("" if context else f" (the context is at least {least:g} s)"),
                    )
                )
        return out

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "video_uri": uri(self.video_uri),
            "duration": float(self.duration),
            "mode": str(self.mode),
            "model": str(self.model),
        }
        if self.prompt:
            body["prompt"] = self.prompt
        if self.context is not None:
            body["context"] = float(self.context)
        return body

    def billed_context(self, facts: MediaFacts | None) -> float:
        """The context the API will use: the one sent, or as much as fits in 505 frames, at
        most 20 s and never more than the input holds."""
        if self.context is not None:
            return self.context
        fps = facts.fps if facts and facts.fps else float(catalog.DEFAULT_FPS)
        return catalog.extend_max_context(fps, self.duration, facts.duration if facts else None)

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        fps = facts.fps if facts and facts.fps else float(catalog.DEFAULT_FPS)
        return CostBasis(
            self.endpoint,
            self.duration,
            self.model,
            context_seconds=self.billed_context(facts),
            input_fps=fps,
        )


@dataclass(frozen=True, kw_only=True)
class Hdr(RequestBase):
    """SDR → HDR. One field, `video_uri` (contract §3). Result: `exr_frames_url`, a ZIP of EXR
    frames."""

    endpoint: ClassVar[Endpoint] = Endpoint.HDR
    video_uri: MediaRef

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        out: Problems = []
        check_media(out, "video_uri", self.video_uri, "video", missing="a video is required")
        if facts is not None and facts.width and facts.height:
            cap = catalog.hdr_frame_cap(facts.width, facts.height)
            frames = facts.frame_count
            if cap is None:
                out.append(
                    FieldProblem(
                        "video_uri", f"input is {facts.width}x{facts.height}; HDR takes up to 4K"
                    )
                )
            elif frames is not None and frames > cap:
                out.append(
                    FieldProblem(
                        "video_uri",
                        f"input has {frames} frames; HDR takes at most {cap} at "
                        f"{facts.width}x{facts.height}",
                    )
                )
        return out

    def _body(self) -> dict[str, Any]:
        return {"video_uri": uri(self.video_uri)}

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        size = (
            Resolution(facts.width, facts.height)
            if facts and facts.width and facts.height
            else None
        )
        return CostBasis(self.endpoint, facts.duration if facts else 0.0, input_size=size)


@dataclass(frozen=True)
class Placement:
    """Where the input sits in the reframed frame: an `anchor`, or fractional x/y + width/height."""

    anchor: str | None = None
    x: float | None = None
    y: float | None = None
    width: float | None = None
    height: float | None = None

    def problems(self) -> list[FieldProblem]:
        out: Problems = []
        box = {"x": self.x, "y": self.y, "width": self.width, "height": self.height}
        given = {k: v for k, v in box.items() if v is not None}
        if self.anchor is not None:
            check_choice(out, "placement.anchor", self.anchor, catalog.REFRAME_ANCHORS)
            if given:
                out.append(
                    FieldProblem("placement", "give either an anchor or x/y/width/height, not both")
                )
            return out
        if self.x is None or self.y is None or (self.width is None and self.height is None):
            out.append(
                FieldProblem("placement", "needs an anchor, or x and y plus width and/or height")
            )
        for key, value in given.items():
            low_open = key in ("width", "height")
            check_number(out, f"placement.{key}", value, low=0.0, high=1.0, low_open=low_open)
        return out

    def to_body(self) -> dict[str, Any]:
        if self.anchor is not None:
            return {"anchor": self.anchor}
        pairs = (("x", self.x), ("y", self.y), ("width", self.width), ("height", self.height))
        return {k: float(v) for k, v in pairs if v is not None}


@dataclass(frozen=True, kw_only=True)
class Reframe(RequestBase):
    """Outpaint `video_uri` to another aspect ratio. No `model`: since 2026-09-23 the service
    picks and ignores one if sent (contract §3), so none is sent."""

    endpoint: ClassVar[Endpoint] = Endpoint.REFRAME
    video_uri: MediaRef
    resolution: Resolution
    placement: Placement | None = None

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        out: Problems = []
        check_media(out, "video_uri", self.video_uri, "video", missing="a video is required")
        resolution = as_resolution(out, "resolution", self.resolution)
        if resolution is not None:
            allowed = tuple(map(str, catalog.REFRAME_RESOLUTIONS))
            check_choice(out, "resolution", str(resolution), allowed)
        if self.placement is not None:
            out += self.placement.problems()
        if facts is not None:
            if facts.duration > catalog.REFRAME_MAX_SECONDS:
                out.append(
                    FieldProblem(
                        "video_uri",
                        f"input lasts {facts.duration:g} s; reframe takes at most "
                        f"{catalog.REFRAME_MAX_SECONDS:g} s",
                    )
                )
            frames = facts.frame_count
            if frames is not None and frames > catalog.REFRAME_MAX_FRAMES:
                out.append(
                    FieldProblem(
                        "video_uri",
                        f"input has {frames} frames; at most {catalog.REFRAME_MAX_FRAMES}",
                    )
                )
            low, high = catalog.REFRAME_SIDE_RANGE
            for side in (facts.width, facts.height):
                if side is not None and not low <= side <= high:
                    out.append(
                        FieldProblem(
                            "video_uri", f"input sides must be {low}–{high} px, not {side}"
                        )
                    )
        return out

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "video_uri": uri(self.video_uri),
            "resolution": str(self.resolution),
        }
        if self.placement is not None:
            body["placement"] = self.placement.to_body()
        return body

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        return CostBasis(self.endpoint, facts.duration if facts else 0.0, None, self.resolution)
