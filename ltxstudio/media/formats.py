"""Container names and the MIME types the API knows them by (catalog.IMAGE_MIME & co.)."""

from __future__ import annotations

from collections.abc import Sequence

from ltxstudio.core.catalog import AUDIO_MIME, IMAGE_MIME, VIDEO_MIME
from ltxstudio.media.info import MediaKind

_WEBM_CODECS = frozenset({"vp8", "vp9", "av1", "opus", "vorbis"})

_MIME: dict[tuple[MediaKind, str], str] = {
    (MediaKind.IMAGE, "png"): "image/png",
    (MediaKind.IMAGE, "jpeg"): "image/jpeg",
    (MediaKind.IMAGE, "mpo"): "image/jpeg",  # Pillow's name for multi-picture JPEGs from cameras
    (MediaKind.IMAGE, "webp"): "image/webp",
    (MediaKind.VIDEO, "mp4"): "video/mp4",
    (MediaKind.VIDEO, "mov"): "video/quicktime",
    (MediaKind.VIDEO, "matroska"): "video/x-matroska",
    (MediaKind.AUDIO, "wav"): "audio/wav",
    (MediaKind.AUDIO, "mp3"): "audio/mpeg",
    (MediaKind.AUDIO, "m4a"): "audio/mp4",
    (MediaKind.AUDIO, "mp4"): "audio/mp4",
    (MediaKind.AUDIO, "ogg"): "audio/ogg",
}

#: Labels for sentences: "the API takes MP4, MOV or MKV".
CONTAINER_LABELS = {
    "matroska": "MKV",
    "webm": "WebM",
    "jpeg": "JPEG",
    "mpo": "JPEG",
}


def container_label(name: str) -> str:
    return CONTAINER_LABELS.get(name, name.upper())


def container_name(
    demuxer: str,
    metadata: dict[str, str],
    suffix: str,
    codecs: Sequence[str],
    kind: MediaKind,
) -> str:
    """A single name for FFmpeg's demuxer families ("mov,mp4,m4a,…", "matroska,webm")."""
    if demuxer.startswith("mov,mp4"):
        brand = metadata.get("major_brand", "").strip().lower()
        if brand == "qt" or (not brand and suffix.lower() == ".mov"):
            return "mov"
        if kind is MediaKind.AUDIO:
            return "m4a"
        return "mp4"
    if demuxer.startswith("matroska"):
        if suffix.lower() == ".webm" and codecs and set(codecs) <= _WEBM_CODECS:
            return "webm"
        return "matroska"
    return demuxer.split(",")[0]


def mime_for(kind: MediaKind, container: str) -> str | None:
    """The MIME type the API accepts this container under, or None when it accepts none."""
    mime = _MIME.get((kind, container))
    if mime is None and kind is MediaKind.AUDIO and container in ("mov",):
        mime = "audio/mp4"
    allowed = {
        MediaKind.IMAGE: IMAGE_MIME,
        MediaKind.VIDEO: VIDEO_MIME,
        MediaKind.AUDIO: AUDIO_MIME,
    }
    return mime if mime in allowed[kind] else None
