"""The LTX API as `../shared/ltx-api/CONTRACT-2026-09.md` states it, written out by hand.

This is the oracle the `test_contract_*.py` modules hold the client, the estimate, the sandbox's
validation and the sandbox's ledger to. Every value was typed from the contract (and, where the
contract says "unchanged" or does not restate a rule, from API-NOTES, which it lets fill in).
Nothing is read from `ltxstudio/core/catalog.py` or `ltxstudio/core/pricing.py`, and nothing
here imports `ltxstudio`: the client and the sandbox share that catalog, so a stale catalog can
only be caught by a table that does not come from it. Section marks (§n) are the contract's.
The rules (§2, §3) are here; the prices (§6) and the concrete priced requests in `prices.py`.

Readings chosen where the contract is silent or ambiguous (each is marked `READING Rn` where used):

- R1 A2V `fps`: the contract gives a type and a default (integer, 24) but no allowed set. We take
  the project's reading: 24, 25, 48, 50 at every tier the model offers for A2V (the T2V/I2V rates
  of the same generation), so 23, 30 and 60 are refused.
- R2 A2V sizes: "2.5 Pro 10 s at every tier" is read as all four tiers (720p, 1080p, 1440p, 4K),
  both orientations, like the 2.5 Pro T2V/I2V matrix since 2026-09-02. A2V sizes outside the
  8 standard sizes are refused.
- R3 A2V prompt: "prompt required only without an image"; an empty or blank prompt without an
  image counts as no prompt (refused); with an image the prompt may be absent or "".
- R4 Upload/"MB": the project's reading is adopted — the upload cap is 209 715 200 bytes as the
  `x-goog-content-length-range` example in §4 says, other "MB" caps are decimal (10^6). No row
  here depends on it (every input is far below every cap); it is recorded so a later row that
  does uses the same reading.
- R5 Extend's default `context` ("max that fits", API-NOTES 3.5) is the largest context with
  `context + duration` ≤ 505 frames at the input fps, at most 20 s, and never more than the input
  itself holds (a 3 s input cannot give 15 s of context); it is billed as such.
- R6 Prices with more than four decimals (only extend at the 505-frame cap when 505 / fps does
  not terminate) are compared to the cent; the contract does not say how charges are rounded.
- R7 Automatic duration (T2V/I2V on 2.5) has no price of its own; "the model never exceeds the
  longest duration allowed for the resolution/fps" (§2) makes the longest one the most it can
  cost, so that is what an estimate must show for a budget to hold.
- R8 Reframe `model`: "if sent it is ignored (the service picks)": a body with any model id,
  current or removed, is accepted like one without.
- R9 HDR tiers: an input is snapped to the smallest tier that holds its pixel count
  (API-NOTES 3.6): ≤ 1920·1080 px, ≤ 2560·1440 px, ≤ 3840·2160 px; larger inputs are refused.
- R10 Extend without `context`: the default context obeys the same 1 ≤ context bound, so an
  extension that leaves less than 1 s of the 505-frame budget (20 s at 25 fps) is refused, not
  run with a shorter context.
- R11 A2V `guidance_scale` (removed on 2026-08-19, §3): the sandbox answers it with a 400 that
  names it instead of ignoring it like a field that never existed, so a client still sending it
  is caught by every test that runs against the sandbox; the client never builds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: sha256 of the contract this table was written from (a changed contract must be re-read).
CONTRACT_SHA256: Final = "5196268b4ac9ef91ccf13f7a4d29b8a94e401fcc99192b3fb487c87494e0005d"

T2V: Final = "text-to-video"
I2V: Final = "image-to-video"
A2V: Final = "audio-to-video"
RETAKE: Final = "retake"
EXTEND: Final = "extend"
HDR: Final = "video-to-video-hdr"
REFRAME: Final = "video-to-video-reframe"


@dataclass(frozen=True)
class Verdict:
    """Allowed or not, and the contract rule that decides it (for the report)."""

    ok: bool
    rule: str


def allowed(rule: str = "") -> Verdict:
    return Verdict(True, rule)


def refused(rule: str) -> Verdict:
    return Verdict(False, rule)


# --------------------------------------------------------------- §2 models × endpoints

FAST_23: Final = "ltx-2-3-fast"
PRO_23: Final = "ltx-2-3-pro"
FAST_25: Final = "ltx-2-5-fast"
PRO_25: Final = "ltx-2-5-pro"
CURRENT_MODELS: Final = (FAST_23, PRO_23, FAST_25, PRO_25)
#: §2, last bullet: removed on 2026-08-16; a request naming one is refused.
REMOVED_MODELS: Final = ("ltx-2-fast", "ltx-2-pro")
ALL_MODELS: Final = (*CURRENT_MODELS, *REMOVED_MODELS)

#: §2 first table. HDR takes no model; reframe's is ignored if sent (§3, READING R8).
ENDPOINT_MODELS: Final[dict[str, tuple[str, ...]]] = {
    T2V: (FAST_25, PRO_25, FAST_23, PRO_23),
    I2V: (FAST_25, PRO_25, FAST_23, PRO_23),
    A2V: (FAST_25, PRO_25, PRO_23),
    RETAKE: (PRO_23,),
    EXTEND: (PRO_23,),
    HDR: (),
    REFRAME: (),
}
#: §2: "(the default)" / "(only value, the default)".
DEFAULT_MODEL: Final = {A2V: PRO_23, RETAKE: PRO_23, EXTEND: PRO_23}


def model_verdict(endpoint: str, model: str) -> Verdict:
    if model in REMOVED_MODELS:
        return refused(f"§2 {model} was removed on 2026-08-16")
    if model not in ENDPOINT_MODELS[endpoint]:
        return refused(f"§2 {endpoint} does not take {model}")
    return allowed()


# --------------------------------------------------------------- §2 resolutions

TIERS: Final = ("720p", "1080p", "1440p", "4K")
#: §2: "1280x720, 1920x1080, 2560x1440, 3840x2160 and their 9:16 swaps".
TIER_SIZES: Final[dict[str, tuple[str, str]]] = {
    "720p": ("1280x720", "720x1280"),
    "1080p": ("1920x1080", "1080x1920"),
    "1440p": ("2560x1440", "1440x2560"),
    "4K": ("3840x2160", "2160x3840"),
}
STANDARD_SIZES: Final = tuple(size for tier in TIERS for size in TIER_SIZES[tier])
#: Not in the matrix on purpose: squares, other 16:9 sizes, one off by 8 px, one above 4K.
OFF_MATRIX_SIZES: Final = (
    "720x720",
    "1080x1080",
    "640x360",
    "1024x576",
    "1920x1088",
    "2048x1152",
    "4096x2160",
)


def tier_of(size: str) -> str | None:
    for tier, sizes in TIER_SIZES.items():
        if size in sizes:
            return tier
    return None


# --------------------------------------------------------------- §2 T2V/I2V matrix

#: §2 second table, row for row: (models, tiers, fps, durations the docs list).
#: "the same for 2.3 and 2.5 since 2026-09-02"; "2.5 Pro included: 1440p, 4K and 48 fps are new".
DOCUMENTED_MATRIX: Final[
    tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[int, ...]], ...]
] = (
    ((FAST_23, FAST_25), ("720p", "1080p"), (24, 25), (6, 8, 10, 12, 14, 16, 18, 20)),
    ((FAST_23, FAST_25), ("720p", "1080p"), (48, 50), (6, 8, 10)),
    ((FAST_23, FAST_25), ("1440p", "4K"), (24, 25, 48, 50), (6, 8, 10)),
    ((PRO_23, PRO_25), ("720p", "1080p", "1440p", "4K"), (24, 25, 48, 50), (6, 8, 10)),
)
#: §2 second bullet: "The project keeps 2–5 s allowed (API-NOTES 4.3)" in every cell.
UNDOCUMENTED_SHORT_DURATIONS: Final = (2, 3, 4, 5)
#: §2 third bullet: `duration: null` on the 2.5 models, T2V/I2V only, never with a last frame.
AUTO_DURATION_MODELS: Final = (FAST_25, PRO_25)

#: The grid the sweep walks (the brief's probes): fps and duration values either side of the rules.
FPS_PROBES: Final = (23, 24, 25, 30, 48, 50, 60)
DURATION_PROBES: Final[tuple[int | None, ...]] = (None, *range(1, 22))


def generation_durations(model: str, size: str, fps: int) -> tuple[int, ...]:
    """Whole-second durations allowed for the cell, () when the cell does not exist (§2)."""
    tier = tier_of(size)
    for models, tiers, rates, durations in DOCUMENTED_MATRIX:
        if model in models and tier in tiers and fps in rates:
            return (*UNDOCUMENTED_SHORT_DURATIONS, *durations)
    return ()


def generation_verdict(
    endpoint: str, model: str, size: str, fps: int, duration: int | None, *, last_frame: bool
) -> Verdict:
    """T2V/I2V: model × resolution × fps × duration (None = automatic), §2."""
    verdict = model_verdict(endpoint, model)
    if not verdict.ok:
        return verdict
    if tier_of(size) is None:
        return refused(f"§2 {size} is not one of the 8 resolutions")
    cell = generation_durations(model, size, fps)
    if not cell:
        return refused(f"§2 matrix: {model} has no {fps} fps at {size}")
    if duration is None:
        if model not in AUTO_DURATION_MODELS:
            return refused("§2 automatic duration exists on the 2.5 models only")
        if last_frame:
            return refused("§2 automatic duration cannot be combined with last_frame_uri")
        return allowed("§2 automatic duration")
    if duration not in cell:
        return refused(f"§2 matrix: {duration} s is not offered for {model} at {size} {fps} fps")
    return allowed()


# --------------------------------------------------------------- §3 prompt

#: §3: "prompt has maxLength: 5000 in the schema" on every endpoint with a prompt.
PROMPT_MAX_CHARS: Final = 5000
PROMPT_ENDPOINTS: Final = (T2V, I2V, A2V, RETAKE, EXTEND)

#: API-NOTES 3.1 ([OAS] enum), which §3 keeps for A2V ("same enum as T2V").
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

#: §3 last row: never in a body the client sends.
NOT_IN_THE_API: Final = (
    "seed",
    "negative_prompt",
    "steps",
    "guidance_scale",
    "enhance_prompt",
    "webhook",
    "callback_url",
    "idempotency_key",
)

#: The fields each endpoint has (API-NOTES §3 as amended by §3 of the contract); a client body
#: carries nothing else. A2V lost `guidance_scale` and gained fps/last_frame_uri/camera_motion;
#: reframe's `model` is ignored, HDR has "one field, video_uri".
FIELDS: Final[dict[str, frozenset[str]]] = {
    T2V: frozenset(
        {"prompt", "model", "duration", "resolution", "fps", "generate_audio", "camera_motion"}
    ),
    I2V: frozenset(
        {
            "prompt",
            "model",
            "duration",
            "resolution",
            "fps",
            "generate_audio",
            "camera_motion",
            "image_uri",
            "last_frame_uri",
        }
    ),
    A2V: frozenset(
        {
            "audio_uri",
            "image_uri",
            "last_frame_uri",
            "prompt",
            "resolution",
            "model",
            "fps",
            "camera_motion",
        }
    ),
    RETAKE: frozenset(
        {"video_uri", "start_time", "duration", "prompt", "mode", "resolution", "model"}
    ),
    EXTEND: frozenset({"video_uri", "duration", "prompt", "mode", "model", "context"}),
    HDR: frozenset({"video_uri"}),
    REFRAME: frozenset({"video_uri", "resolution", "model"}),
}


# --------------------------------------------------------------- §3 audio-to-video

#: READING R1.
A2V_FPS: Final = (24, 25, 48, 50)
#: §3: "fps (integer, default 24 — no longer 'always 25')".
A2V_DEFAULT_FPS: Final = 24
#: §3: "resolution optional (defaults from the image's orientation, else 1920x1080)".
A2V_DEFAULT_SIZE: Final = "1920x1080"
A2V_DEFAULT_PORTRAIT_SIZE: Final = "1080x1920"
#: API-NOTES 3.3 / 7 ("A2V audio 2–20 s"), kept by §3's caps.
A2V_MIN_AUDIO_SECONDS: Final = 2
#: §3 audio length caps, model × tier (seconds). The tiers listed are the model's A2V sizes
#: (READING R2); 2.3 Fast has no A2V (§2).
A2V_AUDIO_CAP: Final[dict[tuple[str, str], int]] = {
    (FAST_25, "720p"): 20,
    (FAST_25, "1080p"): 20,
    (FAST_25, "1440p"): 10,
    (FAST_25, "4K"): 10,
    (PRO_25, "720p"): 10,
    (PRO_25, "1080p"): 10,
    (PRO_25, "1440p"): 10,
    (PRO_25, "4K"): 10,
    (PRO_23, "720p"): 20,
    (PRO_23, "1080p"): 20,
    (PRO_23, "1440p"): 10,
    (PRO_23, "4K"): 10,
}


def a2v_size(size: str | None, *, portrait_image: bool | None) -> str:
    """The output size an A2V request renders at (§3 default)."""
    if size is not None:
        return size
    return A2V_DEFAULT_PORTRAIT_SIZE if portrait_image else A2V_DEFAULT_SIZE


def a2v_verdict(
    model: str | None,
    size: str | None,
    fps: int | None,
    *,
    prompt: str | None,
    image: bool,
    last_frame: bool = False,
    camera_motion: str | None = None,
    audio_seconds: float | None = None,
    portrait_image: bool | None = None,
) -> Verdict:
    """One A2V body: `None` means the field is absent. §2, §3."""
    name = model if model is not None else DEFAULT_MODEL[A2V]
    verdict = model_verdict(A2V, name)
    if not verdict.ok:
        return verdict
    out = a2v_size(size, portrait_image=portrait_image)
    tier = tier_of(out)
    if tier is None or (name, tier) not in A2V_AUDIO_CAP:
        return refused(f"§3 A2V with {name} has no output size {out} (READING R2)")
    if fps is not None and fps not in A2V_FPS:
        return refused(f"§3 A2V fps {fps} (READING R1: 24, 25, 48, 50)")
    if not image and (prompt is None or not prompt.strip()):
        return refused("§3 A2V: a prompt is required without an image (READING R3)")
    if prompt is not None and len(prompt) > PROMPT_MAX_CHARS:
        return refused("§3 prompt maxLength 5000")
    if last_frame and not image:
        return refused("§3 A2V last_frame_uri requires image_uri")
    if camera_motion is not None and camera_motion not in CAMERA_MOTIONS:
        return refused("§3 A2V camera_motion: same enum as T2V")
    if audio_seconds is not None:
        cap = A2V_AUDIO_CAP[name, tier]
        if audio_seconds < A2V_MIN_AUDIO_SECONDS:
            return refused("§3 / API-NOTES 3.3: A2V audio is at least 2 s")
        if audio_seconds > cap:
            return refused(f"§3 A2V audio cap: {name} at {tier} takes at most {cap} s")
    return allowed()


# --------------------------------------------------------------- §3 retake, extend, reframe, HDR

#: §3 retake "unchanged": start_time ≥ 0, duration ≥ 2, model 2.3 Pro only, input ≤ 3840x2160,
#: ≥ 73 frames. Modes and the output sizes from API-NOTES 3.4.
RETAKE_MIN_DURATION: Final = 2
RETAKE_MODES: Final = ("replace_audio", "replace_video", "replace_audio_and_video")
RETAKE_SIZES: Final = ("1920x1080", "1080x1920")
VIDEO_MIN_FRAMES: Final = 73

#: API-NOTES 3.5 (not restated by the contract): duration 2–20 s, modes start/end.
EXTEND_DURATION: Final = (2, 20)
EXTEND_MODES: Final = ("start", "end")
#: §3 extend: "context is bounded 1 ≤ context ≤ 20 s (0 is invalid)".
EXTEND_CONTEXT: Final = (1, 20)
#: §3 extend / §6: context + duration ≤ 505 frames at the input fps; at most 505 frames billed.
EXTEND_MAX_FRAMES: Final = 505

#: §3 reframe: 1:1, 4:5, 5:4, 9:16, 16:9 at 720/1080 sizes (the sizes: API-NOTES 3.7).
REFRAME_720: Final = ("720x720", "720x900", "900x720", "720x1280", "1280x720")
REFRAME_1080: Final = ("1080x1080", "1080x1350", "1350x1080", "1080x1920", "1920x1080")
REFRAME_SIZES: Final = (*REFRAME_720, *REFRAME_1080)
#: §3 reframe input limits.
REFRAME_MAX_SECONDS: Final = 60
REFRAME_MAX_FRAMES: Final = 1800

#: §3 HDR "frame caps by input tier unchanged (181 / 101 / 41)", READING R9: (largest pixel
#: count of the tier, frame cap). The rates per tier are in `prices.py`.
HDR_TIERS: Final = ((1920 * 1080, 181), (2560 * 1440, 101), (3840 * 2160, 41))


def hdr_tier(width: int, height: int) -> int | None:
    """The input's HDR tier (0, 1, 2), or None above 4K."""
    for index, (pixels, _cap) in enumerate(HDR_TIERS):
        if width * height <= pixels:
            return index
    return None
