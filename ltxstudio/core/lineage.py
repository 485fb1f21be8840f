"""Where a result comes from and what it changed: typed, from the queued job to the take.

A job carries a `Lineage` (which clip its result joins, the take it was made from, the kind of
take it becomes) and, for a retake or an extension, the `Segment` it changed; the filer copies
both into the take's provenance, and the viewer reads them without parsing a dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, assert_never

from ltxstudio.core.catalog import ExtendMode, RetakeMode


class TakeKind(StrEnum):
    GENERATED = "generated"
    RETAKE = "retake"
    EXTEND = "extend"
    HDR = "hdr"
    REFRAME = "reframe"
    IMPORTED = "imported"


@dataclass(frozen=True)
class RetakeSegment:
    """The window [start, start + duration) of the parent that was regenerated."""

    start: float
    duration: float
    mode: RetakeMode = RetakeMode.AUDIO_AND_VIDEO


@dataclass(frozen=True)
class ExtendSegment:
    """`duration` seconds added at the `at` end of the parent, guided by `context` seconds."""

    duration: float
    at: ExtendMode = ExtendMode.END
    context: float | None = None


Segment = RetakeSegment | ExtendSegment


@dataclass(frozen=True)
class Lineage:
    """How a job's result joins the library. `clip_id` None: a new clip (a fresh generation)."""

    kind: TakeKind = TakeKind.GENERATED
    clip_id: str | None = None
    parent_take_id: str | None = None
    segment: Segment | None = None


def segment_to_json(segment: Segment | None) -> dict[str, Any]:
    """The wire-like dict provenance files have always shown (`start_time`, `duration`, …)."""
    match segment:
        case None:
            return {}
        case RetakeSegment(start=start, duration=duration, mode=mode):
            return {"start_time": start, "duration": duration, "mode": mode.value}
        case ExtendSegment(duration=duration, at=at, context=context):
            out: dict[str, Any] = {"duration": duration, "mode": at.value}
            if context is not None:
                out["context"] = context
            return out
        case _:
            assert_never(segment)


def segment_from_json(data: Mapping[str, Any] | None, kind: TakeKind) -> Segment | None:
    """The typed segment of a stored one (older libraries stored the request's own fields)."""
    if not data or kind not in (TakeKind.RETAKE, TakeKind.EXTEND):
        return None
    if kind is TakeKind.RETAKE:
        return RetakeSegment(
            float(data.get("start_time", 0.0)),
            float(data.get("duration", 0.0)),
            RetakeMode(data.get("mode", RetakeMode.AUDIO_AND_VIDEO.value)),
        )
    context = data.get("context")
    return ExtendSegment(
        float(data.get("duration", 0.0)),
        ExtendMode(data.get("mode", ExtendMode.END.value)),
        float(context) if context is not None else None,
    )


def lineage_to_json(lineage: Lineage) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": lineage.kind.value}
    if lineage.clip_id is not None:
        out["clip_id"] = lineage.clip_id
    if lineage.parent_take_id is not None:
        out["parent_take_id"] = lineage.parent_take_id
    if lineage.segment is not None:
        out["segment"] = segment_to_json(lineage.segment)
    return out


def lineage_from_json(data: Mapping[str, Any] | None) -> Lineage:
    if not data:
        return Lineage()
    kind = TakeKind(data.get("kind", TakeKind.GENERATED.value))
    return Lineage(
        kind=kind,
        clip_id=data.get("clip_id"),
        parent_take_id=data.get("parent_take_id"),
        segment=segment_from_json(data.get("segment"), kind),
    )
