"""Input checks per role against the API's media rules (API-NOTES §3 and §7, limits from the
catalog). Each problem is a sentence a user can act on, plus the conversions that would cure it.
"""

from __future__ import annotations

import math
from pathlib import Path

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.media.errors import MediaError
from ltxstudio.media.formats import container_label
from ltxstudio.media.info import AudioStreamInfo, MediaInfo, MediaKind, VideoStreamInfo, codec_label
from ltxstudio.media.probe import probe
from ltxstudio.media.problems import Aspect, Code, Fix, FixKind, Problem, Role, Severity, Transport

#: How far from an exact 16:9 a size may be and still count as 16:9 (854x480 is 0.1 % off).
#: The API does not say how strict it is; exact-pixel 16:9 sizes are rarer than these.
ASPECT_TOLERANCE = 0.01

_FORMATS = {
    MediaKind.IMAGE: "PNG, JPEG or WEBP",
    MediaKind.VIDEO: "MP4, MOV or MKV",
    MediaKind.AUDIO: "WAV, MP3, M4A or OGG",
}
_ARTICLE = {
    MediaKind.IMAGE: "an image",
    MediaKind.VIDEO: "a video",
    MediaKind.AUDIO: "an audio file",
}


def check(
    path: Path | str,
    role: Role,
    transport: Transport = Transport.UPLOAD,
    *,
    model: Model | None = None,
    resolution: Resolution | None = None,
) -> list[Problem]:
    """Everything that stops `path` from being sent as `role` over `transport`.

    `model` and `resolution` narrow the audio-to-video length limit when known.
    """
    try:
        info = probe(path)
    except MediaError as exc:
        return [Problem(Code(exc.code), exc.message, hint=exc.hint)]
    return check_info(info, role, transport, model=model, resolution=resolution)


def check_info(
    info: MediaInfo,
    role: Role,
    transport: Transport = Transport.UPLOAD,
    *,
    model: Model | None = None,
    resolution: Resolution | None = None,
) -> list[Problem]:
    """`check` for an already probed file."""
    problems: list[Problem] = []
    wanted = role.kind
    if info.kind is not wanted:
        problems.append(_wrong_kind(info, role))
        return problems
    match wanted:
        case MediaKind.IMAGE:
            problems += _image(info, role)
        case MediaKind.AUDIO:
            problems += _audio(info, role, model, resolution)
        case MediaKind.VIDEO:
            problems += _video(info, role)
    problems += _bytes(info, transport)
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


# ----------------------------------------------------------------------------- sizes


def transport_cap(kind: MediaKind, transport: Transport) -> int:
    """Most bytes `transport` carries for this kind of media (data URIs: the encoded length)."""
    match transport:
        case Transport.UPLOAD:
            return catalog.UPLOAD_MAX_BYTES
        case Transport.URL:
            return catalog.URL_MAX_BYTES[kind.value]
        case Transport.DATA_URI:
            return catalog.DATA_URI_MAX_BYTES[kind.value]


def sent_bytes(size: int, mime: str | None, transport: Transport) -> int:
    """How many bytes count against the cap: a data URI is `data:<mime>;base64,` + base64."""
    if transport is Transport.DATA_URI:
        prefix = len(f"data:{mime or 'application/octet-stream'};base64,")
        return prefix + 4 * math.ceil(size / 3)
    return size


def max_file_bytes(kind: MediaKind, mime: str | None, transport: Transport) -> int:
    """The largest file that fits `transport` (inverse of `sent_bytes`)."""
    cap = transport_cap(kind, transport)
    if transport is Transport.DATA_URI:
        prefix = len(f"data:{mime or 'application/octet-stream'};base64,")
        return (cap - prefix) // 4 * 3
    return cap


def _mb(n: int) -> str:
    return f"{n / catalog.MB:.1f} MB"


def _bytes(info: MediaInfo, transport: Transport) -> list[Problem]:
    cap = transport_cap(info.kind, transport)
    sent = sent_bytes(info.size_bytes, info.mime, transport)
    if sent <= cap:
        return []
    what = {MediaKind.IMAGE: "image", MediaKind.VIDEO: "video", MediaKind.AUDIO: "audio"}[info.kind]
    match transport:
        case Transport.DATA_URI:
            message = (
                f"{what} is {_mb(info.size_bytes)} ({_mb(sent)} as a data URI); a data URI "
                f"holds at most {_mb(cap)} of {what}."
            )
        case Transport.URL:
            message = f"{what} is {_mb(info.size_bytes)}; a URL input takes at most {_mb(cap)}."
        case Transport.UPLOAD:
            message = f"{what} is {_mb(info.size_bytes)}; an upload takes at most {_mb(cap)}."
    fixes: tuple[Fix, ...] = ()
    if info.kind is MediaKind.IMAGE:
        limit = max_file_bytes(info.kind, info.mime, transport)
        fixes = (Fix(FixKind.IMAGE_DOWNSCALE, f"Scale down under {_mb(limit)}", max_bytes=limit),)
    hint = None
    if transport is not Transport.UPLOAD and info.size_bytes <= catalog.UPLOAD_MAX_BYTES:
        hint = f"send it through the upload route instead (up to {_mb(catalog.UPLOAD_MAX_BYTES)})"
    return [Problem(Code.TOO_MANY_BYTES, message, fixes=fixes, hint=hint)]


# ----------------------------------------------------------------------------- kinds


def _wrong_kind(info: MediaInfo, role: Role) -> Problem:
    wanted = role.kind
    message = (
        f"{info.path.name} is {_ARTICLE[info.kind]}; {role.label} needs {_ARTICLE[wanted]} "
        f"({_FORMATS[wanted]})."
    )
    fixes: tuple[Fix, ...] = ()
    hint = None
    if wanted is MediaKind.AUDIO and info.audio:
        fixes = _audio_fixes(info, "Extract its soundtrack as AAC-LC M4A")
    elif wanted is MediaKind.IMAGE and info.kind is MediaKind.VIDEO:
        hint = "open it in the player and use a frame of it as the image"
    return Problem(Code.WRONG_KIND, message, fixes=fixes, hint=hint)


# ----------------------------------------------------------------------------- images


def _image(info: MediaInfo, role: Role) -> list[Problem]:
    image = info.image
    assert image is not None
    problems: list[Problem] = []
    to_png = Fix(FixKind.IMAGE_TO_PNG, "Convert to PNG")
    if info.mime is None:
        problems.append(
            Problem(
                Code.IMAGE_FORMAT,
                f"image is {container_label(info.container)}; {role.label} needs "
                f"{_FORMATS[MediaKind.IMAGE]}.",
                fixes=(to_png,),
            )
        )
    elif image.frames > 1:
        problems.append(
            Problem(
                Code.IMAGE_ANIMATED,
                f"image is an animated {container_label(info.container)} with {image.frames} "
                f"frames; the API takes a still, so only one frame would be used.",
                severity=Severity.WARNING,
                fixes=(Fix(FixKind.IMAGE_TO_PNG, "Keep the first frame as PNG"),),
            )
        )
    return problems


# ----------------------------------------------------------------------------- audio


def _secs(value: float, *limits: float) -> str:
    """`1.4 s`, but with more decimals when one decimal would round onto a limit."""
    for digits in (1, 2, 3):
        text = f"{value:.{digits}f}"
        if not any(float(text) == limit and value != limit for limit in limits):
            return f"{text} s"
    return f"{value:.3f} s"


def _audio_fixes(info: MediaInfo, label: str, max_seconds: float | None = None) -> tuple[Fix, ...]:
    audio = info.first_audio
    duration = info.duration or (audio.duration if audio else None) or 0.0
    top = max_seconds if max_seconds is not None else catalog.A2V_AUDIO_SECONDS[1]
    if duration > top:
        return (Fix(FixKind.AUDIO_TRIM, f"{label}, first {top:g} s", max_seconds=top),)
    return (Fix(FixKind.AUDIO_TO_AAC, label),)


def a2v_limit(model: Model | None, resolution: Resolution | None) -> tuple[float, str]:
    """The longest soundtrack and who sets it ("audio-to-video", or the model at a size)."""
    _low, high = catalog.A2V_AUDIO_SECONDS
    if model is not None and resolution is not None:
        narrowed = catalog.a2v_max_seconds(model, resolution)
        if narrowed is not None and narrowed < high:
            return narrowed, f"{model.label} at {resolution}"
    return high, "audio-to-video"


def _audio(
    info: MediaInfo, role: Role, model: Model | None, resolution: Resolution | None
) -> list[Problem]:
    audio = info.first_audio
    assert audio is not None
    problems: list[Problem] = []
    low, high = catalog.A2V_AUDIO_SECONDS
    top, who = a2v_limit(model, resolution)
    convert = _audio_fixes(info, "Convert to AAC-LC M4A", top)
    if info.mime is None:
        problems.append(
            Problem(
                Code.AUDIO_CONTAINER,
                f"audio file is {container_label(info.container)}; {role.label} needs "
                f"{_FORMATS[MediaKind.AUDIO]}.",
                fixes=convert,
            )
        )
    problems += _audio_codec(audio, convert)
    duration = info.duration if info.duration is not None else audio.duration
    if duration is None:
        problems.append(
            Problem(
                Code.UNDECODABLE,
                f"{info.path.name} does not say how long it is; {role.label} needs {low:g}–"
                f"{high:g} s.",
                fixes=convert,
            )
        )
    elif duration < low:
        problems.append(
            Problem(
                Code.AUDIO_TOO_SHORT,
                f"audio is {_secs(duration, low)}; {role.label} needs {low:g}–{high:g} s.",
                hint=f"use a recording of at least {low:g} s",
            )
        )
    elif duration > top:
        needs = f"needs {low:g}–{high:g} s" if top == high else f"takes at most {top:g} s"
        problems.append(
            Problem(
                Code.AUDIO_TOO_LONG,
                f"audio is {_secs(duration, top)}; {who} {needs}.",
                fixes=(Fix(FixKind.AUDIO_TRIM, f"Keep the first {top:g} s", max_seconds=top),),
            )
        )
    return problems


def _audio_codec(audio: AudioStreamInfo, convert: tuple[Fix, ...]) -> list[Problem]:
    allowed = "AAC-LC, MP3, Opus, Vorbis or FLAC"
    if audio.is_pcm:
        return [
            Problem(
                Code.AUDIO_PCM,
                f"audio is uncompressed {codec_label(audio.codec)}; the API takes no PCM, only "
                f"{allowed}.",
                fixes=convert,
            )
        ]
    if audio.is_he_aac:
        return [
            Problem(
                Code.AUDIO_HE_AAC,
                f"audio is {audio.profile}; the API takes AAC only as AAC-LC.",
                fixes=convert,
            )
        ]
    if audio.codec not in catalog.AUDIO_CODECS or (
        audio.codec == "aac" and audio.profile not in (None, "LC")
    ):
        name = codec_label(audio.codec)
        if audio.codec == "aac" and audio.profile:
            name = f"AAC {audio.profile}"
        return [
            Problem(
                Code.AUDIO_CODEC, f"audio codec is {name}; the API takes {allowed}.", fixes=convert
            )
        ]
    return []


# ----------------------------------------------------------------------------- video


def _video(info: MediaInfo, role: Role) -> list[Problem]:
    video = info.first_video
    assert video is not None
    problems: list[Problem] = []
    to_h264 = Fix(FixKind.VIDEO_TO_H264, "Convert to H.264 MP4")
    if info.mime is None:
        problems.append(
            Problem(
                Code.VIDEO_CONTAINER,
                f"video container is {container_label(info.container)}; {role.label} needs "
                f"{_FORMATS[MediaKind.VIDEO]}.",
                fixes=(to_h264,),
            )
        )
    if video.codec not in catalog.VIDEO_CODECS:
        problems.append(
            Problem(
                Code.VIDEO_CODEC,
                f"video codec is {codec_label(video.codec)}; {role.label} needs H.264 or H.265.",
                fixes=(to_h264,),
            )
        )
    if info.truncated:
        problems.append(
            Problem(
                Code.TRUNCATED,
                f"{info.path.name} is cut short: its index points past the end of the file.",
                hint="download or export it again",
            )
        )
    match role:
        case Role.RETAKE_SOURCE | Role.EXTEND_SOURCE:
            problems += _edit_source(info, video, role)
        case Role.HDR_SOURCE:
            problems += _hdr_source(video, role)
        case Role.REFRAME_SOURCE:
            problems += _reframe_source(info, video, role)
        case Role.FIRST_FRAME | Role.LAST_FRAME | Role.SOUNDTRACK:
            raise AssertionError(f"{role} is not a video role")
    return problems


def _frames_text(video: VideoStreamInfo) -> str:
    approx = "" if video.frame_count_exact else "about "
    rate = f" at {float(video.fps):.3g} fps" if video.fps else ""
    return f"{approx}{video.frame_count} frames{rate}"


def _too_large(video: VideoStreamInfo, role: Role, box: tuple[int, int]) -> Problem | None:
    long_side = max(video.display_width, video.display_height)
    short_side = min(video.display_width, video.display_height)
    if long_side <= box[0] and short_side <= box[1]:
        return None
    return Problem(
        Code.VIDEO_TOO_LARGE,
        f"video is {video.display_width}x{video.display_height}; {role.label} takes at most "
        f"{box[0]}x{box[1]} (either orientation).",
        fixes=(
            Fix(FixKind.VIDEO_SCALE_DOWN, f"Scale down to fit {box[0]}x{box[1]}", max_size=box),
        ),
    )


def _edit_source(info: MediaInfo, video: VideoStreamInfo, role: Role) -> list[Problem]:
    problems: list[Problem] = []
    if (large := _too_large(video, role, catalog.VIDEO_MAX_SIZE)) is not None:
        problems.append(large)
    if video.frame_count < catalog.VIDEO_MIN_FRAMES:
        need = catalog.VIDEO_MIN_FRAMES
        seconds = f" ({need / float(video.fps):.2f} s at this frame rate)" if video.fps else ""
        problems.append(
            Problem(
                Code.VIDEO_TOO_FEW_FRAMES,
                f"video has {_frames_text(video)}; {role.label} needs at least {need} frames"
                f"{seconds}.",
                hint="use a longer clip",
            )
        )
    if role is Role.EXTEND_SOURCE and not _is_16_9(video.display_width, video.display_height):
        problems.append(_aspect_problem(video, role))
    if role is Role.EXTEND_SOURCE and not info.audio:
        problems.append(
            Problem(
                Code.VIDEO_NO_AUDIO,
                "video has no audio track, so the extension will be silent.",
                severity=Severity.WARNING,
            )
        )
    p1080 = Resolution.of(catalog.Tier.P1080)
    if role is Role.RETAKE_SOURCE and video.resolution.pixels > p1080.pixels:
        problems.append(
            Problem(
                Code.VIDEO_OUTPUT_1080P,
                f"retake returns 1080p: this {video.display_width}x{video.display_height} "
                "video comes back smaller.",
                severity=Severity.WARNING,
            )
        )
    if video.vfr:
        problems.append(
            Problem(
                Code.VIDEO_VFR,
                "video has a variable frame rate; the API counts frames at the average rate, so "
                "times may land a frame off.",
                severity=Severity.WARNING,
                fixes=(Fix(FixKind.VIDEO_TO_H264, "Re-encode at a constant frame rate"),),
            )
        )
    return problems


def _is_16_9(width: int, height: int) -> bool:
    ratio = max(width, height) / min(width, height)
    return abs(ratio / (16 / 9) - 1) <= ASPECT_TOLERANCE


def _aspect_problem(video: VideoStreamInfo, role: Role) -> Problem:
    w, h = video.display_width, video.display_height
    ratio = Resolution(w, h).aspect_label
    if ratio.count(":") and max(int(x) for x in ratio.split(":")) > 50:
        ratio = f"{w / h:.2f}:1"
    targets = (Aspect.LANDSCAPE,) if w > h else (Aspect.PORTRAIT,) if h > w else tuple(Aspect)
    fixes = []
    for aspect in targets:
        fixes.append(Fix(FixKind.VIDEO_PAD, f"Pad to {aspect.value} (bars)", aspect=aspect))
        fixes.append(Fix(FixKind.VIDEO_CROP, f"Crop to {aspect.value}", aspect=aspect))
    return Problem(
        Code.VIDEO_ASPECT,
        f"video is {ratio} ({w}x{h}); {role.label} needs 16:9 or 9:16.",
        fixes=tuple(fixes),
    )


def _hdr_source(video: VideoStreamInfo, role: Role) -> list[Problem]:
    w, h = video.display_width, video.display_height
    cap = catalog.hdr_frame_cap(w, h)
    if cap is None:
        return [
            Problem(
                Code.VIDEO_TOO_LARGE,
                f"video is {w}x{h} ({w * h / 1e6:.1f} MP); HDR takes at most 3840x2160 "
                f"({3840 * 2160 / 1e6:.1f} MP).",
                fixes=(
                    Fix(
                        FixKind.VIDEO_SCALE_DOWN,
                        "Scale down to fit 3840x2160",
                        max_size=(3840, 2160),
                    ),
                ),
            )
        ]
    if video.frame_count <= cap:
        return []
    tier = next(limit for limit, c in catalog.HDR_FRAME_CAPS if c == cap)
    tier_name = {1920 * 1080: "1920x1080", 2560 * 1440: "2560x1440", 3840 * 2160: "3840x2160"}[tier]
    seconds = f" ({cap / float(video.fps):.2f} s)" if video.fps else ""
    return [
        Problem(
            Code.VIDEO_TOO_MANY_FRAMES,
            f"video has {_frames_text(video)}; {role.label} takes at most {cap} frames{seconds} "
            f"for inputs up to {tier_name}.",
            fixes=(Fix(FixKind.VIDEO_TRIM, f"Keep the first {cap} frames", max_frames=cap),),
        )
    ]


def _reframe_source(info: MediaInfo, video: VideoStreamInfo, role: Role) -> list[Problem]:
    problems: list[Problem] = []
    low, high = catalog.REFRAME_SIDE_RANGE
    w, h = video.display_width, video.display_height
    if max(w, h) > high:
        problems.append(
            Problem(
                Code.VIDEO_SIDE,
                f"video is {w}x{h}; {role.label} takes sides of {low}–{high} px.",
                fixes=(
                    Fix(
                        FixKind.VIDEO_SCALE_DOWN,
                        f"Scale down to fit {high} px",
                        max_size=(high, high),
                    ),
                ),
            )
        )
    elif min(w, h) < low:
        problems.append(
            Problem(
                Code.VIDEO_SIDE,
                f"video is {w}x{h}; {role.label} takes sides of {low}–{high} px.",
                hint="use a larger video",
            )
        )
    fps = float(video.fps) if video.fps else None
    max_frames = catalog.REFRAME_MAX_FRAMES
    if fps:
        max_frames = min(max_frames, math.floor(catalog.REFRAME_MAX_SECONDS * fps))
    trim = (Fix(FixKind.VIDEO_TRIM, f"Keep the first {max_frames} frames", max_frames=max_frames),)
    duration = info.duration or video.duration or 0.0
    if duration > catalog.REFRAME_MAX_SECONDS:
        problems.append(
            Problem(
                Code.VIDEO_TOO_LONG,
                f"video is {_secs(duration, catalog.REFRAME_MAX_SECONDS)}; {role.label} takes at "
                f"most {catalog.REFRAME_MAX_SECONDS:g} s.",
                fixes=trim,
            )
        )
    elif video.frame_count > catalog.REFRAME_MAX_FRAMES:
        problems.append(
            Problem(
                Code.VIDEO_TOO_MANY_FRAMES,
                f"video has {_frames_text(video)}; {role.label} takes at most "
                f"{catalog.REFRAME_MAX_FRAMES} frames.",
                fixes=trim,
            )
        )
    return problems
