"""Shared wording for the input checks: format lists and number formatting."""

from __future__ import annotations

from ltxstudio.media.info import MediaKind

FORMATS = {
    MediaKind.IMAGE: "PNG, JPEG or WEBP",
    MediaKind.VIDEO: "MP4, MOV or MKV",
    MediaKind.AUDIO: "WAV, MP3, M4A or OGG",
}
ARTICLE = {
    MediaKind.IMAGE: "an image",
    MediaKind.VIDEO: "a video",
    MediaKind.AUDIO: "an audio file",
}


def secs(value: float, *limits: float) -> str:
    """`1.4 s`, but with more decimals when one decimal would round onto a limit."""
    for digits in (1, 2, 3):
        text = f"{value:.{digits}f}"
        if not any(float(text) == limit and value != limit for limit in limits):
            return f"{text} s"
    return f"{value:.3f} s"
