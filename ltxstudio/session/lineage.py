"""How an edit's result joins the library: the clip, the parent take, the kind of take, and the
segment its provenance keeps. One definition for the session and the viewer."""

from __future__ import annotations

from typing import Any

from ltxstudio.library.model import Take, TakeKind
from ltxstudio.session.requests import ExtendRequest, HdrRequest, ReframeRequest, RetakeRequest

EditRequest = RetakeRequest | ExtendRequest | HdrRequest | ReframeRequest

#: The request fields a take's provenance keeps as its segment.
SEGMENT_FIELDS = ("start_time", "duration", "mode", "context", "resolution")


def kind_of(request: EditRequest) -> TakeKind:
    match request:
        case RetakeRequest():
            return TakeKind.RETAKE
        case ExtendRequest():
            return TakeKind.EXTEND
        case HdrRequest():
            return TakeKind.HDR
        case ReframeRequest():
            return TakeKind.REFRAME


def edit_lineage(request: EditRequest, take: Take) -> dict[str, Any]:
    """The lineage a job carries so its result is filed as a new take of `take`'s clip."""
    segment = {k: v for k, v in request.params().items() if k in SEGMENT_FIELDS}
    return {
        "clip_id": take.clip_id,
        "parent_take_id": take.id,
        "kind": kind_of(request).value,
        "segment": segment,
    }
