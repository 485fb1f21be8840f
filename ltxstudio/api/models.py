"""Typed request models, one frozen dataclass per generation endpoint.

Each model knows its `endpoint`, lists its `problems()` (every field that cannot succeed, with the
allowed values), `validate()`s (raising `RequestValidationError` naming the first bad field) and
builds the JSON body with `to_body()`, which validates first — an invalid body is never built, so
nothing invalid reaches the network. The rules are the catalog's (`ltxstudio.core.catalog`), the
same table the sandbox validates with: model × endpoint × resolution × fps × duration, media
rules, prompt length.

Decisions from API-NOTES §12 applied here: `fps` is always sent (§12.12); durations are whole
seconds or None for LTX-2.5's automatic duration (§12.13); `camera_motion` is accepted on every
model, as the schema allows (the UI offers it only on Pro, §12.14); reframe's `placement` is sent
only when set (§12.7); HDR takes only `video_uri` (CONTRACT-2026-09 §3). `input_media` carries
what the media layer probed about an input (audio length, video size/fps/frames) so media limits
are checked before upload and submit; it is never sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any, Final

from ltxstudio.api._checks import MediaFacts
from ltxstudio.api._errors import FieldProblem, RequestValidationError
from ltxstudio.api._generate import AudioToVideo, ImageToVideo, TextToVideo
from ltxstudio.api._video_edits import Extend, Hdr, Placement, Reframe, Retake
from ltxstudio.core.catalog import Endpoint, Model, Resolution

#: Every request the client can send; `endpoint` tells which route it goes to.
GenerationRequest = TextToVideo | ImageToVideo | AudioToVideo | Retake | Extend | Hdr | Reframe

REQUEST_TYPES: Final[dict[Endpoint, type[GenerationRequest]]] = {
    Endpoint.TEXT_TO_VIDEO: TextToVideo,
    Endpoint.IMAGE_TO_VIDEO: ImageToVideo,
    Endpoint.AUDIO_TO_VIDEO: AudioToVideo,
    Endpoint.RETAKE: Retake,
    Endpoint.EXTEND: Extend,
    Endpoint.HDR: Hdr,
    Endpoint.REFRAME: Reframe,
}

_PLACEMENT_KEYS: Final = ("anchor", "x", "y", "width", "height")


def request_from_body(
    endpoint: Endpoint | str, body: Mapping[str, Any], *, input_media: MediaFacts | None = None
) -> GenerationRequest:
    """The typed, validated request for a JSON body (the inverse of `to_body()`).

    For callers that hold bodies rather than models — the session's job specs, a journal
    replay. Unknown fields, missing required fields and every catalog rule are reported as a
    `RequestValidationError` before anything is sent.
    """
    problems: list[FieldProblem] = []
    try:
        cls = REQUEST_TYPES[Endpoint(endpoint)]
    except ValueError:
        allowed = tuple(e.value for e in Endpoint)
        raise RequestValidationError(
            [FieldProblem("endpoint", f"{endpoint!r} is not an endpoint", allowed)]
        ) from None
    declared = {f.name: f for f in fields(cls)}
    wire = set(declared) - {"input_media"}
    kwargs: dict[str, Any] = {}
    for name, value in body.items():
        if name not in wire:
            problems.append(FieldProblem(name, "is not a field of this endpoint", tuple(wire)))
            continue
        kwargs[name] = _convert(problems, name, value)
    for name in wire - set(body):
        f = declared[name]
        if f.default is MISSING and f.default_factory is MISSING:
            if name == "duration" and cls in (TextToVideo, ImageToVideo):
                # Required on the wire, but null is a legal value; its absence is the problem.
                problems.append(FieldProblem(name, "is required (null = automatic, LTX-2.5)"))
            else:
                problems.append(FieldProblem(name, "is required"))
    if input_media is not None:
        if "input_media" not in declared:
            problems.append(FieldProblem("input_media", f"{cls.endpoint.value} takes no media"))
        else:
            kwargs["input_media"] = input_media
    if problems:
        raise RequestValidationError(problems)
    request = cls(**kwargs)
    request.validate()
    return request


def _convert(problems: list[FieldProblem], name: str, value: Any) -> Any:
    """Wire value → model value where the model uses a richer type; the rest is validated later."""
    if name == "model" and isinstance(value, str) and value in {m.value for m in Model}:
        return Model(value)
    if name == "resolution" and isinstance(value, str):
        try:
            return Resolution.parse(value)
        except ValueError as exc:
            problems.append(FieldProblem(name, str(exc)))
            return value
    if name == "placement":
        if not isinstance(value, Mapping) or set(value) - set(_PLACEMENT_KEYS):
            problems.append(
                FieldProblem(name, "must be an object with " + ", ".join(_PLACEMENT_KEYS))
            )
            return None
        return Placement(**dict(value))
    return value


__all__ = [
    "REQUEST_TYPES",
    "AudioToVideo",
    "Extend",
    "GenerationRequest",
    "Hdr",
    "ImageToVideo",
    "MediaFacts",
    "Placement",
    "Reframe",
    "Retake",
    "TextToVideo",
    "request_from_body",
]
