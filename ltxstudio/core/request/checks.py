"""Field checks shared by the request models: prompts, numbers, media references, probed facts.

Each check appends a `FieldProblem` instead of raising, so a request reports every problem at once
(the UI marks all bad fields, the CLI prints them all). Limits come from `core.catalog`, the table
the sandbox validates with too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final, Literal

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Resolution
from ltxstudio.core.request.media import LocalFile, MediaRef, RemoteUri

MediaKind = Literal["image", "video", "audio"]

MIME_BY_KIND: Final[dict[str, tuple[str, ...]]] = {
    "image": catalog.IMAGE_MIME,
    "video": catalog.VIDEO_MIME,
    "audio": catalog.AUDIO_MIME,
}

#: How a sentence names an API field.
FIELD_LABELS: Final = {
    "image_uri": "image",
    "last_frame_uri": "last frame",
    "audio_uri": "soundtrack",
    "video_uri": "video",
    "start_time": "start",
}

_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_DATA_URI: Final = re.compile(r"^data:([^;,]+)((?:;[^;,]*)*),")


@dataclass(frozen=True)
class FieldProblem:
    """One reason a request cannot succeed: the field, why, and what would be accepted."""

    field: str
    message: str
    allowed: tuple[object, ...] = ()

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    def __str__(self) -> str:
        label = self.label
        if label in self.message or self.field in self.message:
            return self.message  # already a whole sentence about this field
        # "duration is 1.2; it must be at least 2" reads better than "duration: is 1.2; …"
        joiner = " " if self.message.startswith(("is ", "has ", "must ")) else ": "
        return f"{label}{joiner}{self.message}"


@dataclass(frozen=True)
class MediaFacts:
    """What the media layer probed about a request's main input; checked against the catalog
    and used for the price, never sent. For audio-to-video it describes the audio (only
    `duration` matters); for retake, extend, HDR and reframe the input video."""

    duration: float
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    frames: int | None = None

    @property
    def frame_count(self) -> int | None:
        if self.frames is not None:
            return self.frames
        if self.fps is not None:
            return round(self.duration * self.fps)
        return None


Problems = list[FieldProblem]


def check_prompt(out: Problems, prompt: object, *, required: bool, field: str = "prompt") -> None:
    if prompt is None:
        if required:
            out.append(FieldProblem(field, "is required"))
        return
    if not isinstance(prompt, str):
        out.append(FieldProblem(field, f"must be text, not {type(prompt).__name__}"))
        return
    if required and not prompt.strip():
        out.append(FieldProblem(field, "is required and must not be blank"))
    if len(prompt) > catalog.PROMPT_MAX_CHARS:
        out.append(
            FieldProblem(
                field,
                f"has {len(prompt)} characters; at most {catalog.PROMPT_MAX_CHARS} are allowed",
            )
        )


def check_choice(out: Problems, field: str, value: object, allowed: tuple[object, ...]) -> None:
    if isinstance(value, bool) or value not in allowed:
        names = ", ".join(str(a) for a in allowed)
        out.append(FieldProblem(field, f"{value!r} is not allowed; allowed: {names}", allowed))


def check_number(
    out: Problems,
    field: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
) -> float | None:
    """A finite real number within [low, high] (or (low, high] with `low_open`)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        out.append(FieldProblem(field, f"must be a finite number, not {value!r}"))
        return None
    number = float(value)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and number > high
    if too_low or too_high:
        if low is not None and high is not None:
            rule = f"between {low:g} and {high:g}"
        elif low is not None:
            rule = f"more than {low:g}" if low_open else f"at least {low:g}"
        else:
            rule = f"at most {high:g}"
        out.append(FieldProblem(field, f"is {number:g}; it must be {rule}"))
        return None
    return number


def as_resolution(out: Problems, field: str, value: object) -> Resolution | None:
    if isinstance(value, Resolution):
        return value
    if isinstance(value, str):
        try:
            return Resolution.parse(value)
        except ValueError as exc:
            out.append(FieldProblem(field, str(exc)))
            return None
    out.append(FieldProblem(field, f"must be a resolution like 1920x1080, not {value!r}"))
    return None


def check_media(
    out: Problems, field: str, ref: MediaRef | None, kind: MediaKind, *, missing: str = ""
) -> None:
    """A media input: a local file (the media layer checks it before upload) or a URI the API
    can fetch (an https URL, a `data:` URI or an opaque storage URI)."""
    match ref:
        case None:
            if missing:
                out.append(FieldProblem(field, missing))
        case LocalFile():
            pass  # probed and checked for its role by the media layer, then uploaded
        case RemoteUri(uri=uri):
            check_uri(out, field, uri, kind)


def check_uri(out: Problems, field: str, uri: str, kind: MediaKind) -> None:
    if not uri:
        out.append(FieldProblem(field, "is required (an https URL, data: URI or storage URI)"))
        return
    scheme_match = _SCHEME.match(uri)
    scheme = scheme_match.group(1).lower() if scheme_match else ""
    if scheme == "data":
        _check_data_uri(out, field, uri, kind)
    elif scheme == "https":
        if len(uri) <= len("https://"):
            out.append(FieldProblem(field, "an https URL needs a host"))
    elif scheme == "http":
        out.append(FieldProblem(field, "the API fetches only https URLs; upload the file instead"))
    elif scheme in ("", "file") or (len(scheme) == 1 and uri[1:3] in (":\\", ":/")):
        out.append(FieldProblem(field, "looks like a local file; upload it first"))
    # Any other scheme is a storage URI from /v1/upload (e.g. ltx://uploads/…): opaque, accepted.


def _check_data_uri(out: Problems, field: str, uri: str, kind: MediaKind) -> None:
    header = _DATA_URI.match(uri[:512])
    if header is None:
        out.append(FieldProblem(field, "is not a valid data: URI (data:<mime>;base64,<data>)"))
        return
    mime = header.group(1).lower()
    allowed = MIME_BY_KIND[kind]
    if mime not in allowed:
        out.append(
            FieldProblem(
                field,
                f"a {kind} data: URI must have one of these types: {', '.join(allowed)}; "
                f"got {mime}",
                allowed,
            )
        )
    if ";base64" not in header.group(2).lower():
        out.append(FieldProblem(field, "data: URIs must be base64-encoded"))
    cap = catalog.DATA_URI_MAX_BYTES[kind]
    if len(uri) > cap:
        out.append(
            FieldProblem(
                field,
                f"the data: URI is {len(uri):,} bytes; {kind} data URIs may be at most "
                f"{cap:,} bytes encoded — upload the file instead",
            )
        )


def check_video_input(
    out: Problems, facts: MediaFacts | None, *, min_frames: bool, field: str = "video_uri"
) -> None:
    """Retake/extend input rules: at most 3840x2160 (either orientation), at least 73 frames."""
    if facts is None:
        return
    if facts.width is not None and facts.height is not None:
        long_side, short_side = max(facts.width, facts.height), min(facts.width, facts.height)
        if long_side > catalog.VIDEO_MAX_SIZE[0] or short_side > catalog.VIDEO_MAX_SIZE[1]:
            out.append(
                FieldProblem(
                    field,
                    f"input is {facts.width}x{facts.height}; at most 3840x2160 is accepted",
                )
            )
    frames = facts.frame_count
    if min_frames and frames is not None and frames < catalog.VIDEO_MIN_FRAMES:
        out.append(
            FieldProblem(
                field,
                f"input has {frames} frames; at least {catalog.VIDEO_MIN_FRAMES} are needed "
                "(about 3 s at 24 fps)",
            )
        )


def check_model(out: Problems, endpoint: catalog.Endpoint, model: object) -> catalog.Model | None:
    allowed = tuple(m.value for m in catalog.ENDPOINT_MODELS[endpoint])
    problem = catalog.model_problem(endpoint, str(model))
    if problem is not None:
        out.append(FieldProblem("model", problem, allowed))
        return None
    return catalog.Model(str(model))
