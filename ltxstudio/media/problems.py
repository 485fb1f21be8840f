"""The vocabulary of input checks: roles, transports, problems and the fixes that cure them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ltxstudio.core.catalog import Endpoint
from ltxstudio.media.info import MediaKind


class Role(StrEnum):
    """What an input file is for; each role has its own rules (API-NOTES §3, §7)."""

    FIRST_FRAME = "first-frame"  # image-to-video image_uri (and audio-to-video's image_uri)
    LAST_FRAME = "last-frame"  # image-to-video last_frame_uri
    SOUNDTRACK = "soundtrack"  # audio-to-video audio_uri
    RETAKE_SOURCE = "retake-source"
    EXTEND_SOURCE = "extend-source"
    HDR_SOURCE = "hdr-source"
    REFRAME_SOURCE = "reframe-source"

    @property
    def kind(self) -> MediaKind:
        match self:
            case Role.FIRST_FRAME | Role.LAST_FRAME:
                return MediaKind.IMAGE
            case Role.SOUNDTRACK:
                return MediaKind.AUDIO
            case Role.RETAKE_SOURCE | Role.EXTEND_SOURCE | Role.HDR_SOURCE | Role.REFRAME_SOURCE:
                return MediaKind.VIDEO

    @property
    def endpoint(self) -> Endpoint:
        match self:
            case Role.FIRST_FRAME | Role.LAST_FRAME:
                return Endpoint.IMAGE_TO_VIDEO
            case Role.SOUNDTRACK:
                return Endpoint.AUDIO_TO_VIDEO
            case Role.RETAKE_SOURCE:
                return Endpoint.RETAKE
            case Role.EXTEND_SOURCE:
                return Endpoint.EXTEND
            case Role.HDR_SOURCE:
                return Endpoint.HDR
            case Role.REFRAME_SOURCE:
                return Endpoint.REFRAME

    @property
    def label(self) -> str:
        """How a sentence names the role: "audio-to-video", "extend", …"""
        match self:
            case Role.FIRST_FRAME:
                return "the image-to-video start frame"
            case Role.LAST_FRAME:
                return "the image-to-video last frame"
            case Role.SOUNDTRACK:
                return "audio-to-video"
            case Role.RETAKE_SOURCE:
                return "retake"
            case Role.EXTEND_SOURCE:
                return "extend"
            case Role.HDR_SOURCE:
                return "HDR"
            case Role.REFRAME_SOURCE:
                return "reframe"


class Transport(StrEnum):
    """How the file reaches the API; each has its own size cap (API-NOTES §7)."""

    UPLOAD = "upload"  # /v1/upload -> storage_uri
    URL = "url"  # a public HTTPS URL the server downloads
    DATA_URI = "data-uri"  # base64 inside the JSON body (cap on the encoded length)


class Severity(StrEnum):
    ERROR = "error"  # the API would reject the file
    WARNING = "warning"  # accepted, but the result may surprise


class Code(StrEnum):
    """Stable problem identifiers: the UI keys on them, tests assert them."""

    MISSING = "missing"
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    UNDECODABLE = "undecodable"
    TRUNCATED = "truncated"
    WRONG_KIND = "wrong-kind"
    TOO_MANY_BYTES = "too-many-bytes"
    IMAGE_FORMAT = "image-format"
    IMAGE_ANIMATED = "image-animated"
    VIDEO_CONTAINER = "video-container"
    VIDEO_CODEC = "video-codec"
    VIDEO_TOO_FEW_FRAMES = "video-too-few-frames"
    VIDEO_TOO_LARGE = "video-too-large"
    VIDEO_ASPECT = "video-aspect"
    VIDEO_SIDE = "video-side"
    VIDEO_TOO_MANY_FRAMES = "video-too-many-frames"
    VIDEO_TOO_LONG = "video-too-long"
    VIDEO_VFR = "video-vfr"
    VIDEO_OUTPUT_1080P = "video-output-1080p"
    VIDEO_NO_AUDIO = "video-no-audio"
    AUDIO_CONTAINER = "audio-container"
    AUDIO_CODEC = "audio-codec"
    AUDIO_PCM = "audio-pcm"
    AUDIO_HE_AAC = "audio-he-aac"
    AUDIO_TOO_SHORT = "audio-too-short"
    AUDIO_TOO_LONG = "audio-too-long"


class FixKind(StrEnum):
    """The one-click conversions. Each writes a new file; the original is never touched."""

    AUDIO_TO_AAC = "audio-to-aac"  # any decodable audio (or a video's soundtrack) -> AAC-LC M4A
    AUDIO_TRIM = "audio-trim"  # keep the first `max_seconds` (re-encoded as AAC-LC M4A)
    IMAGE_TO_PNG = "image-to-png"
    IMAGE_DOWNSCALE = "image-downscale"  # shrink until the file fits `max_bytes`
    VIDEO_TO_H264 = "video-to-h264"  # re-encode to H.264 + AAC in MP4
    VIDEO_SCALE_DOWN = "video-scale-down"  # fit inside `max_size`
    VIDEO_PAD = "video-pad"  # letterbox/pillarbox to `aspect`
    VIDEO_CROP = "video-crop"  # centre-crop to `aspect`
    VIDEO_TRIM = "video-trim"  # keep the first `max_frames`

    @property
    def kind(self) -> MediaKind:
        match self:
            case FixKind.AUDIO_TO_AAC | FixKind.AUDIO_TRIM:
                return MediaKind.AUDIO
            case FixKind.IMAGE_TO_PNG | FixKind.IMAGE_DOWNSCALE:
                return MediaKind.IMAGE
            case (
                FixKind.VIDEO_TO_H264
                | FixKind.VIDEO_SCALE_DOWN
                | FixKind.VIDEO_PAD
                | FixKind.VIDEO_CROP
                | FixKind.VIDEO_TRIM
            ):
                return MediaKind.VIDEO


class Aspect(StrEnum):
    LANDSCAPE = "16:9"
    PORTRAIT = "9:16"

    @property
    def ratio(self) -> tuple[int, int]:
        return (16, 9) if self is Aspect.LANDSCAPE else (9, 16)


@dataclass(frozen=True)
class Fix:
    """A conversion the user can accept with one click (`--fix` in the CLI).

    Only the fields its `kind` needs are set; `convert` merges several fixes of one medium into
    a single pass (e.g. VP9 in WebM at 4:3 for extend -> one H.264 encode, padded to 16:9).
    """

    kind: FixKind
    label: str  # button text: "Convert to AAC-LC M4A"
    max_seconds: float | None = None
    max_frames: int | None = None
    max_size: tuple[int, int] | None = None  # (long side, short side) bounding box
    aspect: Aspect | None = None
    max_bytes: int | None = None  # for IMAGE_DOWNSCALE: the file size to get under


@dataclass(frozen=True)
class Problem:
    """One reason the API would reject a file (or a warning), in words a user can act on."""

    code: Code
    message: str  # a specific sentence: "audio is 1.4 s; audio-to-video needs 2–20 s."
    severity: Severity = Severity.ERROR
    fixes: tuple[Fix, ...] = field(default=())  # alternatives; the user picks one
    hint: str | None = None  # what to do when there is no conversion

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR
