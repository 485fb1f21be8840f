"""The one way a request becomes JSON and back: for the journal (`encode`/`decode`, versioned)
and from a wire body (`from_wire`, for bodies journaled before requests were typed).

    {"v": 1, "endpoint": "retake", "fields": {"start_time": 2.0, …},
     "media": {"video_uri": {"local": "/abs/take.mp4"}}}
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any, Final

from ltxstudio.core.catalog import Endpoint, ExtendMode, Model, Resolution, RetakeMode
from ltxstudio.core.request.base import MEDIA_FIELDS
from ltxstudio.core.request.edits import Extend, Hdr, Placement, Reframe, Retake
from ltxstudio.core.request.generation import AudioToVideo, ImageToVideo, TextToVideo
from ltxstudio.core.request.media import LocalFile, MediaRef, RemoteUri, media_ref

Request = TextToVideo | ImageToVideo | AudioToVideo | Retake | Extend | Hdr | Reframe

REQUEST_TYPES: Final[dict[Endpoint, type[Request]]] = {
    Endpoint.TEXT_TO_VIDEO: TextToVideo,
    Endpoint.IMAGE_TO_VIDEO: ImageToVideo,
    Endpoint.AUDIO_TO_VIDEO: AudioToVideo,
    Endpoint.RETAKE: Retake,
    Endpoint.EXTEND: Extend,
    Endpoint.HDR: Hdr,
    Endpoint.REFRAME: Reframe,
}

CODEC_VERSION: Final = 1
_PLACEMENT_KEYS: Final = ("anchor", "x", "y", "width", "height")


class FieldValueError(ValueError):
    """A stored or wire value a request field cannot take; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def encode(request: Request) -> dict[str, Any]:
    values: dict[str, Any] = {}
    media: dict[str, Any] = {}
    for f in fields(request):
        value = getattr(request, f.name)
        if f.name in MEDIA_FIELDS:
            if value is not None:
                media[f.name] = _encode_media(value)
        elif value is not None:
            values[f.name] = _encode_value(value)
    return {
        "v": CODEC_VERSION,
        "endpoint": request.endpoint.value,
        "fields": values,
        "media": media,
    }


def decode(data: Mapping[str, Any]) -> Request:
    """The request `encode` wrote; raises ValueError on anything else."""
    if data.get("v") != CODEC_VERSION:
        raise ValueError(f"unknown request encoding {data.get('v')!r}")
    endpoint = Endpoint(data["endpoint"])
    media = {k: _decode_media(v) for k, v in dict(data.get("media", {})).items()}
    request, unknown = _build(endpoint, dict(data.get("fields", {})), media)
    if unknown:
        raise ValueError(f"unknown fields for {endpoint.value}: {', '.join(sorted(unknown))}")
    return request


def from_wire(
    endpoint: Endpoint | str, body: Mapping[str, Any], media: Mapping[str, str] | None = None
) -> tuple[Request, list[str]]:
    """A request from an API body (and local media by field, as journaled before requests were
    typed). Returns it with the names of fields it does not have, which are dropped."""
    kind = Endpoint(endpoint)
    refs: dict[str, MediaRef] = {}
    plain: dict[str, Any] = {}
    for name, value in body.items():
        if name in MEDIA_FIELDS and isinstance(value, str):
            refs[name] = media_ref(value)
        else:
            plain[name] = value
    for name, source in (media or {}).items():
        refs[name] = media_ref(source)
    return _build(kind, plain, refs)


def _build(
    endpoint: Endpoint, values: dict[str, Any], media: dict[str, MediaRef]
) -> tuple[Request, list[str]]:
    cls = REQUEST_TYPES[endpoint]
    declared, required = _shape(endpoint)
    kwargs: dict[str, Any] = {}
    unknown = []
    for name, value in {**values, **media}.items():
        if name not in declared:
            unknown.append(name)
            continue
        try:
            decoded = value if name in MEDIA_FIELDS else _decode_value(endpoint, name, value)
        except ValueError as exc:
            raise FieldValueError(name, str(exc)) from None
        kwargs[name] = decoded
    missing = [name for name in required if name not in kwargs]
    if missing:
        raise ValueError(f"{endpoint.value} needs {', '.join(missing)}")
    return cls(**kwargs), unknown


@functools.cache
def _shape(endpoint: Endpoint) -> tuple[frozenset[str], tuple[str, ...]]:
    """A request class's field names and those without a default (a journal of 100 000 jobs
    reads each class's shape once, not once per job)."""
    declared = fields(REQUEST_TYPES[endpoint])
    required = (f.name for f in declared if f.default is MISSING and f.default_factory is MISSING)
    return frozenset(f.name for f in declared), tuple(required)


@functools.lru_cache(maxsize=256)
def _resolution(text: str) -> Resolution:
    return Resolution.parse(text)  # frozen, so one value may stand for every equal one


def _encode_media(ref: MediaRef) -> dict[str, str]:
    match ref:
        case LocalFile(path=path):
            return {"local": path}
        case RemoteUri(uri=uri):
            return {"uri": uri}


def _decode_media(data: Mapping[str, str]) -> MediaRef:
    if "local" in data:
        return LocalFile(str(data["local"]))
    return RemoteUri(str(data["uri"]))


def _encode_value(value: Any) -> Any:
    if isinstance(value, Resolution | Model | RetakeMode | ExtendMode):
        return str(value)
    if isinstance(value, Placement):
        return value.to_body()
    return value


def _decode_value(endpoint: Endpoint, name: str, value: Any) -> Any:
    if value is None:
        return None
    match name:
        case "model":
            return Model(value)
        case "resolution":
            return _resolution(str(value))
        case "mode":
            return RetakeMode(value) if endpoint is Endpoint.RETAKE else ExtendMode(value)
        case "placement":
            if not isinstance(value, Mapping) or set(value) - set(_PLACEMENT_KEYS):
                raise ValueError("must be an object with " + ", ".join(_PLACEMENT_KEYS))
            return Placement(**dict(value))
        case _:
            return value
