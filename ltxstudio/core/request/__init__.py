"""The one family of typed requests: what the user asks for, from the form to the wire.

A request is built once (a form, the CLI, a batch line), checked by its own `problems()`, priced
by `core.pricing.quote(request.cost_basis(facts))`, journaled through `codec`, uploaded
(`with_media`) and sent (`to_body()`); the same value reaches the provenance of its result. It
lives in `core` so the job engine can hold it without importing the API client.
"""

from ltxstudio.core.request.base import MEDIA_FIELDS, InvalidRequest
from ltxstudio.core.request.checks import FieldProblem, MediaFacts
from ltxstudio.core.request.codec import REQUEST_TYPES, Request, decode, encode, from_wire
from ltxstudio.core.request.edits import Extend, Hdr, Placement, Reframe, Retake
from ltxstudio.core.request.generation import AudioToVideo, ImageToVideo, TextToVideo
from ltxstudio.core.request.media import LocalFile, MediaRef, RemoteUri, media_ref

EditRequest = Retake | Extend | Hdr | Reframe
GenerationRequest = TextToVideo | ImageToVideo | AudioToVideo

__all__ = [
    "MEDIA_FIELDS",
    "REQUEST_TYPES",
    "AudioToVideo",
    "EditRequest",
    "Extend",
    "FieldProblem",
    "GenerationRequest",
    "Hdr",
    "ImageToVideo",
    "InvalidRequest",
    "LocalFile",
    "MediaFacts",
    "MediaRef",
    "Placement",
    "Reframe",
    "RemoteUri",
    "Request",
    "Retake",
    "TextToVideo",
    "decode",
    "encode",
    "from_wire",
    "media_ref",
]
