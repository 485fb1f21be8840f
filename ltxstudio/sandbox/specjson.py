"""A render spec as JSON, its media kept aside by content, so a job can be rendered again after a
restart. Rendering is a pure function of the spec, so the second render is the first one's twin.

    {"v": 1, "kind": "scene", "fields": {"prompt": "…", "image": {"blob": "<sha256>"}, …}}
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from ltxstudio.sandbox.render import (
    ExtendSpec,
    HdrSpec,
    ReframeSpec,
    RenderSpec,
    RetakeSpec,
    SceneSpec,
)
from ltxstudio.sandbox.validation import Placement

VERSION = 1

_KINDS: dict[str, type[RenderSpec]] = {
    "scene": SceneSpec,
    "retake": RetakeSpec,
    "extend": ExtendSpec,
    "hdr": HdrSpec,
    "reframe": ReframeSpec,
}
_KIND_OF = {cls: kind for kind, cls in _KINDS.items()}


class SpecDecodeError(ValueError):
    """A stored spec this code cannot rebuild."""


def encode_spec(spec: RenderSpec, keep: Callable[[bytes], str]) -> str:
    """JSON for `spec`; `keep(data)` stores each media input and returns the name it goes by."""
    fields = {f.name: _encode(getattr(spec, f.name), keep) for f in dataclasses.fields(spec)}
    return json.dumps({"v": VERSION, "kind": _KIND_OF[type(spec)], "fields": fields})


def decode_spec(text: str, load: Callable[[str], bytes]) -> RenderSpec:
    """The spec `encode_spec` wrote; `load(name)` gives back a stored input."""
    try:
        doc = json.loads(text)
        if doc.get("v") != VERSION:
            raise SpecDecodeError(f"render spec version {doc.get('v')!r} is not {VERSION}")
        cls = _KINDS[doc["kind"]]
        values = {name: _decode(value, load) for name, value in doc["fields"].items()}
        return cls(**values)
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise SpecDecodeError(f"not a render spec: {exc!r}") from None


def spec_inputs(text: str) -> set[str]:
    """The names of the stored inputs a spec needs."""
    doc = json.loads(text)
    return {
        value["blob"]
        for value in doc.get("fields", {}).values()
        if isinstance(value, dict) and "blob" in value
    }


def _encode(value: object, keep: Callable[[bytes], str]) -> Any:
    if isinstance(value, bytes):
        return {"blob": keep(value)}
    if isinstance(value, Placement):
        return {"placement": dataclasses.asdict(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a render spec field holds a {type(value).__name__}")


def _decode(value: object, load: Callable[[str], bytes]) -> Any:
    if isinstance(value, dict):
        if "blob" in value:
            return load(str(value["blob"]))
        return Placement(**value["placement"])
    return value
