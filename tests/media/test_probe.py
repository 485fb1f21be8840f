"""probe over the media matrix: the right facts for good files, a sentence for bad ones, and
never a crash or a hang."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ltxstudio.media import MediaError, MediaInfo, MediaKind, describe, probe
from tests.media.conftest import BUILDERS, Matrix

# The guard for "never a hang": a probe that does not return fails the test here (each test
# builds its file and probes it once). A generous timeout, not a claim about speed: a busy
# machine may take seconds, and only a probe that never returns should fail.
pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_probe_never_crashes(matrix: Matrix, name: str) -> None:
    path = matrix[name]
    outcome: MediaError | MediaInfo
    try:
        outcome = probe(path)
    except MediaError as exc:  # the only exception probe may raise
        outcome = exc
    if isinstance(outcome, MediaError):
        assert outcome.code in ("empty", "unreadable", "undecodable")
        assert path.name in outcome.message
    else:
        assert outcome.size_bytes == path.stat().st_size
        assert describe(outcome)


# name: (kind, container, mime, video codec, audio codec)
EXPECTED = {
    "h264.mp4": (MediaKind.VIDEO, "mp4", "video/mp4", "h264", "aac"),
    "h265.mp4": (MediaKind.VIDEO, "mp4", "video/mp4", "hevc", None),
    "h264.mov": (MediaKind.VIDEO, "mov", "video/quicktime", "h264", "aac"),
    "h264.mkv": (MediaKind.VIDEO, "matroska", "video/x-matroska", "h264", "aac"),
    "vp9.webm": (MediaKind.VIDEO, "webm", None, "vp9", "opus"),
    "av1.mkv": (MediaKind.VIDEO, "matroska", "video/x-matroska", "av1", None),
    "prores.mov": (MediaKind.VIDEO, "mov", "video/quicktime", "prores", "pcm_s16le"),
    "silent.mp4": (MediaKind.VIDEO, "mp4", "video/mp4", "h264", None),
    "aac-lc.m4a": (MediaKind.AUDIO, "m4a", "audio/mp4", None, "aac"),
    "audio-only.mp4": (MediaKind.AUDIO, "m4a", "audio/mp4", None, "aac"),
    "pcm.wav": (MediaKind.AUDIO, "wav", "audio/wav", None, "pcm_s16le"),
    "mp3.mp3": (MediaKind.AUDIO, "mp3", "audio/mpeg", None, "mp3"),
    "opus.ogg": (MediaKind.AUDIO, "ogg", "audio/ogg", None, "opus"),
    "flac.flac": (MediaKind.AUDIO, "flac", None, None, "flac"),
    "opus.mkv": (MediaKind.AUDIO, "matroska", None, None, "opus"),
    "still.png": (MediaKind.IMAGE, "png", "image/png", None, None),
    "still.jpg": (MediaKind.IMAGE, "jpeg", "image/jpeg", None, None),
    "still.webp": (MediaKind.IMAGE, "webp", "image/webp", None, None),
    "still.bmp": (MediaKind.IMAGE, "bmp", None, None, None),
    "still.tiff": (MediaKind.IMAGE, "tiff", None, None, None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_kind_container_and_codecs(matrix: Matrix, name: str) -> None:
    kind, container, mime, vcodec, acodec = EXPECTED[name]
    info = probe(matrix[name])
    assert (info.kind, info.container, info.mime) == (kind, container, mime)
    assert (info.first_video.codec if info.first_video else None) == vcodec
    assert (info.first_audio.codec if info.first_audio else None) == acodec


def test_h264_facts(matrix: Matrix) -> None:
    info = probe(matrix["h264.mp4"])
    v, a = info.first_video, info.first_audio
    assert v is not None
    assert a is not None
    assert (v.width, v.height, v.display_width, v.display_height) == (320, 180, 320, 180)
    assert v.fps == 24
    assert not v.vfr
    assert v.rotation == 0
    assert (v.frame_count, v.frame_count_exact) == (24, True)
    assert v.pixel_format == "yuv420p"
    assert v.profile
    assert v.duration == pytest.approx(1.0, abs=0.01)
    assert (a.profile, a.channels, a.sample_rate) == ("LC", 2, 48000)
    assert info.duration == pytest.approx(1.0, abs=0.05)


def test_frame_count_without_a_container_count(matrix: Matrix) -> None:
    # Matroska stores no frame count: probe counts packets (no decoding) and says it is exact.
    v = probe(matrix["h264.mkv"]).first_video
    assert v is not None
    assert (v.frame_count, v.frame_count_exact) == (48, True)


def test_ntsc_rate_is_exact(matrix: Matrix) -> None:
    v = probe(matrix["ntsc.mp4"]).first_video
    assert v is not None
    assert v.fps == Fraction(30000, 1001)
    assert not v.vfr
    assert v.frame_count == 30


def test_vfr_detected_and_cfr_not(matrix: Matrix) -> None:
    vfr = probe(matrix["vfr.mkv"]).first_video
    assert vfr is not None
    assert vfr.vfr
    assert vfr.frame_count == 24
    for name in ("h264.mkv", "h264-bframes.mp4", "vp9.webm", "ntsc.mp4"):
        v = probe(matrix[name]).first_video
        assert v is not None, name
        assert not v.vfr, name


@pytest.mark.parametrize(("name", "rotation"), [("rot90.mp4", 90), ("rot270.mp4", 270)])
def test_rotation_swaps_display_size(matrix: Matrix, name: str, rotation: int) -> None:
    v = probe(matrix[name]).first_video
    assert v is not None
    assert (v.rotation, v.width, v.height, v.display_width, v.display_height) == (
        rotation,
        320,
        180,
        180,
        320,
    )
    assert v.resolution.portrait


def test_portrait(matrix: Matrix) -> None:
    v = probe(matrix["portrait.mp4"]).first_video
    assert v is not None
    assert (v.display_width, v.display_height, v.rotation) == (180, 320, 0)


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("720p.mp4", (1280, 720)),
        ("1080p.mp4", (1920, 1080)),
        ("4k.mp4", (3840, 2160)),
        ("5k.mp4", (4096, 2160)),
    ],
)
def test_sizes(matrix: Matrix, name: str, size: tuple[int, int]) -> None:
    v = probe(matrix[name]).first_video
    assert v is not None
    assert (v.display_width, v.display_height) == size


@pytest.mark.parametrize(
    ("name", "profile", "channels", "rate"),
    [
        ("aac-lc.m4a", "LC", 2, 48000),
        ("aac-mono.m4a", "LC", 1, 48000),
        ("he-aac.m4a", "HE-AAC", None, 48000),
        ("he-aac-v2.m4a", "HE-AACv2", None, 48000),
    ],
)
def test_aac_profiles(
    matrix: Matrix, name: str, profile: str, channels: int | None, rate: int
) -> None:
    a = probe(matrix[name]).first_audio
    assert a is not None
    assert a.codec == "aac"
    assert a.profile == profile
    assert a.is_he_aac == profile.startswith("HE")
    assert a.sample_rate == rate  # HE-AAC: the SBR output rate, twice the 24 kHz core
    if channels is not None:
        assert a.channels == channels


def test_pcm_and_others(matrix: Matrix) -> None:
    pcm = probe(matrix["pcm.wav"]).first_audio
    assert pcm is not None
    assert pcm.is_pcm
    assert pcm.sample_format == "s16"
    for name in ("mp3.mp3", "opus.ogg", "flac.flac"):
        a = probe(matrix[name]).first_audio
        assert a is not None, name
        assert not a.is_pcm, name
        assert not a.is_he_aac, name
        assert a.duration is None or a.duration == pytest.approx(3.0, abs=0.1)


def test_stills(matrix: Matrix) -> None:
    info = probe(matrix["still.png"])
    assert info.image is not None
    assert (info.image.width, info.image.height, info.image.mode, info.image.frames) == (
        320,
        180,
        "RGB",
        1,
    )
    gif = probe(matrix["animated.gif"])
    assert gif.image is not None
    assert gif.image.frames == 3
    assert gif.mime is None


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("zero.mp4", "empty", "zero.mp4 is empty (0 bytes)."),
        ("text.png", "unreadable", "text.png is a text file, not an image, video or audio file."),
        ("garbage.mkv", "unreadable", "garbage.mkv is not an image, video or audio file"),
        ("truncated.mp4", "unreadable", "truncated.mp4 is not an image, video or audio file"),
        ("damaged.png", "undecodable", "damaged.png is a damaged PNG image"),
    ],
)
def test_bad_files_say_why(matrix: Matrix, name: str, code: str, words: str) -> None:
    with pytest.raises(MediaError) as caught:
        probe(matrix[name])
    assert caught.value.code == code
    assert caught.value.message.startswith(words)


def test_interrupted_download_is_flagged(matrix: Matrix) -> None:
    info = probe(matrix["truncated-faststart.mp4"])
    assert info.truncated


def test_missing_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MediaError) as caught:
        probe(tmp_path / "nope.mp4")
    assert caught.value.code == "missing"
