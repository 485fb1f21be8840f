"""Input checks per role: each bad case yields the specific sentence and the right fixes."""

from __future__ import annotations

import base64
import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.media import (
    Aspect,
    Code,
    FixKind,
    MediaInfo,
    MediaKind,
    Role,
    Severity,
    Transport,
    VideoStreamInfo,
    check,
    check_info,
    max_file_bytes,
    transport_cap,
)
from ltxstudio.media.checks import errors, sent_bytes
from tests.media.conftest import Matrix

pytestmark = pytest.mark.timeout(120)


def codes(problems: list) -> list[Code]:  # type: ignore[type-arg]
    return [p.code for p in problems]


# ------------------------------------------------------------------ accepted files


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("still.png", Role.FIRST_FRAME),
        ("still.jpg", Role.LAST_FRAME),
        ("still.webp", Role.FIRST_FRAME),
        ("aac-lc.m4a", Role.SOUNDTRACK),
        ("aac-mono.m4a", Role.SOUNDTRACK),
        ("mp3.mp3", Role.SOUNDTRACK),
        ("opus.ogg", Role.SOUNDTRACK),
        ("audio-only.mp4", Role.SOUNDTRACK),
        ("73frames.mp4", Role.RETAKE_SOURCE),
        ("h264.mp4", Role.HDR_SOURCE),
        ("h265.mp4", Role.REFRAME_SOURCE),
        ("h264.mkv", Role.REFRAME_SOURCE),
        ("h264.mov", Role.HDR_SOURCE),
    ],
)
def test_good_inputs_pass(matrix: Matrix, name: str, role: Role) -> None:
    assert errors(check(matrix[name], role)) == []


# ------------------------------------------------------------------ broken files


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("zero.mp4", Code.EMPTY),
        ("text.png", Code.UNREADABLE),
        ("garbage.mkv", Code.UNREADABLE),
        ("truncated.mp4", Code.UNREADABLE),
        ("damaged.png", Code.UNDECODABLE),
    ],
)
def test_broken_files_are_one_problem(matrix: Matrix, name: str, code: Code) -> None:
    problems = check(matrix[name], Role.FIRST_FRAME)
    assert codes(problems) == [code]
    assert name in problems[0].message


def test_interrupted_download(matrix: Matrix) -> None:
    problems = check(matrix["truncated-faststart.mp4"], Role.REFRAME_SOURCE)
    truncated = [p for p in problems if p.code is Code.TRUNCATED]
    assert truncated
    assert truncated[0].message == (
        "truncated-faststart.mp4 is cut short: its index points past the end of the file."
    )


# ------------------------------------------------------------------ images


def test_image_format_converts_to_png(matrix: Matrix) -> None:
    (problem,) = check(matrix["still.bmp"], Role.FIRST_FRAME)
    assert problem.code is Code.IMAGE_FORMAT
    assert problem.message == (
        "image is BMP; the image-to-video start frame needs PNG, JPEG or WEBP."
    )
    assert [f.kind for f in problem.fixes] == [FixKind.IMAGE_TO_PNG]


def test_animated_gif(matrix: Matrix) -> None:
    (problem,) = check(matrix["animated.gif"], Role.LAST_FRAME)
    assert problem.code is Code.IMAGE_FORMAT
    assert "GIF" in problem.message


def test_video_as_image_is_wrong_kind(matrix: Matrix) -> None:
    (problem,) = check(matrix["h264.mp4"], Role.FIRST_FRAME)
    assert problem.code is Code.WRONG_KIND
    assert problem.message == (
        "h264.mp4 is a video; the image-to-video start frame needs an image (PNG, JPEG or WEBP)."
    )
    assert problem.hint
    assert not problem.fixes


def test_image_size_caps_per_transport(matrix: Matrix) -> None:
    path = matrix["noise.png"]
    size = path.stat().st_size
    assert 5_300_000 < size < 7_000_000  # under the raw cap, over it once base64-encoded
    assert check(path, Role.FIRST_FRAME, Transport.UPLOAD) == []
    assert check(path, Role.FIRST_FRAME, Transport.URL) == []
    (problem,) = check(path, Role.FIRST_FRAME, Transport.DATA_URI)
    assert problem.code is Code.TOO_MANY_BYTES
    assert problem.message.startswith(f"image is {size / 1e6:.1f} MB (")
    assert "a data URI holds at most 7.0 MB of image." in problem.message
    assert problem.hint
    assert "upload" in problem.hint
    (fix,) = problem.fixes
    assert fix.kind is FixKind.IMAGE_DOWNSCALE
    assert fix.max_bytes == max_file_bytes(MediaKind.IMAGE, "image/png", Transport.DATA_URI)


def test_data_uri_length_is_the_real_encoded_length() -> None:
    for size in (0, 1, 2, 3, 1000, 5_000_001):
        uri = "data:image/png;base64," + base64.b64encode(b"\0" * size).decode()
        assert sent_bytes(size, "image/png", Transport.DATA_URI) == len(uri)
    limit = max_file_bytes(MediaKind.IMAGE, "image/png", Transport.DATA_URI)
    cap = transport_cap(MediaKind.IMAGE, Transport.DATA_URI)
    assert sent_bytes(limit, "image/png", Transport.DATA_URI) <= cap
    assert sent_bytes(limit + 3, "image/png", Transport.DATA_URI) > cap


def test_transport_caps_come_from_the_catalog() -> None:
    assert transport_cap(MediaKind.VIDEO, Transport.UPLOAD) == catalog.UPLOAD_MAX_BYTES
    assert transport_cap(MediaKind.AUDIO, Transport.URL) == catalog.URL_MAX_BYTES["audio"]
    assert transport_cap(MediaKind.IMAGE, Transport.DATA_URI) == catalog.DATA_URI_MAX_BYTES["image"]


# ------------------------------------------------------------------ audio


def test_short_audio_sentence(matrix: Matrix) -> None:
    (problem,) = check(matrix["short.m4a"], Role.SOUNDTRACK)
    assert problem.code is Code.AUDIO_TOO_SHORT
    assert problem.message == "audio is 1.4 s; audio-to-video needs 2–20 s."
    assert not problem.fixes
    assert problem.hint


def test_long_audio_offers_a_trim(matrix: Matrix) -> None:
    (problem,) = check(matrix["long.mp3"], Role.SOUNDTRACK)
    assert problem.code is Code.AUDIO_TOO_LONG
    assert problem.message == "audio is 23.0 s; audio-to-video needs 2–20 s."
    (fix,) = problem.fixes
    assert (fix.kind, fix.max_seconds) == (FixKind.AUDIO_TRIM, 20.0)


def test_model_narrows_the_audio_limit(matrix: Matrix) -> None:
    path = matrix["14s.m4a"]
    assert check(path, Role.SOUNDTRACK) == []
    assert (
        check(path, Role.SOUNDTRACK, model=Model.LTX_2_3_PRO, resolution=Resolution(1920, 1080))
        == []
    )
    (problem,) = check(
        path, Role.SOUNDTRACK, model=Model.LTX_2_5_PRO, resolution=Resolution(1920, 1080)
    )
    assert problem.message == "audio is 14.0 s; LTX-2.5 Pro at 1920x1080 takes at most 10 s."
    assert problem.fixes[0].max_seconds == 10
    (problem,) = check(
        path, Role.SOUNDTRACK, model=Model.LTX_2_3_PRO, resolution=Resolution(3840, 2160)
    )
    assert problem.message == "audio is 14.0 s; LTX-2.3 Pro at 3840x2160 takes at most 10 s."


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        (
            "pcm.wav",
            Code.AUDIO_PCM,
            "audio is uncompressed PCM (s16le); the API takes no PCM, only AAC-LC, MP3, Opus, "
            "Vorbis or FLAC.",
        ),
        ("he-aac.m4a", Code.AUDIO_HE_AAC, "audio is HE-AAC; the API takes AAC only as AAC-LC."),
        (
            "he-aac-v2.m4a",
            Code.AUDIO_HE_AAC,
            "audio is HE-AACv2; the API takes AAC only as AAC-LC.",
        ),
        (
            "flac.flac",
            Code.AUDIO_CONTAINER,
            "audio file is FLAC; audio-to-video needs WAV, MP3, M4A or OGG.",
        ),
        (
            "opus.mkv",
            Code.AUDIO_CONTAINER,
            "audio file is MKV; audio-to-video needs WAV, MP3, M4A or OGG.",
        ),
    ],
)
def test_audio_format_problems(matrix: Matrix, name: str, code: Code, message: str) -> None:
    (problem,) = check(matrix[name], Role.SOUNDTRACK)
    assert (problem.code, problem.message) == (code, message)
    assert [f.kind for f in problem.fixes] == [FixKind.AUDIO_TO_AAC]


def test_video_as_soundtrack_offers_extraction(matrix: Matrix) -> None:
    (problem,) = check(matrix["h264.mp4"], Role.SOUNDTRACK)
    assert problem.code is Code.WRONG_KIND
    assert problem.fixes[0].kind is FixKind.AUDIO_TO_AAC
    (silent,) = check(matrix["silent.mp4"], Role.SOUNDTRACK)
    assert silent.code is Code.WRONG_KIND
    assert not silent.fixes


# ------------------------------------------------------------------ video


def test_too_few_frames_boundary(matrix: Matrix) -> None:
    assert errors(check(matrix["73frames.mp4"], Role.EXTEND_SOURCE)) == []
    (problem,) = errors(check(matrix["72frames.mp4"], Role.RETAKE_SOURCE))
    assert problem.code is Code.VIDEO_TOO_FEW_FRAMES
    assert problem.message == (
        "video has 72 frames at 24 fps; retake needs at least 73 frames "
        "(3.04 s at this frame rate)."
    )


@pytest.mark.parametrize(
    ("name", "codes_"),
    [
        ("vp9.webm", [Code.VIDEO_CONTAINER, Code.VIDEO_CODEC]),
        ("av1.mkv", [Code.VIDEO_CODEC]),
        ("prores.mov", [Code.VIDEO_CODEC]),
    ],
)
def test_codecs_and_containers(matrix: Matrix, name: str, codes_: list[Code]) -> None:
    problems = errors(check(matrix[name], Role.RETAKE_SOURCE))
    assert codes(problems) == codes_
    for p in problems:
        assert [f.kind for f in p.fixes] == [FixKind.VIDEO_TO_H264]
    assert problems[-1].message.startswith("video codec is ")
    assert problems[-1].message.endswith("; retake needs H.264 or H.265.")


def test_webm_sentence(matrix: Matrix) -> None:
    problem = check(matrix["vp9.webm"], Role.EXTEND_SOURCE)[0]
    assert problem.message == "video container is WebM; extend needs MP4, MOV or MKV."


def test_extend_aspect_offers_pad_or_crop(matrix: Matrix) -> None:
    problems = check(matrix["4x3-3s.mp4"], Role.EXTEND_SOURCE)
    (problem,) = [p for p in problems if p.code is Code.VIDEO_ASPECT]
    assert problem.message == "video is 4:3 (240x180); extend needs 16:9 or 9:16."
    assert [(f.kind, f.aspect) for f in problem.fixes] == [
        (FixKind.VIDEO_PAD, Aspect.LANDSCAPE),
        (FixKind.VIDEO_CROP, Aspect.LANDSCAPE),
    ]
    # Retake has no aspect rule.
    assert Code.VIDEO_ASPECT not in codes(check(matrix["4x3-3s.mp4"], Role.RETAKE_SOURCE))


def test_extend_without_audio_is_a_warning(matrix: Matrix) -> None:
    (warning,) = check(matrix["73frames.mp4"], Role.EXTEND_SOURCE)
    assert (warning.code, warning.severity) == (Code.VIDEO_NO_AUDIO, Severity.WARNING)


def test_too_large_for_edits(matrix: Matrix) -> None:
    problems = check(matrix["5k.mp4"], Role.RETAKE_SOURCE)
    (large,) = [p for p in problems if p.code is Code.VIDEO_TOO_LARGE]
    assert (
        large.message == "video is 4096x2160; retake takes at most 3840x2160 (either orientation)."
    )
    assert large.fixes[0].kind is FixKind.VIDEO_SCALE_DOWN
    four_k = codes(check(matrix["4k.mp4"], Role.RETAKE_SOURCE))
    assert Code.VIDEO_TOO_LARGE not in four_k
    assert Code.VIDEO_OUTPUT_1080P in four_k


def test_hdr_frame_cap(matrix: Matrix) -> None:
    (problem,) = check(matrix["hdr-190.mp4"], Role.HDR_SOURCE)
    assert problem.code is Code.VIDEO_TOO_MANY_FRAMES
    assert problem.message == (
        "video has 190 frames at 24 fps; HDR takes at most 181 frames (7.54 s) for inputs up to "
        "1920x1080."
    )
    assert (problem.fixes[0].kind, problem.fixes[0].max_frames) == (FixKind.VIDEO_TRIM, 181)
    (big,) = check(matrix["5k.mp4"], Role.HDR_SOURCE)
    assert big.code is Code.VIDEO_TOO_LARGE
    assert big.message == "video is 4096x2160 (8.8 MP); HDR takes at most 3840x2160 (8.3 MP)."


def test_vfr_warning(matrix: Matrix) -> None:
    problems = check(matrix["vfr.mkv"], Role.RETAKE_SOURCE)
    assert Code.VIDEO_VFR in codes(problems)
    assert next(p for p in problems if p.code is Code.VIDEO_VFR).severity is Severity.WARNING


def test_rotated_portrait_is_9_16_for_extend(matrix: Matrix) -> None:
    # 320x180 stored, shown rotated: 180x320 is 9:16, so only the frame count is short.
    assert codes(errors(check(matrix["rot90.mp4"], Role.EXTEND_SOURCE))) == [
        Code.VIDEO_TOO_FEW_FRAMES
    ]


# ------------------------------------------------------------------ limits on synthetic infos


def fake_video(
    width: int, height: int, frames: int, fps: int = 24, *, codec: str = "h264"
) -> MediaInfo:
    video = VideoStreamInfo(
        index=0,
        codec=codec,
        profile="High",
        width=width,
        height=height,
        display_width=width,
        display_height=height,
        rotation=0,
        pixel_format="yuv420p",
        fps=Fraction(fps),
        vfr=False,
        frame_count=frames,
        frame_count_exact=True,
        duration=frames / fps,
        start_time=0.0,
        bit_rate=None,
    )
    return MediaInfo(
        path=Path("clip.mp4"),
        size_bytes=1_000_000,
        kind=MediaKind.VIDEO,
        container="mp4",
        mime="video/mp4",
        duration=frames / fps,
        bit_rate=None,
        video=(video,),
    )


@pytest.mark.parametrize(
    ("size", "cap"),
    [
        ((1920, 1080), 181),
        ((1080, 1920), 181),
        ((2560, 1440), 101),
        ((3840, 2160), 41),
        ((2000, 1200), 101),
    ],
)
def test_hdr_caps_per_tier(size: tuple[int, int], cap: int) -> None:
    assert check_info(fake_video(*size, cap), Role.HDR_SOURCE) == []
    (problem,) = check_info(fake_video(*size, cap + 1), Role.HDR_SOURCE)
    assert problem.code is Code.VIDEO_TOO_MANY_FRAMES
    assert f"at most {cap} frames" in problem.message


def test_reframe_limits() -> None:
    assert check_info(fake_video(1920, 1080, 1440), Role.REFRAME_SOURCE) == []  # 60.0 s at 24 fps
    (long_,) = check_info(fake_video(1920, 1080, 1441), Role.REFRAME_SOURCE)
    assert long_.code is Code.VIDEO_TOO_LONG
    assert long_.message == "video is 60.04 s; reframe takes at most 60 s."
    assert long_.fixes[0].max_frames == 1440
    (many,) = check_info(fake_video(1920, 1080, 1801, fps=60), Role.REFRAME_SOURCE)
    assert many.code is Code.VIDEO_TOO_MANY_FRAMES  # 30.0 s, but over 1800 frames
    assert many.fixes[0].max_frames == 1800
    (small,) = check_info(fake_video(48, 48, 100), Role.REFRAME_SOURCE)
    assert small.code is Code.VIDEO_SIDE
    assert small.message == ("video is 48x48; reframe takes sides of 64–4096 px.")


def test_aspect_tolerance() -> None:
    assert check_info(fake_video(854, 480, 100), Role.EXTEND_SOURCE)[0].code is Code.VIDEO_NO_AUDIO
    square = check_info(fake_video(1080, 1080, 100), Role.EXTEND_SOURCE)
    aspect = next(p for p in square if p.code is Code.VIDEO_ASPECT)
    assert {f.aspect for f in aspect.fixes} == {Aspect.LANDSCAPE, Aspect.PORTRAIT}
    assert aspect.message == "video is 1:1 (1080x1080); extend needs 16:9 or 9:16."


def test_video_bytes_over_data_uri_cap() -> None:
    info = dataclasses.replace(fake_video(1920, 1080, 100), size_bytes=20_000_000)
    (problem,) = check_info(info, Role.HDR_SOURCE, Transport.DATA_URI)
    assert problem.code is Code.TOO_MANY_BYTES
    assert not problem.fixes
    assert problem.hint == "send it through the upload route instead (up to 200 MB)"
    assert check_info(info, Role.HDR_SOURCE, Transport.UPLOAD) == []
