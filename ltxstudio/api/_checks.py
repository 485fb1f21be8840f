"""Field checks shared by the request models: prompts, numbers, media URIs, probed media facts.

Each check appends `FieldProblem`s instead of raising, so a request reports every problem at once
(the UI marks all bad fields) and `validate()` raises with the first. Limits come from
`ltxstudio.core.catalog` — the table the sandbox validates with too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final, Literal

from ltxstudio.api._errors import FieldProblem
from ltxstudio.core import catalog
from ltxstudio.core.catalog import Resolution

MediaKind = Literal["image", "video", "audio"]

MIME_BY_KIND: Final[dict[str, tuple[str, ...]]] = {
    "image": catalog.IMAGE_MIME,
    "video": catalog.VIDEO_MIME,
    "audio": catalog.AUDIO_MIME,
}

_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_DATA_URI: Final = re.compile(r"^data:([^;,]+)((?:;[^;,]*)*),")


@dataclass(frozen=True)
class MediaFacts:
    """What the media layer probed about an input; checked against the catalog, never sent.

    For audio-to-video it describes the audio (only `duration` matters); for retake, extend,
    HDR and reframe the input video.
    """

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


def check_uri(out: Problems, field: str, uri: object, kind: MediaKind) -> None:
    """An input reference the API can fetch: HTTPS URL, `data:` URI, or an opaque storage URI.

    Local paths are refused here: they must go through `LtxClient.upload()` first.
    """
    if not isinstance(uri, str) or not uri:
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
        out.append(
            FieldProblem(field, "looks like a local file; upload it first (LtxClient.upload)")
        )
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
