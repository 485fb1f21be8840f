"""Conversions: every convertible case becomes a file the checks accept for its role, in the
directory asked for, and the original is never touched."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ltxstudio.media import (
    Aspect,
    Cancelled,
    CancelToken,
    Code,
    Fix,
    FixKind,
    Role,
    ScrubDecoder,
    Transport,
    check,
    convert,
    probe,
)
from ltxstudio.media.checks import errors
from ltxstudio.media.convert import VideoPlan
from tests.media.conftest import Matrix, digest
from tests.support.media_factory import read_frame_index

pytestmark = pytest.mark.timeout(120)


def fix_all(
    src: Path, role: Role, out_dir: Path, transport: Transport = Transport.UPLOAD, pick: int = 0
) -> Path:
    """What the CLI's --fix does: take one fix per fixable error, convert once, re-check."""
    problems = errors(check(src, role, transport))
    fixes = [p.fixes[min(pick, len(p.fixes) - 1)] for p in problems if p.fixes]
    assert fixes, f"nothing to fix in {src.name}: {problems}"
    before = digest(src)
    out = convert(src, fixes, out_dir)
    assert digest(src) == before, "the original changed"
    assert out.parent == out_dir
    assert out != src
    assert errors(check(out, role, transport)) == []
    return out


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("pcm.wav", Role.SOUNDTRACK),
        ("he-aac.m4a", Role.SOUNDTRACK),
        ("he-aac-v2.m4a", Role.SOUNDTRACK),
        ("flac.flac", Role.SOUNDTRACK),
        ("opus.mkv", Role.SOUNDTRACK),
        ("4x3-3s.mp4", Role.SOUNDTRACK),  # extract the soundtrack of a video
        ("still.bmp", Role.FIRST_FRAME),
        ("still.tiff", Role.LAST_FRAME),
        ("animated.gif", Role.FIRST_FRAME),
        ("vp9.webm", Role.RETAKE_SOURCE),
        ("av1.mkv", Role.RETAKE_SOURCE),
        ("prores.mov", Role.RETAKE_SOURCE),
        ("hdr-190.mp4", Role.HDR_SOURCE),
        ("5k.mp4", Role.HDR_SOURCE),
    ],
)
def test_convertible_cases_pass_after_conversion(
    matrix: Matrix, tmp_path: Path, name: str, role: Role
) -> None:
    out = fix_all(matrix[name], role, tmp_path)
    info = probe(out)
    if role is Role.SOUNDTRACK:
        assert (out.suffix, info.container) == (".m4a", "m4a")
        assert info.first_audio is not None
        assert info.first_audio.profile == "LC"
    if role.kind.value == "video":
        assert info.first_video is not None
        assert info.first_video.codec == "h264"


def test_he_aac_becomes_aac_lc(matrix: Matrix, tmp_path: Path) -> None:
    out = fix_all(matrix["he-aac.m4a"], Role.SOUNDTRACK, tmp_path)
    audio = probe(out).first_audio
    assert audio is not None
    assert (audio.profile, audio.is_he_aac) == ("LC", False)
    assert probe(out).duration == pytest.approx(3.0, abs=0.05)


def test_long_audio_is_trimmed_to_the_limit(matrix: Matrix, tmp_path: Path) -> None:
    out = fix_all(matrix["long.mp3"], Role.SOUNDTRACK, tmp_path)
    assert probe(out).duration == pytest.approx(20.0, abs=0.03)
    assert probe(out).duration <= 20.0  # type: ignore[operator]


def test_trim_to_a_models_limit(matrix: Matrix, tmp_path: Path) -> None:
    from ltxstudio.core.catalog import Model, Resolution

    src = matrix["14s.m4a"]
    (problem,) = check(
        src, Role.SOUNDTRACK, model=Model.LTX_2_5_PRO, resolution=Resolution(1280, 720)
    )
    out = convert(src, problem.fixes, tmp_path)
    assert (
        check(out, Role.SOUNDTRACK, model=Model.LTX_2_5_PRO, resolution=Resolution(1280, 720)) == []
    )
    assert probe(out).duration == pytest.approx(10.0, abs=0.03)


def test_image_downscale_fits_the_data_uri_cap(matrix: Matrix, tmp_path: Path) -> None:
    out = fix_all(matrix["noise.png"], Role.FIRST_FRAME, tmp_path, Transport.DATA_URI)
    with Image.open(out) as im:
        assert im.format == "PNG"
        assert im.width < 1400
        assert im.height < 1400
        assert abs(im.width / im.height - 1) < 0.01


def test_pad_and_crop_to_16_9(matrix: Matrix, tmp_path: Path) -> None:
    src = matrix["4x3-3s.mp4"]
    padded = fix_all(src, Role.EXTEND_SOURCE, tmp_path, pick=0)
    cropped = fix_all(src, Role.EXTEND_SOURCE, tmp_path, pick=1)
    assert padded != cropped
    pv, cv = probe(padded).first_video, probe(cropped).first_video
    assert pv is not None
    assert cv is not None
    assert (pv.width, pv.height) == (320, 180)  # 240x180 centred, 40 px bars each side
    assert (cv.width, cv.height) == (224, 126)  # the largest 32k x 18k inside 240x180
    with ScrubDecoder(padded) as d:
        image = d.frame(10).image
    assert image[:, :36].max() < 24
    assert image[:, -36:].max() < 24
    assert read_frame_index(image[:, 40:280]) == 10  # the picture itself, unscaled
    # The frame count survives the re-encode.
    assert pv.frame_count == probe(src).first_video.frame_count  # type: ignore[union-attr]


def test_one_pass_for_merged_fixes(matrix: Matrix, tmp_path: Path) -> None:
    # VP9 in WebM at 4:3 for extend: container, codec and aspect are fixed by one encode.
    src = matrix["4x3-3s.webm"]
    problems = errors(check(src, Role.EXTEND_SOURCE))
    assert [p.code for p in problems] == [Code.VIDEO_CONTAINER, Code.VIDEO_CODEC, Code.VIDEO_ASPECT]
    out = fix_all(src, Role.EXTEND_SOURCE, tmp_path)
    assert list(tmp_path.iterdir()) == [out]
    assert probe(out).first_audio is not None  # the Opus soundtrack came along as AAC


def test_hdr_trim_keeps_exactly_the_cap(matrix: Matrix, tmp_path: Path) -> None:
    out = fix_all(matrix["hdr-190.mp4"], Role.HDR_SOURCE, tmp_path)
    video = probe(out).first_video
    assert video is not None
    assert video.frame_count == 181
    with ScrubDecoder(out) as d:
        assert read_frame_index(d.frame(180).image) == 180


def test_scale_down_keeps_aspect(matrix: Matrix, tmp_path: Path) -> None:
    out = fix_all(matrix["5k.mp4"], Role.HDR_SOURCE, tmp_path)
    video = probe(out).first_video
    assert video is not None
    assert (video.width, video.height) == (3840, 2024)


def test_rotated_source_is_written_upright(matrix: Matrix, tmp_path: Path) -> None:
    out = convert(matrix["rot90.mp4"], [Fix(FixKind.VIDEO_TO_H264, "x")], tmp_path)
    video = probe(out).first_video
    assert video is not None
    assert (video.rotation, video.width, video.height) == (0, 180, 320)
    with ScrubDecoder(matrix["rot90.mp4"]) as a, ScrubDecoder(out) as b:
        diff = np.abs(a.frame(5).image.astype(int) - b.frame(5).image.astype(int)).mean()
    assert diff < 4


def test_vfr_becomes_constant_rate(matrix: Matrix, tmp_path: Path) -> None:
    (problem,) = [
        p for p in check(matrix["vfr.mkv"], Role.RETAKE_SOURCE) if p.code is Code.VIDEO_VFR
    ]
    out = convert(matrix["vfr.mkv"], problem.fixes, tmp_path)
    video = probe(out).first_video
    assert video is not None
    assert not video.vfr
    assert video.frame_count == 24


def test_outputs_never_overwrite(matrix: Matrix, tmp_path: Path) -> None:
    src = matrix["pcm.wav"]
    fix = [Fix(FixKind.AUDIO_TO_AAC, "x")]
    first, second = convert(src, fix, tmp_path), convert(src, fix, tmp_path)
    assert first != second
    assert (first.name, second.name) == ("pcm-converted.m4a", "pcm-converted-2.m4a")
    # Converting into the source's own directory still leaves the source alone.
    before = digest(src)
    beside = convert(src, fix, src.parent)
    assert beside.parent == src.parent
    assert digest(src) == before
    beside.unlink()


def test_cancel_leaves_nothing_behind(matrix: Matrix, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        convert(matrix["vp9.webm"], [Fix(FixKind.VIDEO_TO_H264, "x")], tmp_path, cancel=token)
    assert list(tmp_path.iterdir()) == []


def test_fixes_of_two_media_do_not_mix(matrix: Matrix, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="different media"):
        convert(
            matrix["pcm.wav"],
            [Fix(FixKind.AUDIO_TO_AAC, "a"), Fix(FixKind.IMAGE_TO_PNG, "b")],
            tmp_path,
        )


@pytest.mark.parametrize(
    ("size", "fix", "out", "scaled"),
    [
        (
            (1440, 1080),
            Fix(FixKind.VIDEO_PAD, "", aspect=Aspect.LANDSCAPE),
            (1920, 1080),
            (1440, 1080),
        ),
        (
            (1440, 1080),
            Fix(FixKind.VIDEO_CROP, "", aspect=Aspect.LANDSCAPE),
            (1440, 810),
            (1440, 1080),
        ),
        (
            (1080, 1080),
            Fix(FixKind.VIDEO_PAD, "", aspect=Aspect.PORTRAIT),
            (1080, 1920),
            (1080, 1080),
        ),
        (
            (1080, 1350),
            Fix(FixKind.VIDEO_CROP, "", aspect=Aspect.PORTRAIT),
            (756, 1344),
            (1080, 1350),
        ),
        (
            (4096, 2160),
            Fix(FixKind.VIDEO_SCALE_DOWN, "", max_size=(3840, 2160)),
            (3840, 2024),
            (3840, 2024),
        ),
        ((1921, 1081), Fix(FixKind.VIDEO_TO_H264, ""), (1920, 1080), (1920, 1080)),
    ],
)
def test_geometry(
    size: tuple[int, int], fix: Fix, out: tuple[int, int], scaled: tuple[int, int]
) -> None:
    g = VideoPlan.merge([fix]).geometry(*size)
    assert (g.width, g.height) == out
    assert (g.scale_width, g.scale_height) == scaled
    if fix.aspect is not None:
        w, h = fix.aspect.ratio
        assert g.width * h == g.height * w  # exactly 16:9 / 9:16
    assert g.width % 2 == 0
    assert g.height % 2 == 0


# ------------------------------------------------------------------ autofix (the CLI's --fix)


def test_autofix_picks_alternatives_and_reports_what_is_left(
    matrix: Matrix, tmp_path: Path
) -> None:
    from ltxstudio.media import autofix

    src = matrix["4x3-3s.webm"]
    result = autofix(src, Role.EXTEND_SOURCE, tmp_path, choices={Code.VIDEO_ASPECT: 1})
    assert result.converted
    assert errors(list(result.problems)) == []
    assert [f.kind for f in result.applied] == [FixKind.VIDEO_TO_H264, FixKind.VIDEO_CROP]
    assert probe(result.path).first_video.width == 224  # type: ignore[union-attr]
    # Nothing to convert: a too-short soundtrack stays as it is, with its sentence.
    short = autofix(matrix["short.m4a"], Role.SOUNDTRACK, tmp_path)
    assert not short.converted
    assert short.path == matrix["short.m4a"]
    assert [p.code for p in short.problems] == [Code.AUDIO_TOO_SHORT]
