"""The sandbox's own small media probe (PyAV for audio/video, Pillow for stills).

Deliberately independent of `ltxstudio.media`: a fake that shared the client's probing code would
share its bugs, and input checks are exactly where client and server must be able to disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
from PIL import Image, UnidentifiedImageError

#: Decoder names that stand for the same codec on the wire.
_CODEC_ALIASES = {"mp3float": "mp3", "aac_fixed": "aac", "h265": "hevc"}


class ProbeError(ValueError):
    """The bytes are not a readable media file of the expected kind."""


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    width: int
    height: int
    fps: float
    frames: int
    duration: float


@dataclass(frozen=True)
class AudioInfo:
    codec: str
    profile: str | None
    sample_rate: int
    channels: int
    duration: float


@dataclass(frozen=True)
class MediaInfo:
    container: str  # FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    video: VideoInfo | None
    audio: AudioInfo | None
    duration: float


@dataclass(frozen=True)
class ImageInfo:
    format: str  # Pillow's name: PNG, JPEG, WEBP, …
    width: int
    height: int


def probe_media(data: bytes) -> MediaInfo:
    try:
        with av.open(io.BytesIO(data), "r") as container:
            total = container.duration / 1_000_000 if container.duration else 0.0
            video = _video(container, total)
            audio = _audio(container, total)
            name = container.format.name
    except (av.FFmpegError, ValueError, IndexError) as exc:
        raise ProbeError(f"not a readable media file ({exc.__class__.__name__})") from None
    if video is None and audio is None:
        raise ProbeError("the file has neither a video nor an audio stream")
    duration = max(total, video.duration if video else 0.0, audio.duration if audio else 0.0)
    return MediaInfo(name, video, audio, duration)


def probe_image(data: bytes) -> ImageInfo:
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            return ImageInfo(str(img.format), img.width, img.height)
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ProbeError("not a readable image") from None


def _codec(name: str) -> str:
    return _CODEC_ALIASES.get(name, name)


def _video(container: av.container.InputContainer, total: float) -> VideoInfo | None:
    if not container.streams.video:
        return None
    stream = container.streams.video[0]
    rate = stream.average_rate or stream.guessed_rate or 0
    fps = float(rate)
    duration = _seconds(stream, total)
    # Matroska and some MOVs carry no frame count; the nominal rate times the length is what
    # the API's "≥ 73 frames" rule is stated in anyway.
    frames = stream.frames or round(duration * fps)
    cc = stream.codec_context
    return VideoInfo(_codec(cc.name), cc.width, cc.height, fps, int(frames), duration)


def _audio(container: av.container.InputContainer, total: float) -> AudioInfo | None:
    if not container.streams.audio:
        return None
    stream = container.streams.audio[0]
    cc = stream.codec_context
    duration = _seconds(stream, total)
    return AudioInfo(
        _codec(cc.name), cc.profile, cc.sample_rate, cc.channels or 0, max(duration, 0.0)
    )


def _seconds(stream: av.stream.Stream, fallback: float) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return fallback
