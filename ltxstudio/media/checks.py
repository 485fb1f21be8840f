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
from ltxstudio.media.info import AudioStreamInfo, MediaInfo, MediaKind, codec_label
from ltxstudio.media.probe import probe
from ltxstudio.media.problems import Code, Fix, FixKind, Problem, Role, Severity, Transport
from ltxstudio.media.video_rules import video_problems
from ltxstudio.media.wording import ARTICLE, FORMATS, secs


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
            problems += video_problems(info, role)
    problems += _bytes(info, role, transport)
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


# ----------------------------------------------------------------------------- sizes


def role_cap(role: Role) -> int | None:
    """Most bytes the API takes for this role at generation time, whatever the transport
    (contract §4): images 15 MB, extend's video 100 MB, reframe's 200 MB; None: no such cap."""
    match role:
        case Role.FIRST_FRAME | Role.LAST_FRAME:
            return catalog.IMAGE_MAX_BYTES
        case Role.EXTEND_SOURCE:
            return catalog.EXTEND_VIDEO_MAX_BYTES
        case Role.REFRAME_SOURCE:
            return catalog.REFRAME_VIDEO_MAX_BYTES
        case Role.SOUNDTRACK | Role.RETAKE_SOURCE | Role.HDR_SOURCE:
            return None


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
    if n == catalog.UPLOAD_MAX_BYTES:  # the contract's "200 MB" is 200 MiB: say it its way
        return "200 MB"
    return f"{n / catalog.MB:.1f} MB"


def _bytes(info: MediaInfo, role: Role, transport: Transport) -> list[Problem]:
    what = {MediaKind.IMAGE: "image", MediaKind.VIDEO: "video", MediaKind.AUDIO: "audio"}[info.kind]
    cap_for_role = role_cap(role)
    if cap_for_role is not None and info.size_bytes > cap_for_role:
        fixes: tuple[Fix, ...] = ()
        if info.kind is MediaKind.IMAGE:
            fixes = (
                Fix(
                    FixKind.IMAGE_DOWNSCALE,
                    f"Scale down under {_mb(cap_for_role)}",
                    max_bytes=cap_for_role,
                ),
            )
        who = "the API" if info.kind is MediaKind.IMAGE else role.label
        message = (
            f"{what} is {_mb(info.size_bytes)}; {who} takes {what}s of at most "
            f"{_mb(cap_for_role)}, however they are sent."
        )
        return [Problem(Code.TOO_MANY_BYTES, message, fixes=fixes)]
    cap = transport_cap(info.kind, transport)
    sent = sent_bytes(info.size_bytes, info.mime, transport)
    if sent <= cap:
        return []
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
    fixes = ()
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
        f"{info.path.name} is {ARTICLE[info.kind]}; {role.label} needs {ARTICLE[wanted]} "
        f"({FORMATS[wanted]})."
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
                f"{FORMATS[MediaKind.IMAGE]}.",
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
                f"{FORMATS[MediaKind.AUDIO]}.",
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
                f"audio is {secs(duration, low)}; {role.label} needs {low:g}–{high:g} s.",
                hint=f"use a recording of at least {low:g} s",
            )
        )
    elif duration > top:
        needs = f"needs {low:g}–{high:g} s" if top == high else f"takes at most {top:g} s"
        problems.append(
            Problem(
                Code.AUDIO_TOO_LONG,
                f"audio is {secs(duration, top)}; {who} {needs}.",
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
