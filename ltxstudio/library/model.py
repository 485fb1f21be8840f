"""Clips and takes as data. A clip is one shot; each generation, retake or extend of it is a take
with full provenance, and exactly one take is active (the one the player and exports use)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class TakeKind(StrEnum):
    GENERATED = "generated"
    RETAKE = "retake"
    EXTEND = "extend"
    HDR = "hdr"
    REFRAME = "reframe"
    IMPORTED = "imported"


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
    #: retake window (start, duration) or extend (mode, seconds, context), as sent.
    segment: Mapping[str, Any] = field(default_factory=dict)
    #: The local files the request was made from (API field → path), before upload.
    inputs: Mapping[str, str] = field(default_factory=dict)
    submitted_at: float | None = None
    completed_at: float | None = None

    @property
    def simulated(self) -> bool:
        return self.backend == "sandbox"


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
        seg = self.provenance.segment
        match self.kind:
            case TakeKind.RETAKE if seg:
                start = float(seg.get("start_time", 0))
                return f"retake {start:g}–{start + float(seg.get('duration', 0)):g} s"
            case TakeKind.EXTEND if seg:
                return f"extend {seg.get('mode', 'end')} +{float(seg.get('duration', 0)):g} s"
            case _:
                return self.kind.value


@dataclass(frozen=True)
class Clip:
    id: str
    title: str
    created_at: float
    active_take_id: str | None
