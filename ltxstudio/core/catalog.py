# Over 400 lines on purpose: the contract's whole matrix in one table, audited as one.
"""What the LTX API accepts, as data: endpoints, models, resolutions, fps, durations, media limits.

This is the one table both sides read: the client's pre-flight checks and the sandbox's
validation, the UI's controls and the cost estimate. It follows the contract as documented on
2026-09-27 (`../shared/ltx-api/CONTRACT-2026-09.md`, "the contract" below), which overrides the
July OpenAPI export and API-NOTES where they disagree; section numbers below are the contract's.
When the real API moves again, this file and `pricing.py` are where it is applied; the
hand-written table in `tests/contract/test_contract_table.py` is what holds them to the document
(it is written from the contract, not from this file, so a stale catalog fails it).

Pure data and small pure queries only: no I/O, no third-party imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from math import gcd
from typing import Final

#: The production host since 2026-07-21; the legacy one keeps working unchanged (contract §1).
API_BASE_URL: Final = "https://api.ltx.io"
LEGACY_API_BASE_URL: Final = "https://api.ltx.video"


class Endpoint(StrEnum):
    """The generation routes; the value is the path segment after `/v1/` or `/v2/`."""

    TEXT_TO_VIDEO = "text-to-video"
    IMAGE_TO_VIDEO = "image-to-video"
    AUDIO_TO_VIDEO = "audio-to-video"
    RETAKE = "retake"
    EXTEND = "extend"
    HDR = "video-to-video-hdr"
    REFRAME = "video-to-video-reframe"


#: The synchronous v1 generation routes, retired after 2026-10-26 23:59 UTC (contract §1).
#: Nothing sends to them; the sandbox answers them with "retired, use /v2/…".
RETIRED_V1_ENDPOINTS: Final = (
    Endpoint.TEXT_TO_VIDEO,
    Endpoint.IMAGE_TO_VIDEO,
    Endpoint.AUDIO_TO_VIDEO,
    Endpoint.RETAKE,
    Endpoint.EXTEND,
)
V1_RETIRED_AT: Final = "2026-10-26T23:59:59Z"
#: Every generation goes to `/v2/<endpoint>` (async submit, then poll).
V2_ENDPOINTS: Final = tuple(Endpoint)


class Model(StrEnum):
    LTX_2_3_FAST = "ltx-2-3-fast"
    LTX_2_3_PRO = "ltx-2-3-pro"
    LTX_2_5_FAST = "ltx-2-5-fast"
    LTX_2_5_PRO = "ltx-2-5-pro"

    @property
    def is_pro(self) -> bool:
        return self.value.endswith("-pro")

    @property
    def label(self) -> str:
        family = "LTX-2.3" if self.value.startswith("ltx-2-3") else "LTX-2.5"
        return f"{family} {'Pro' if self.is_pro else 'Fast'}"


#: Models the API removed on 2026-08-16 (contract §2); naming one is a 400 that points at its
#: successor.
REMOVED_MODELS: Final[dict[str, Model]] = {
    "ltx-2-fast": Model.LTX_2_3_FAST,
    "ltx-2-pro": Model.LTX_2_3_PRO,
}

FAST: Final = (Model.LTX_2_3_FAST, Model.LTX_2_5_FAST)
PRO: Final = (Model.LTX_2_3_PRO, Model.LTX_2_5_PRO)


class Tier(StrEnum):
    """Resolution classes; prices and caps are per tier, orientation does not matter."""

    P720 = "720p"
    P1080 = "1080p"
    P1440 = "1440p"
    P2160 = "4K"


_TIER_SIZE: Final[dict[Tier, tuple[int, int]]] = {
    Tier.P720: (1280, 720),
    Tier.P1080: (1920, 1080),
    Tier.P1440: (2560, 1440),
    Tier.P2160: (3840, 2160),
}


@dataclass(frozen=True, order=True)
class Resolution:
    width: int
    height: int

    @classmethod
    def parse(cls, text: str) -> Resolution:
        """Parse the API's `"WIDTHxHEIGHT"` form; raises ValueError with the offending text."""
        parts = text.strip().lower().split("x")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"resolution must look like 1920x1080, not {text!r}")
        width, height = int(parts[0]), int(parts[1])
        if width <= 0 or height <= 0:
            raise ValueError(f"resolution must be positive, not {text!r}")
        return cls(width, height)

    @classmethod
    def of(cls, tier: Tier, *, portrait: bool = False) -> Resolution:
        w, h = _TIER_SIZE[tier]
        return cls(h, w) if portrait else cls(w, h)

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def tier(self) -> Tier | None:
        """The tier whose exact 16:9 or 9:16 size this is, else None."""
        for tier, (w, h) in _TIER_SIZE.items():
            if (self.width, self.height) in ((w, h), (h, w)):
                return tier
        return None

    @property
    def aspect_label(self) -> str:
        g = gcd(self.width, self.height)
        return f"{self.width // g}:{self.height // g}"


def tier_resolutions(tiers: tuple[Tier, ...]) -> tuple[Resolution, ...]:
    """Both orientations of each tier, landscape first."""
    out: list[Resolution] = []
    for tier in tiers:
        out += [Resolution.of(tier), Resolution.of(tier, portrait=True)]
    return tuple(out)


ALL_TIERS: Final = tuple(Tier)
#: 2–5 s are beyond the documented matrix (the docs start at 6 s) but the API takes them
#: (first-party LTX-Desktop: 2–20 s; ComfyUI's 2.5 node: 2–5 s), so they stay allowed and the UI
#: says they are undocumented (contract §2).
UNDOCUMENTED_DURATIONS: Final = (2, 3, 4, 5)
SHORT_DURATIONS: Final = (*UNDOCUMENTED_DURATIONS, 6, 8, 10)
LONG_DURATIONS: Final = (*SHORT_DURATIONS, 12, 14, 16, 18, 20)


@dataclass(frozen=True)
class Envelope:
    """One row of the text/image-to-video matrix: these models, at these tiers and fps, may last
    these many seconds."""

    models: tuple[Model, ...]
    tiers: tuple[Tier, ...]
    fps: tuple[int, ...]
    durations: tuple[int, ...]


#: Contract §2, the same for 2.3 and 2.5 since 2026-09-02 (2.5 Pro gained 1440p, 4K and 48 fps).
#: Rows may overlap; a combination is allowed when any row allows it.
GENERATION_ENVELOPE: Final = (
    Envelope(FAST, (Tier.P720, Tier.P1080), (24, 25), LONG_DURATIONS),
    Envelope(FAST, (Tier.P720, Tier.P1080), (48, 50), SHORT_DURATIONS),
    Envelope(FAST, (Tier.P1440, Tier.P2160), (24, 25, 48, 50), SHORT_DURATIONS),
    Envelope(PRO, ALL_TIERS, (24, 25, 48, 50), SHORT_DURATIONS),
)

#: Which models each endpoint takes (contract §2). HDR and reframe offer no model choice: HDR
#: has no `model` field, and reframe ignores one if sent (since 2026-09-23), so none is sent.
ENDPOINT_MODELS: Final[dict[Endpoint, tuple[Model, ...]]] = {
    Endpoint.TEXT_TO_VIDEO: tuple(Model),
    Endpoint.IMAGE_TO_VIDEO: tuple(Model),
    Endpoint.AUDIO_TO_VIDEO: (Model.LTX_2_3_PRO, Model.LTX_2_5_FAST, Model.LTX_2_5_PRO),
    Endpoint.RETAKE: (Model.LTX_2_3_PRO,),
    Endpoint.EXTEND: (Model.LTX_2_3_PRO,),
    Endpoint.REFRAME: (),
    Endpoint.HDR: (),
}

#: What the server assumes when `model` is omitted (where it may be omitted).
DEFAULT_MODEL: Final[dict[Endpoint, Model]] = {
    Endpoint.AUDIO_TO_VIDEO: Model.LTX_2_3_PRO,
    Endpoint.RETAKE: Model.LTX_2_3_PRO,
    Endpoint.EXTEND: Model.LTX_2_3_PRO,
}

#: `duration: null` (the model picks) exists only for LTX-2.5 text/image-to-video; the key must
#: still be sent, and it cannot be combined with `last_frame_uri` (contract §2).
AUTO_DURATION_MODELS: Final = (Model.LTX_2_5_FAST, Model.LTX_2_5_PRO)

DEFAULT_FPS: Final = 24
CAMERA_MOTIONS: Final = (
    "dolly_in",
    "dolly_out",
    "dolly_left",
    "dolly_right",
    "jib_up",
    "jib_down",
    "static",
    "focus_shift",
)


class RetakeMode(StrEnum):
    """What a retake regenerates inside its window."""

    AUDIO_AND_VIDEO = "replace_audio_and_video"
    VIDEO = "replace_video"
    AUDIO = "replace_audio"


class ExtendMode(StrEnum):
    """Which end of the input an extension is added to."""

    END = "end"
    START = "start"


RETAKE_MODES: Final = tuple(m.value for m in RetakeMode)
EXTEND_MODES: Final = tuple(m.value for m in ExtendMode)
HDR_COLORSPACES: Final = ("acescg", "acescct", "srgb_linear", "aces2065-1")
REFRAME_ANCHORS: Final = (
    "center",
    "top",
    "bottom",
    "left",
    "right",
    "top_left",
    "top_right",
    "bottom_left",
    "bottom_right",
)
REFRAME_RESOLUTIONS: Final = tuple(
    Resolution.parse(r)
    for r in (
        "720x720",
        "1080x1080",
        "720x900",
        "1080x1350",
        "900x720",
        "1350x1080",
        "720x1280",
        "1080x1920",
        "1280x720",
        "1920x1080",
    )
)
#: Retake output is 1080p whatever the input; omitted means "by the input's orientation".
RETAKE_RESOLUTIONS: Final = tier_resolutions((Tier.P1080,))

# ------------------------------------------------------------------------------- limits

#: `maxLength` of every schema's `prompt` (contract §3).
PROMPT_MAX_CHARS: Final = 5000
A2V_AUDIO_SECONDS: Final = (2.0, 20.0)
#: Audio-to-video's `fps` (since 2026-08-19; it was always 25 before): 24 unless sent. The
#: contract lists no fps matrix for A2V; the client offers the model's t2v rates for the tier
#: (24, 25, 48, 50 at every tier for the A2V models) and the sandbox renders at what was asked.
A2V_DEFAULT_FPS: Final = 24
A2V_FPS_CHOICES: Final = (24, 25, 48, 50)
#: Longest audio per model and output tier (contract §3): 2.5 Fast and 2.3 Pro take 20 s at
#: 720p/1080p and 10 s at 1440p/4K; 2.5 Pro 10 s at every tier.
A2V_MAX_SECONDS: Final[dict[Model, dict[Tier, float]]] = {
    Model.LTX_2_3_PRO: {Tier.P720: 20, Tier.P1080: 20, Tier.P1440: 10, Tier.P2160: 10},
    Model.LTX_2_5_FAST: {Tier.P720: 20, Tier.P1080: 20, Tier.P1440: 10, Tier.P2160: 10},
    Model.LTX_2_5_PRO: {Tier.P720: 10, Tier.P1080: 10, Tier.P1440: 10, Tier.P2160: 10},
}

VIDEO_MIN_FRAMES: Final = 73  # retake/extend input, ~3 s at 24 fps
VIDEO_MAX_SIZE: Final = (3840, 2160)  # either orientation
RETAKE_MIN_SECONDS: Final = 2.0
EXTEND_SECONDS: Final = (2.0, 20.0)
#: `context` is bounded 1 ≤ context ≤ 20 s; 0 is invalid (contract §3).
EXTEND_CONTEXT_SECONDS: Final = (1.0, 20.0)
EXTEND_MAX_CONTEXT_SECONDS: Final = EXTEND_CONTEXT_SECONDS[1]
EXTEND_MAX_FRAMES: Final = 505  # context + extension, in input-fps frames
#: HDR frame caps; the input is snapped to the smallest tier that holds its pixel count.
HDR_FRAME_CAPS: Final = ((1920 * 1080, 181), (2560 * 1440, 101), (3840 * 2160, 41))
REFRAME_MAX_SECONDS: Final = 60.0
REFRAME_MAX_FRAMES: Final = 1800
REFRAME_SIDE_RANGE: Final = (64, 4096)

MB: Final = 1_000_000
#: An upload slot takes 200 MB: exactly 209 715 200 bytes, the bound the slot's signed
#: `x-goog-content-length-range: 0,209715200` header enforces (contract §4).
UPLOAD_MAX_BYTES: Final = 209_715_200
#: Size caps per transport. Data-URI caps apply to the *encoded* length.
URL_MAX_BYTES: Final = {"image": 15 * MB, "video": 32 * MB, "audio": 32 * MB}
DATA_URI_MAX_BYTES: Final = {"image": 7 * MB, "video": 15 * MB, "audio": 15 * MB}
#: Caps at generation time, whatever the transport (contract §4): images 15 MB; the input video
#: of extend 100 MB, of reframe 200 MB. Other roles are bounded by their transport only.
IMAGE_MAX_BYTES: Final = 15 * MB
EXTEND_VIDEO_MAX_BYTES: Final = 100 * MB
REFRAME_VIDEO_MAX_BYTES: Final = 200 * MB
#: An uploaded file lives 24 h; a prepared body whose upload is older than this is uploaded
#: again before it is sent (an hour of margin for the submit and the API's fetch).
UPLOAD_LIFETIME_SECONDS: Final = 24 * 3600
UPLOAD_REUSE_SECONDS: Final = 23 * 3600

IMAGE_MIME: Final = ("image/png", "image/jpeg", "image/webp")
VIDEO_MIME: Final = ("video/mp4", "video/quicktime", "video/x-matroska")
AUDIO_MIME: Final = ("audio/wav", "audio/x-wav", "audio/mpeg", "audio/mp4", "audio/ogg")
VIDEO_CODECS: Final = ("h264", "hevc")
AUDIO_CODECS: Final = ("aac", "mp3", "opus", "vorbis", "flac")  # AAC only as AAC-LC; no PCM

#: Poll at least every 5 s, with jitter: 5–6 s (contract §5).
POLL_INTERVAL_SECONDS: Final = 5.0
POLL_JITTER_SECONDS: Final = 1.0
#: A job's status is kept *up to* 24 h after its terminal state, and "can be removed sooner".
RETENTION_SECONDS: Final = 24 * 3600
DEFAULT_CONCURRENCY: Final = 2

# ------------------------------------------------------------------------------- queries


def model_problem(endpoint: Endpoint, model: str) -> str | None:
    """Why `model` cannot be used on `endpoint`, or None when it can."""
    if model in REMOVED_MODELS:
        return (
            f"model {model!r} was removed on 2026-08-16; use {REMOVED_MODELS[model].value!r} "
            "instead"
        )
    allowed = ENDPOINT_MODELS[endpoint]
    if not allowed:
        return f"{endpoint.value} has no model choice; send no model"
    if model not in allowed:
        names = ", ".join(m.value for m in allowed)
        return f"model {model!r} is not available for {endpoint.value}; allowed: {names}"
    return None


def is_documented_duration(duration: int | None) -> bool:
    """False for the 2–5 s the API takes but the docs do not list (the UI says so)."""
    return duration not in UNDOCUMENTED_DURATIONS


def allowed_resolutions(model: Model) -> tuple[Resolution, ...]:
    tiers = [
        t for t in ALL_TIERS if any(model in e.models and t in e.tiers for e in GENERATION_ENVELOPE)
    ]
    return tier_resolutions(tuple(tiers))


def allowed_fps(model: Model, resolution: Resolution) -> tuple[int, ...]:
    tier = resolution.tier
    found = {f for e in GENERATION_ENVELOPE if model in e.models and tier in e.tiers for f in e.fps}
    return tuple(sorted(found))


def allowed_durations(model: Model, resolution: Resolution, fps: int) -> tuple[int, ...]:
    tier = resolution.tier
    found = {
        d
        for e in GENERATION_ENVELOPE
        if model in e.models and tier in e.tiers and fps in e.fps
        for d in e.durations
    }
    return tuple(sorted(found))


@dataclass(frozen=True)
class Problem:
    """A request field that the catalog rejects, and why."""

    field: str
    message: str


def generation_check(
    model: Model, resolution: Resolution, fps: int, duration: int | None
) -> Problem | None:
    """Why this text/image-to-video combination is impossible, or None. `duration` None = auto."""
    resolutions = allowed_resolutions(model)
    if resolution not in resolutions:
        names = ", ".join(str(r) for r in resolutions)
        return Problem(
            "resolution",
            f"resolution {resolution} is not available for {model.value}; allowed: {names}",
        )
    rates = allowed_fps(model, resolution)
    if fps not in rates:
        names = ", ".join(str(f) for f in rates)
        return Problem(
            "fps", f"fps {fps} is not available for {model.value} at {resolution}; allowed: {names}"
        )
    if duration is None:
        if model not in AUTO_DURATION_MODELS:
            return Problem(
                "duration", f"automatic duration (null) needs an LTX-2.5 model, not {model.value}"
            )
        return None
    durations = allowed_durations(model, resolution, fps)
    if duration not in durations:
        names = ", ".join(str(d) for d in durations)
        return Problem(
            "duration",
            f"duration {duration} s is not available for {model.value} at {resolution} "
            f"{fps} fps; allowed: {names}",
        )
    return None


def generation_problem(
    model: Model, resolution: Resolution, fps: int, duration: int | None
) -> str | None:
    """The message of `generation_check`, for callers that only need the sentence."""
    problem = generation_check(model, resolution, fps, duration)
    return problem.message if problem else None


def a2v_max_seconds(model: Model, resolution: Resolution) -> float | None:
    """Longest audio this model takes at this resolution, or None if the pair is impossible."""
    tier = resolution.tier
    if tier is None:
        return None
    return A2V_MAX_SECONDS.get(model, {}).get(tier)


def a2v_resolutions(model: Model) -> tuple[Resolution, ...]:
    """Output sizes audio-to-video offers with this model (both orientations)."""
    return tier_resolutions(tuple(A2V_MAX_SECONDS.get(model, {})))


def a2v_fps(model: Model, resolution: Resolution) -> tuple[int, ...]:
    """Frame rates audio-to-video takes with this model at this size (see `A2V_FPS_CHOICES`)."""
    if a2v_max_seconds(model, resolution) is None:
        return ()
    return A2V_FPS_CHOICES


#: What audio-to-video renders when `resolution` is omitted: by the image's orientation, else
#: landscape 1080p (contract §3). Either way the 1080p tier, which is what prices and caps use.
A2V_DEFAULT_RESOLUTION: Final = Resolution.of(Tier.P1080)


def a2v_default_resolution(image_portrait: bool | None) -> Resolution:
    return Resolution.of(Tier.P1080, portrait=bool(image_portrait))


def hdr_frame_cap(width: int, height: int) -> int | None:
    """Most frames HDR takes for an input of this size; None when it is larger than 4K."""
    pixels = width * height
    for limit, cap in HDR_FRAME_CAPS:
        if pixels <= limit:
            return cap
    return None


def extend_max_context(fps: float, duration: float, input_seconds: float | None = None) -> float:
    """The default `context`: as much as fits in 505 frames with the extension, at most 20 s,
    and never more than the input holds (a 3 s clip cannot give 15 s of context)."""
    free_frames = EXTEND_MAX_FRAMES - round(duration * fps)
    most = min(EXTEND_MAX_CONTEXT_SECONDS, free_frames / fps)
    if input_seconds is not None:
        most = min(most, input_seconds)
    return max(0.0, most)


def upload_is_stale(uploaded_at: float, now: float) -> bool:
    """Whether a storage URI from an upload at `uploaded_at` may be dead by the time it is used."""
    return now - uploaded_at > UPLOAD_REUSE_SECONDS
