"""A wire body read as the client's typed request, for tests that hold bodies (the contract
table, the sandbox's answers): what would the client say of this body?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.request import (
    REQUEST_TYPES,
    FieldProblem,
    InvalidRequest,
    MediaFacts,
    Request,
    from_wire,
)
from ltxstudio.core.request.codec import FieldValueError

#: What each endpoint's body must carry (the schemas' `required`, `duration` included though
#: null is a value on LTX-2.5), whatever defaults the typed requests have for forms.
WIRE_REQUIRED: dict[Endpoint, tuple[str, ...]] = {
    Endpoint.TEXT_TO_VIDEO: ("prompt", "model", "duration", "resolution"),
    Endpoint.IMAGE_TO_VIDEO: ("prompt", "model", "duration", "resolution", "image_uri"),
    Endpoint.AUDIO_TO_VIDEO: ("audio_uri",),
    Endpoint.RETAKE: ("video_uri", "start_time", "duration"),
    Endpoint.EXTEND: ("video_uri", "duration"),
    Endpoint.HDR: ("video_uri",),
    Endpoint.REFRAME: ("video_uri", "resolution"),
}


def request_from_body(
    endpoint: Endpoint | str, body: Mapping[str, Any], facts: MediaFacts | None = None
) -> Request:
    """The typed request for `body`, or `InvalidRequest` naming every problem (fields the
    endpoint does not have, fields it needs, and the request's own checks)."""
    try:
        kind = Endpoint(endpoint)
    except ValueError:
        allowed = tuple(e.value for e in Endpoint)
        raise InvalidRequest(
            [FieldProblem("endpoint", f"{endpoint!r} is not an endpoint", allowed)]
        ) from None
    missing = [FieldProblem(n, "is required") for n in WIRE_REQUIRED[kind] if n not in body]
    try:
        request, unknown = from_wire(kind, body)
    except FieldValueError as exc:  # a value the field cannot take
        raise InvalidRequest([*missing, FieldProblem(exc.field, exc.message)]) from None
    except ValueError as exc:  # a field the typed request cannot do without
        raise InvalidRequest([*missing, FieldProblem("body", str(exc))]) from None
    problems = [FieldProblem(name, "is not a field of this endpoint") for name in unknown]
    problems += missing
    problems += request.problems(facts)
    if problems:
        raise InvalidRequest(problems)
    assert isinstance(request, tuple(REQUEST_TYPES.values()))
    return request


@dataclass(frozen=True)
class Probed:
    """A request with what the media layer probed about its input (checked, never sent)."""

    request: Request
    facts: MediaFacts | None

    def problems(self) -> list[FieldProblem]:
        return self.request.problems(self.facts)

    def validate(self) -> None:
        self.request.validate(self.facts)

    def to_body(self) -> dict[str, Any]:
        self.validate()
        return self.request.to_body()


def build(cls: type[Request], **fields: Any) -> Any:
    """`cls(**fields)`, where `input_media=` are the probed facts its checks should see."""
    facts = fields.pop("input_media", None)
    request = cls(**fields)
    return Probed(request, facts) if facts is not None else request
