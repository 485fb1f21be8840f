"""Input checks for video roles: retake, extend, HDR and reframe sources (API-NOTES §3.4-3.7)."""

from __future__ import annotations

import math

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Resolution
from ltxstudio.media.formats import container_label
from ltxstudio.media.info import MediaInfo, MediaKind, VideoStreamInfo, codec_label
from ltxstudio.media.problems import Aspect, Code, Fix, FixKind, Problem, Role, Severity
from ltxstudio.media.wording import FORMATS, secs

#: How far from an exact 16:9 a size may be and still count as 16:9 (854x480 is 0.1 % off).
#: The API does not say how strict it is; exact-pixel 16:9 sizes are rarer than these.
ASPECT_TOLERANCE = 0.01


def video_problems(info: MediaInfo, role: Role) -> list[Problem]:
    video = info.first_video
    assert video is not None
    problems: list[Problem] = []
    to_h264 = Fix(FixKind.VIDEO_TO_H264, "Convert to H.264 MP4")
    if info.mime is None:
        problems.append(
            Problem(
                Code.VIDEO_CONTAINER,
                f"video container is {container_label(info.container)}; {role.label} needs "
                f"{FORMATS[MediaKind.VIDEO]}.",
                fixes=(to_h264,),
            )
        )
    if video.codec not in catalog.VIDEO_CODECS:
        problems.append(
            Problem(
                Code.VIDEO_CODEC,
                f"video codec is {codec_label(video.codec)}; {role.label} needs H.264 or H.265.",
                fixes=(to_h264,),
            )
        )
    if info.truncated:
        problems.append(
            Problem(
                Code.TRUNCATED,
                f"{info.path.name} is cut short: its index points past the end of the file.",
                hint="download or export it again",
            )
        )
    match role:
        case Role.RETAKE_SOURCE | Role.EXTEND_SOURCE:
            problems += _edit_source(info, video, role)
        case Role.HDR_SOURCE:
            problems += _hdr_source(video, role)
        case Role.REFRAME_SOURCE:
            problems += _reframe_source(info, video, role)
        case Role.FIRST_FRAME | Role.LAST_FRAME | Role.SOUNDTRACK:
            raise AssertionError(f"{role} is not a video role")
    return problems


def _frames_text(video: VideoStreamInfo) -> str:
    approx = "" if video.frame_count_exact else "about "
    rate = f" at {float(video.fps):.3g} fps" if video.fps else ""
    return f"{approx}{video.frame_count} frames{rate}"


def _too_large(video: VideoStreamInfo, role: Role, box: tuple[int, int]) -> Problem | None:
    long_side = max(video.display_width, video.display_height)
    short_side = min(video.display_width, video.display_height)
    if long_side <= box[0] and short_side <= box[1]:
        return None
    return Problem(
        Code.VIDEO_TOO_LARGE,
        f"video is {video.display_width}x{video.display_height}; {role.label} takes at most "
        f"{box[0]}x{box[1]} (either orientation).",
        fixes=(
            Fix(FixKind.VIDEO_SCALE_DOWN, f"Scale down to fit {box[0]}x{box[1]}", max_size=box),
        ),
    )


def _edit_source(info: MediaInfo, video: VideoStreamInfo, role: Role) -> list[Problem]:
    problems: list[Problem] = []
    if (large := _too_large(video, role, catalog.VIDEO_MAX_SIZE)) is not None:
        problems.append(large)
    if video.frame_count < catalog.VIDEO_MIN_FRAMES:
        need = catalog.VIDEO_MIN_FRAMES
        seconds = f" ({need / float(video.fps):.2f} s at this frame rate)" if video.fps else ""
        problems.append(
            Problem(
                Code.VIDEO_TOO_FEW_FRAMES,
                f"video has {_frames_text(video)}; {role.label} needs at least {need} frames"
                f"{seconds}.",
                hint="use a longer clip",
            )
        )
    if role is Role.EXTEND_SOURCE and not _is_16_9(video.display_width, video.display_height):
        problems.append(_aspect_problem(video, role))
    if role is Role.EXTEND_SOURCE and not info.audio:
        problems.append(
            Problem(
                Code.VIDEO_NO_AUDIO,
                "video has no audio track, so the extension will be silent.",
                severity=Severity.WARNING,
            )
        )
    p1080 = Resolution.of(catalog.Tier.P1080)
    if role is Role.RETAKE_SOURCE and video.resolution.pixels > p1080.pixels:
        problems.append(
            Problem(
                Code.VIDEO_OUTPUT_1080P,
                f"retake returns 1080p: this {video.display_width}x{video.display_height} "
                "video comes back smaller.",
                severity=Severity.WARNING,
            )
        )
    if video.vfr:
        problems.append(
            Problem(
                Code.VIDEO_VFR,
                "video has a variable frame rate; the API counts frames at the average rate, so "
                "times may land a frame off.",
                severity=Severity.WARNING,
                fixes=(Fix(FixKind.VIDEO_TO_H264, "Re-encode at a constant frame rate"),),
            )
        )
    return problems


def _is_16_9(width: int, height: int) -> bool:
    ratio = max(width, height) / min(width, height)
    return abs(ratio / (16 / 9) - 1) <= ASPECT_TOLERANCE


def _aspect_problem(video: VideoStreamInfo, role: Role) -> Problem:
    w, h = video.display_width, video.display_height
    ratio = Resolution(w, h).aspect_label
    if ratio.count(":") and max(int(x) for x in ratio.split(":")) > 50:
        ratio = f"{w / h:.2f}:1"
    targets = (Aspect.LANDSCAPE,) if w > h else (Aspect.PORTRAIT,) if h > w else tuple(Aspect)
    fixes = []
    for aspect in targets:
        fixes.append(Fix(FixKind.VIDEO_PAD, f"Pad to {aspect.value} (bars)", aspect=aspect))
        fixes.append(Fix(FixKind.VIDEO_CROP, f"Crop to {aspect.value}", aspect=aspect))
    return Problem(
        Code.VIDEO_ASPECT,
        f"video is {ratio} ({w}x{h}); {role.label} needs 16:9 or 9:16.",
        fixes=tuple(fixes),
    )


def _hdr_source(video: VideoStreamInfo, role: Role) -> list[Problem]:
    w, h = video.display_width, video.display_height
    cap = catalog.hdr_frame_cap(w, h)
    if cap is None:
        return [
            Problem(
                Code.VIDEO_TOO_LARGE,
                f"video is {w}x{h} ({w * h / 1e6:.1f} MP); HDR takes at most 3840x2160 "
                f"({3840 * 2160 / 1e6:.1f} MP).",
                fixes=(
                    Fix(
                        FixKind.VIDEO_SCALE_DOWN,
                        "Scale down to fit 3840x2160",
                        max_size=(3840, 2160),
                    ),
                ),
            )
        ]
    if video.frame_count <= cap:
        return []
    tier = next(limit for limit, c in catalog.HDR_FRAME_CAPS if c == cap)
    tier_name = {1920 * 1080: "1920x1080", 2560 * 1440: "2560x1440", 3840 * 2160: "3840x2160"}[tier]
    seconds = f" ({cap / float(video.fps):.2f} s)" if video.fps else ""
    return [
        Problem(
            Code.VIDEO_TOO_MANY_FRAMES,
            f"video has {_frames_text(video)}; {role.label} takes at most {cap} frames{seconds} "
            f"for inputs up to {tier_name}.",
            fixes=(Fix(FixKind.VIDEO_TRIM, f"Keep the first {cap} frames", max_frames=cap),),
        )
    ]


def _reframe_source(info: MediaInfo, video: VideoStreamInfo, role: Role) -> list[Problem]:
    problems: list[Problem] = []
    low, high = catalog.REFRAME_SIDE_RANGE
    w, h = video.display_width, video.display_height
    if max(w, h) > high:
        problems.append(
            Problem(
                Code.VIDEO_SIDE,
                f"video is {w}x{h}; {role.label} takes sides of {low}–{high} px.",
                fixes=(
                    Fix(
                        FixKind.VIDEO_SCALE_DOWN,
                        f"Scale down to fit {high} px",
                        max_size=(high, high),
                    ),
                ),
            )
        )
    elif min(w, h) < low:
        problems.append(
            Problem(
                Code.VIDEO_SIDE,
                f"video is {w}x{h}; {role.label} takes sides of {low}–{high} px.",
                hint="use a larger video",
            )
        )
    fps = float(video.fps) if video.fps else None
    max_frames = catalog.REFRAME_MAX_FRAMES
    if fps:
        max_frames = min(max_frames, math.floor(catalog.REFRAME_MAX_SECONDS * fps))
    trim = (Fix(FixKind.VIDEO_TRIM, f"Keep the first {max_frames} frames", max_frames=max_frames),)
    duration = info.duration or video.duration or 0.0
    if duration > catalog.REFRAME_MAX_SECONDS:
        problems.append(
            Problem(
                Code.VIDEO_TOO_LONG,
                f"video is {secs(duration, catalog.REFRAME_MAX_SECONDS)}; {role.label} takes at "
                f"most {catalog.REFRAME_MAX_SECONDS:g} s.",
                fixes=trim,
            )
        )
    elif video.frame_count > catalog.REFRAME_MAX_FRAMES:
        problems.append(
            Problem(
                Code.VIDEO_TOO_MANY_FRAMES,
                f"video has {_frames_text(video)}; {role.label} takes at most "
                f"{catalog.REFRAME_MAX_FRAMES} frames.",
                fixes=trim,
            )
        )
    return problems
