"""Clips and takes as data. A clip is one shot; each generation, retake or extend of it is a take
with full provenance, and exactly one take is active (the one the player and exports use)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, assert_never

from ltxstudio.core.catalog import ExtendMode
from ltxstudio.core.lineage import (
    ExtendSegment,
    RetakeSegment,
    Segment,
    TakeKind,
    segment_from_json,
    segment_to_json,
)
from ltxstudio.core.remote import simulated

__all__ = ["Clip", "Provenance", "Take", "TakeKind"]


@dataclass(frozen=True)
class Provenance:
    """Everything needed to know how a take was made and to make it again."""

    endpoint: str
    request: Mapping[str, Any]  # the full request as sent (media as the URIs/paths used)
    backend: str  # "sandbox" (simulated, never billed) or the live API base URL
    model: str | None = None
    job_id: str | None = None
    remote_id: str | None = None
    request_id: str | None = None
    estimate_usd: str | None = None
    parent_take_id: str | None = None
    #: What a retake or an extension changed in its parent; None for the other kinds.
    segment: Segment | None = None
    #: The local files the request was made from (API field → path), before upload.
    inputs: Mapping[str, str] = field(default_factory=dict)
    submitted_at: float | None = None
    completed_at: float | None = None

    @property
    def simulated(self) -> bool:
        return simulated(self.backend)


@dataclass(frozen=True)
class Take:
    id: str
    clip_id: str
    kind: TakeKind
    path: str  # relative to the library root
    sha256: str
    size: int
    created_at: float
    provenance: Provenance
    #: Other files that belong to the take (e.g. the HDR EXR zip), relative to the root.
    extras: tuple[str, ...] = ()
    deleted: bool = False

    @property
    def label(self) -> str:
        match self.provenance.segment:
            case RetakeSegment(start=start, duration=duration):
                return f"retake {start:g}–{start + duration:g} s"
            case ExtendSegment(duration=duration, at=at):
                return f"extend {at.value} +{duration:g} s"
            case None:
                return self.kind.value
            case _:
                assert_never(self.provenance.segment)


@dataclass(frozen=True)
class Clip:
    id: str
    title: str
    created_at: float
    active_take_id: str | None


def edited_window(take: Take, duration: float) -> tuple[float, float] | None:
    """Where (start, length) a take changed its parent, on its own timeline of `duration` s."""
    match take.provenance.segment:
        case RetakeSegment(start=start, duration=length):
            return start, length
        case ExtendSegment(duration=length, at=at):
            return (
                (0.0, length) if at is ExtendMode.START else (max(0.0, duration - length), length)
            )
        case None:
            return None
        case _:
            assert_never(take.provenance.segment)


def provenance_to_json(provenance: Provenance) -> dict[str, Any]:
    """The provenance as stored and exported; the segment in the request's own words."""
    return {**asdict(provenance), "segment": segment_to_json(provenance.segment)}


def provenance_from_json(data: Mapping[str, Any], kind: TakeKind) -> Provenance:
    values = dict(data)
    values["segment"] = segment_from_json(values.get("segment"), kind)
    return Provenance(**values)


class LibraryError(ValueError):
    pass


def provenance_document(take: Take) -> dict[str, Any]:
    return {
        "format": "ltxstudio.take/1",
        "take_id": take.id,
        "clip_id": take.clip_id,
        "kind": take.kind.value,
        "sha256": take.sha256,
        "size": take.size,
        "created_at": take.created_at,
        "simulated": take.provenance.simulated,
        "provenance": provenance_to_json(take.provenance),
    }
