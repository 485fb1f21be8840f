"""What a media file is, as plain data: container, streams, sizes, rates, rotation, frame count.

`probe` reads headers, demuxes packets (cheap: no decoding) for timestamps and frame counts, and
decodes only the first video frame and the first audio packets: that proves the streams decode,
gives the display rotation and exposes HE-AAC that a header alone may hide.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from pathlib import Path

from ltxstudio.core.catalog import Resolution


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True)
class VideoStreamInfo:
    """One video stream. `width`/`height` are the stored (coded) size; `display_*` apply the
    rotation and the sample aspect ratio, which is what a viewer and the API's aspect rules see."""

    index: int
    codec: str  # FFmpeg's canonical codec name: h264, hevc, vp9, av1, prores, mjpeg …
    profile: str | None
    width: int
    height: int
    display_width: int
    display_height: int
    rotation: int  # degrees counter-clockwise that bring the picture upright: 0, 90, 180, 270
    pixel_format: str | None
    fps: Fraction | None  # average rate; None when the container gives none
    vfr: bool
    frame_count: int
    frame_count_exact: bool  # False: estimated from duration x fps
    duration: float | None
    start_time: float
    bit_rate: int | None

    @property
    def resolution(self) -> Resolution:
        return Resolution(self.display_width, self.display_height)


@dataclass(frozen=True)
class AudioStreamInfo:
    index: int
    codec: str  # aac, mp3, opus, vorbis, flac, pcm_s16le …
    profile: str | None  # for AAC: "LC", "HE-AAC", "HE-AACv2", …
    channels: int
    sample_rate: int
    layout: str | None
    sample_format: str | None
    duration: float | None
    bit_rate: int | None

    @property
    def is_pcm(self) -> bool:
        return self.codec.startswith("pcm_")

    @property
    def is_he_aac(self) -> bool:
        return self.codec == "aac" and (self.profile or "").startswith("HE-AAC")


@dataclass(frozen=True)
class ImageInfo:
    format: str  # PNG, JPEG, WEBP, BMP, TIFF, GIF … (Pillow's name, or FFmpeg's codec name)
    width: int
    height: int
    mode: str | None  # Pillow mode (RGB, RGBA, L, …); None when only FFmpeg could read it
    frames: int  # >1 for animated GIF/WEBP/APNG

    @property
    def resolution(self) -> Resolution:
        return Resolution(self.width, self.height)


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    size_bytes: int
    kind: MediaKind
    container: str  # png, jpeg, mp4, mov, m4a, matroska, webm, wav, mp3, ogg, flac, …
    mime: str | None  # what the file would be sent as; None when the API has no such type
    duration: float | None
    bit_rate: int | None
    video: tuple[VideoStreamInfo, ...] = ()
    audio: tuple[AudioStreamInfo, ...] = ()
    image: ImageInfo | None = None
    truncated: bool = False  # the index points past the end of the file

    @property
    def first_video(self) -> VideoStreamInfo | None:
        return self.video[0] if self.video else None

    @property
    def first_audio(self) -> AudioStreamInfo | None:
        return self.audio[0] if self.audio else None


def describe(info: MediaInfo) -> str:
    """A one-line human summary, e.g. `MP4, 1920x1080 H.264 24 fps, 5.00 s, AAC-LC stereo`."""
    parts = [info.container.upper()]
    if info.image is not None:
        parts.append(f"{info.image.width}x{info.image.height}")
    if (v := info.first_video) is not None:
        rate = f" {float(v.fps):.3g} fps" if v.fps else ""
        parts.append(f"{v.display_width}x{v.display_height} {codec_label(v.codec)}{rate}")
    if info.duration is not None:
        parts.append(f"{info.duration:.2f} s")
    if (a := info.first_audio) is not None:
        label = codec_label(a.codec)
        if a.codec == "aac" and a.profile:
            label = "AAC-LC" if a.profile == "LC" else a.profile
        parts.append(f"{label} {a.channels} ch {a.sample_rate} Hz")
    return ", ".join(parts)


_CODEC_LABELS = {
    "h264": "H.264",
    "hevc": "H.265",
    "vp8": "VP8",
    "vp9": "VP9",
    "av1": "AV1",
    "prores": "ProRes",
    "mjpeg": "Motion JPEG",
    "mpeg4": "MPEG-4 Part 2",
    "aac": "AAC",
    "mp3": "MP3",
    "opus": "Opus",
    "vorbis": "Vorbis",
    "flac": "FLAC",
    "alac": "ALAC",
    "ac3": "AC-3",
}


def codec_label(codec: str) -> str:
    if codec.startswith("pcm_"):
        return f"PCM ({codec[4:]})"
    return _CODEC_LABELS.get(codec, codec)
