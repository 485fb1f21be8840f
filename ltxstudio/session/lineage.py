"""How an edit's result joins the library: the clip, the parent take, the kind of take, and the
segment its provenance keeps. One definition for the session and the viewer."""

from __future__ import annotations

from typing import assert_never

from ltxstudio.core.lineage import ExtendSegment, Lineage, RetakeSegment, Segment, TakeKind
from ltxstudio.core.request import EditRequest, Extend, Hdr, Reframe, Retake
from ltxstudio.library.model import Take


def kind_of(request: EditRequest) -> TakeKind:
    match request:
        case Retake():
            return TakeKind.RETAKE
        case Extend():
            return TakeKind.EXTEND
        case Hdr():
            return TakeKind.HDR
        case Reframe():
            return TakeKind.REFRAME
        case _:
            assert_never(request)


def segment_of(request: EditRequest) -> Segment | None:
    """What the edit changes in its parent, as the take's provenance keeps it."""
    match request:
        case Retake(start_time=start, duration=duration, mode=mode):
            return RetakeSegment(float(start), float(duration), mode)
        case Extend(duration=duration, mode=mode, context=context):
            return ExtendSegment(float(duration), mode, context)
        case Hdr() | Reframe():
            return None
        case _:
            assert_never(request)


def edit_lineage(request: EditRequest, take: Take) -> Lineage:
    """The lineage a job carries so its result is filed as a new take of `take`'s clip."""
    return Lineage(
        kind=kind_of(request),
        clip_id=take.clip_id,
        parent_take_id=take.id,
        segment=segment_of(request),
    )
