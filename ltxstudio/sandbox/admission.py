"""From a parsed request to what will be rendered and what it costs.

Fetches and probes the input media, applies the rules that need it (API-NOTES §3, §7 and
CONTRACT-2026-09 §3, §4: byte caps per role at generation time, formats, codecs, AAC-LC only,
≥ 73 frames, 16:9/9:16 for extend, extend's 1 s minimum context and 505-frame budget, A2V audio
length by model and tier, HDR frame caps, reframe limits), then builds the render spec and the
`core.pricing` quote of exactly what was admitted. Synchronous (PyAV probing): callers run it in
a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ltxstudio.core.catalog import (
    A2V_AUDIO_SECONDS,
    AUDIO_CODECS,
    EXTEND_CONTEXT_SECONDS,
    EXTEND_MAX_FRAMES,
    EXTEND_VIDEO_MAX_BYTES,
    IMAGE_MAX_BYTES,
    MB,
    REFRAME_MAX_FRAMES,
    REFRAME_MAX_SECONDS,
    REFRAME_SIDE_RANGE,
    REFRAME_VIDEO_MAX_BYTES,
    VIDEO_CODECS,
    VIDEO_MAX_SIZE,
    VIDEO_MIN_FRAMES,
    Endpoint,
    Resolution,
    a2v_default_resolution,
    a2v_fps,
    a2v_max_seconds,
    allowed_durations,
    extend_max_context,
    hdr_frame_cap,
)
from ltxstudio.core.pricing import CostBasis, quote
from ltxstudio.sandbox.errors import ApiError, ErrorType, invalid
from ltxstudio.sandbox.inputs import InputFetcher, MediaKind
from ltxstudio.sandbox.probe import MediaInfo, ProbeError, VideoInfo, probe_image, probe_media
from ltxstudio.sandbox.render import (
    ExtendSpec,
    HdrSpec,
    ReframeSpec,
    RenderSpec,
    RetakeSpec,
    SceneSpec,
)
from ltxstudio.sandbox.validation import (
    AudioToVideoRequest,
    ExtendRequest,
    GenerationRequest,
    HdrRequest,
    ParsedRequest,
    ReframeRequest,
    RetakeRequest,
)

#: What "automatic duration" (LTX-2.5, `duration: null`) picks in the sandbox.
AUTO_DURATION_SECONDS = 5

_VIDEO_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2": "MP4/MOV", "matroska,webm": "MKV"}
_AUDIO_CONTAINERS = {"wav", "mp3", "ogg", "mov,mp4,m4a,3gp,3g2,mj2"}
_IMAGE_FORMATS = ("PNG", "JPEG", "WEBP")

#: Input videos with a cap of their own at generation time, whatever the transport (contract §4).
#: Other roles are bounded by their transport only (upload slot, data URI or URL caps).
VIDEO_MAX_BYTES: dict[Endpoint, int] = {
    Endpoint.EXTEND: EXTEND_VIDEO_MAX_BYTES,
    Endpoint.REFRAME: REFRAME_VIDEO_MAX_BYTES,
}


@dataclass(frozen=True)
class Admission:
    endpoint: Endpoint
    spec: RenderSpec
    cost: CostBasis
    estimate_usd: Decimal
    #: The spec as stored JSON (`specjson.py`), for v2 jobs when there is a state dir.
    spec_json: str | None = None


def check_content(request: ParsedRequest, terms: tuple[str, ...]) -> None:
    """422 `content_filtered_error` for prompts containing a configured term."""
    prompt = getattr(request, "prompt", "") or ""
    lowered = prompt.lower()
    for term in terms:
        if term and term.lower() in lowered:
            raise ApiError(
                422, ErrorType.CONTENT_FILTERED, "Content rejected by safety filters (prompt)."
            )


def admit(endpoint: Endpoint, request: ParsedRequest, fetcher: InputFetcher) -> Admission:
    spec, cost = _plan(request, fetcher)
    # The ledger reserves, and later charges, the price of exactly this admitted request.
    return Admission(endpoint, spec, cost, quote(cost).usd)


def _plan(request: ParsedRequest, fetcher: InputFetcher) -> tuple[RenderSpec, CostBasis]:
    match request:
        case GenerationRequest():
            return _generation(request, fetcher)
        case AudioToVideoRequest():
            return _audio_to_video(request, fetcher)
        case RetakeRequest():
            return _retake(request, fetcher)
        case ExtendRequest():
            return _extend(request, fetcher)
        case HdrRequest():
            return _hdr(request, fetcher)
        case ReframeRequest():
            return _reframe(request, fetcher)


def _generation(r: GenerationRequest, fetcher: InputFetcher) -> tuple[RenderSpec, CostBasis]:
    duration = r.duration
    if duration is None:
        choices = allowed_durations(r.model, r.resolution, r.fps)
        duration = AUTO_DURATION_SECONDS if AUTO_DURATION_SECONDS in choices else choices[0]
    image = _image(fetcher, "image_uri", r.image_uri) if r.image_uri else None
    last = _image(fetcher, "last_frame_uri", r.last_frame_uri) if r.last_frame_uri else None
    spec = SceneSpec(
        r.prompt,
        r.resolution.width,
        r.resolution.height,
        r.fps,
        duration * r.fps,
        r.generate_audio,
        r.camera_motion,
        image,
        last,
    )
    return spec, CostBasis(r.endpoint, duration, r.model, r.resolution)


def _audio_to_video(r: AudioToVideoRequest, fetcher: InputFetcher) -> tuple[RenderSpec, CostBasis]:
    audio = fetcher.fetch("audio_uri", r.audio_uri, MediaKind.AUDIO).data
    seconds = _audio_seconds(audio)
    image = _image(fetcher, "image_uri", r.image_uri) if r.image_uri else None
    last = _image(fetcher, "last_frame_uri", r.last_frame_uri) if r.last_frame_uri else None
    resolution = r.resolution
    if resolution is None:
        resolution = a2v_default_resolution(image is not None and _image_portrait(image))
    longest = a2v_max_seconds(r.model, resolution)
    if longest is None:
        raise invalid(
            f"resolution {resolution} is not available for audio-to-video with {r.model.value}"
        )
    if r.fps not in a2v_fps(r.model, resolution):
        raise invalid(
            f"fps {r.fps} is not available for audio-to-video with {r.model.value} at {resolution}"
        )
    if seconds > longest + 1e-6:
        raise invalid(
            f"audio_uri: {r.model.value} takes at most {longest:g} s of audio at {resolution}; "
            f"this audio is {seconds:.2f} s long"
        )
    # Rendered at the asked rate (24 unless sent), as long as the audio.
    frames = max(1, round(seconds * r.fps))
    spec = SceneSpec(
        r.prompt,
        resolution.width,
        resolution.height,
        r.fps,
        frames,
        True,
        r.camera_motion,
        image,
        last,
        audio,
    )
    return spec, CostBasis(Endpoint.AUDIO_TO_VIDEO, seconds, r.model, resolution)


def _retake(r: RetakeRequest, fetcher: InputFetcher) -> tuple[RenderSpec, CostBasis]:
    data, info, video = _video(fetcher, "video_uri", r.video_uri)
    _min_frames(video, "retake")
    if r.start_time >= info.duration:
        raise invalid(
            f"start_time {r.start_time:g} s is not within the input video ({info.duration:.2f} s)"
        )
    end = min(r.start_time + r.duration, info.duration)  # clamped, not rejected (OpenAPI)
    resolution = r.resolution
    if resolution is None:
        portrait = video.height > video.width
        resolution = Resolution(1080, 1920) if portrait else Resolution(1920, 1080)
    spec = RetakeSpec(
        data, r.prompt, r.start_time, end, r.mode, resolution.width, resolution.height
    )
    return spec, CostBasis(Endpoint.RETAKE, info.duration, r.model, resolution)


def _extend(r: ExtendRequest, fetcher: InputFetcher) -> tuple[RenderSpec, CostBasis]:
    data, info, video = _video(fetcher, "video_uri", r.video_uri, Endpoint.EXTEND)
    _min_frames(video, "extend")
    ratio = video.width / video.height
    if not any(abs(ratio - target) / target < 0.01 for target in (16 / 9, 9 / 16)):
        raise invalid(
            f"video_uri: extend takes 16:9 or 9:16 video, not {video.width}x{video.height}"
        )
    context = r.context
    if context is None:
        # As much as fits, and never under the 1 s minimum a sent context must meet: when even
        # that does not fit beside the extension, the budget check below refuses the request.
        context = max(EXTEND_CONTEXT_SECONDS[0], extend_max_context(video.fps, r.duration))
    context = min(context, info.duration)
    budget = round((context + r.duration) * video.fps)
    if budget > EXTEND_MAX_FRAMES:
        raise invalid(
            f"context + duration is {budget} frames at {video.fps:g} fps; the limit is "
            f"{EXTEND_MAX_FRAMES} frames"
        )
    spec = ExtendSpec(data, r.prompt, r.duration, r.mode == "start")
    cost = CostBasis(
        Endpoint.EXTEND, r.duration, r.model, context_seconds=context, input_fps=video.fps
    )
    return spec, cost


def _hdr(r: HdrRequest, fetcher: InputFetcher) -> tuple[RenderSpec, CostBasis]:
    data, info, video = _video(fetcher, "video_uri", r.video_uri)
    cap = hdr_frame_cap(video.width, video.height)
    assert cap is not None  # _video already refused inputs above 4K
    if video.frames > cap:
        raise invalid(
            f"video_uri: HDR takes at most {cap} frames at {video.width}x{video.height}; "
            f"the input has {video.frames}"
        )
    size = Resolution(video.width, video.height)
    return HdrSpec(data, r.output_colorspace, cap), CostBasis(
        Endpoint.HDR, info.duration, input_size=size
    )


def _reframe(r: ReframeRequest, fetcher: InputFetcher) -> tuple[RenderSpec, CostBasis]:
    data, info, video = _video(fetcher, "video_uri", r.video_uri, Endpoint.REFRAME)
    low, high = REFRAME_SIDE_RANGE
    if not (low <= video.width <= high and low <= video.height <= high):
        raise invalid(
            f"video_uri: reframe takes sides of {low} to {high} px, "
            f"not {video.width}x{video.height}"
        )
    if info.duration > REFRAME_MAX_SECONDS + 1e-6 or video.frames > REFRAME_MAX_FRAMES:
        raise invalid(
            f"video_uri: reframe takes at most {REFRAME_MAX_SECONDS:g} s and "
            f"{REFRAME_MAX_FRAMES} frames; the input is {info.duration:.2f} s, "
            f"{video.frames} frames"
        )
    spec = ReframeSpec(data, r.resolution.width, r.resolution.height, r.placement)
    cost = CostBasis(Endpoint.REFRAME, info.duration, resolution=r.resolution)
    return spec, cost


# ------------------------------------------------------------------------------------ media


def _video(
    fetcher: InputFetcher, field: str, uri: str, endpoint: Endpoint | None = None
) -> tuple[bytes, MediaInfo, VideoInfo]:
    data = fetcher.fetch(field, uri, MediaKind.VIDEO).data
    cap = VIDEO_MAX_BYTES.get(endpoint) if endpoint is not None else None
    if cap is not None:
        _check_size(field, data, cap, f"{endpoint} input video")
    try:
        info = probe_media(data)
    except ProbeError as exc:
        raise invalid(f"{field}: {exc}") from None
    video = info.video
    if video is None:
        raise invalid(f"{field}: the file has no video stream")
    if info.container not in _VIDEO_CONTAINERS:
        raise invalid(f"{field}: the container must be MP4, MOV or MKV, not {info.container}")
    if video.codec not in VIDEO_CODECS:
        raise invalid(f"{field}: video codec {video.codec} is not supported; use H.264 or H.265")
    big, small = max(video.width, video.height), min(video.width, video.height)
    if big > VIDEO_MAX_SIZE[0] or small > VIDEO_MAX_SIZE[1]:
        raise invalid(f"{field}: {video.width}x{video.height} is larger than 3840x2160")
    return data, info, video


def _min_frames(video: VideoInfo, endpoint: str) -> None:
    if video.frames < VIDEO_MIN_FRAMES:
        raise invalid(
            f"video_uri: {endpoint} needs at least {VIDEO_MIN_FRAMES} frames (about 3 s at "
            f"24 fps); the input has {video.frames}"
        )


def _audio_seconds(data: bytes) -> float:
    try:
        info = probe_media(data)
    except ProbeError as exc:
        raise invalid(f"audio_uri: {exc}") from None
    audio = info.audio
    if audio is None:
        raise invalid("audio_uri: the file has no audio stream")
    if info.container not in _AUDIO_CONTAINERS:
        raise invalid(
            f"audio_uri: the container must be WAV, MP3, M4A or OGG, not {info.container}"
        )
    if audio.codec.startswith("pcm_"):
        raise invalid(
            "audio_uri: PCM audio is not supported; use AAC-LC, MP3, Opus, Vorbis or FLAC"
        )
    if audio.codec not in AUDIO_CODECS:
        raise invalid(f"audio_uri: audio codec {audio.codec} is not supported")
    if audio.codec == "aac" and audio.profile != "LC":
        raise invalid(f"audio_uri: AAC audio must be AAC-LC, not {audio.profile or 'unknown'}")
    low, high = A2V_AUDIO_SECONDS
    if not low - 1e-6 <= audio.duration <= high + 1e-6:
        raise invalid(
            f"audio_uri: the audio is {audio.duration:.2f} s long; audio-to-video takes "
            f"{low:g} to {high:g} s"
        )
    return audio.duration


def _image(fetcher: InputFetcher, field: str, uri: str) -> bytes:
    data = fetcher.fetch(field, uri, MediaKind.IMAGE).data
    _check_size(field, data, IMAGE_MAX_BYTES, "an image")
    try:
        info = probe_image(data)
    except ProbeError as exc:
        raise invalid(f"{field}: {exc}") from None
    if info.format not in _IMAGE_FORMATS:
        raise invalid(
            f"{field}: image format {info.format} is not supported; use PNG, JPEG or WEBP"
        )
    return data


def _check_size(field: str, data: bytes, cap: int, what: str) -> None:
    """The per-role caps apply whatever the transport (a 200 MB upload slot holds more than an
    image may be). A 400, not a 413: the request body itself is small."""
    if len(data) > cap:
        raise invalid(
            f"{field}: the file is {len(data)} bytes; {what} may be at most {cap // MB} MB "
            f"({cap} bytes)"
        )


def _image_portrait(data: bytes) -> bool:
    info = probe_image(data)
    return info.height > info.width
