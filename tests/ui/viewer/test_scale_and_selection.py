"""The time↔pixel mapper, the selection's rules and the edit cost estimates (no media)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from ltxstudio.core.catalog import Resolution
from ltxstudio.core.request import Extend, Hdr, Reframe, Retake
from ltxstudio.core.segments import Handle, Window
from ltxstudio.media import MediaInfo, MediaKind, VideoStreamInfo
from ltxstudio.ui.viewer.facts import ClipFacts, estimate
from ltxstudio.ui.viewer.selection import NO_SELECTION, Selection
from ltxstudio.ui.viewer.timescale import PAD, TimeScale

pytestmark = pytest.mark.gui


def scale(duration: float = 5.0, width: int = 1000, fps: float = 24) -> TimeScale:
    s = TimeScale()
    s.set_width(width)
    s.set_clip(duration, fps)
    return s


def test_fit_zoom_and_scroll(qtbot: QtBot) -> None:
    s = scale()
    assert s.x_of(0) == PAD
    assert s.x_of(5.0) == pytest.approx(1000 - PAD)
    assert s.time_at(s.x_of(2.5)) == pytest.approx(2.5)
    assert s.time_at(-50) == 0.0
    assert s.time_at(5000) == 5.0
    x = s.x_of(3.0)
    s.zoom_at(x, 4.0)
    assert s.zoom == 4.0
    assert s.x_of(3.0) == pytest.approx(x)  # the time under the mouse stays under it
    assert s.visible()[1] - s.visible()[0] == pytest.approx(1.25)
    s.scroll_to(100.0)
    assert s.visible()[1] == pytest.approx(5.0)  # never past the end
    s.scroll_to(-3.0)
    assert s.offset == 0.0
    s.zoom_at(500, 1e9)
    assert s.pixels_per_second == pytest.approx(48 * 24)  # deepest zoom: 48 px per frame
    s.zoom_at(500, 1e-9)
    assert s.zoom == 1.0
    assert s.offset == 0.0


def test_ticks_adapt_to_zoom(qtbot: QtBot) -> None:
    s = scale()
    major, ticks = s.ticks()
    assert major == 0.5  # 1000 px over 5 s: half seconds are 98 px apart
    assert [t.seconds for t in ticks if t.major][:3] == [0.0, 0.5, 1.0]
    s.zoom_at(500, 1e9)
    major, ticks = s.ticks()
    assert major == pytest.approx(2 / 24)  # frames at the deepest zoom
    assert all(
        abs(t.seconds * 24 - round(t.seconds * 24)) < 1e-6 for t in ticks
    )  # every tick on a frame


@given(
    x=st.floats(0, 1000, allow_nan=False),
    zoom=st.floats(1, 64),
    scroll=st.floats(0, 5),
)
def test_mapping_round_trips(x: float, zoom: float, scroll: float) -> None:
    s = scale()
    s.zoom_at(500, zoom)
    s.scroll_to(scroll)
    t = s.time_at(x)
    if 0 < t < 5.0:
        assert s.x_of(t) == pytest.approx(x, abs=1e-6)


def test_marks_are_refused_with_a_reason_and_drags_snap(qtbot: QtBot) -> None:
    sel = Selection()
    sel.set_clip(5.0, Fraction(25))  # 25 fps: 1.2 s is a whole number of frames
    assert sel.problem == NO_SELECTION
    sel.mark_in(2.0)
    sel.mark_out(3.2)
    assert sel.window == Window(2.0, 3.2)
    assert sel.problem == "the window is 1.20 s; a retake needs at least 2 s"
    # Dragging the out handle of that window snaps it to the 2 s minimum.
    assert sel.drag(Handle.END, Window(2.0, 3.2)) == Window(2.0, 4.0)
    assert sel.problem is None
    # On the frame grid: 0.51 s is not a frame start at 25 fps, 0.52 s is.
    sel.drag(Handle.START, Window(0.51, 4.0))
    assert sel.window == Window(0.52, 4.0)
    # Dragging the whole window past the end keeps its length inside the clip.
    sel.drag(Handle.MOVE, Window(4.0, 7.48))
    assert sel.window == Window(1.52, 5.0)
    # I after O keeps O; O before I starts at 0 (typed marks are kept as typed, then judged).
    sel.mark_in(4.4)
    assert sel.window == Window(4.4, 5.0)
    assert "needs at least 2 s" in (sel.problem or "")
    sel.mark_out(1.0)
    assert sel.window == Window(0.0, 1.0)
    sel.clip_changed_length(0.5, Fraction(25))  # a shorter take: the window no longer fits
    assert sel.window is None


def _facts(seconds: float, width: int = 1920, height: int = 1080, fps: int = 24) -> ClipFacts:
    frames = round(seconds * fps)
    video = VideoStreamInfo(
        0,
        "h264",
        "High",
        width,
        height,
        width,
        height,
        0,
        "yuv420p",
        Fraction(fps),
        False,
        frames,
        True,
        seconds,
        0.0,
        None,
    )
    info = MediaInfo(Path("x.mp4"), 1, MediaKind.VIDEO, "mp4", "video/mp4", seconds, None, (video,))
    return ClipFacts.from_info(info)


def test_estimates_follow_the_billing_rules() -> None:
    facts = _facts(5.0)
    assert facts.frames == 120
    assert facts.duration == 5.0
    # Retake is billed on the whole input: a 2 s window of a 5 s clip costs 5 s.
    assert estimate(Retake(video_uri="v", start_time=2.0, duration=2.0), facts) == Decimal("0.5000")
    assert estimate(Retake(video_uri="v", start_time=0.0, duration=5.0), facts) == Decimal("0.5000")
    # Extend: extension + context; the default context is at most the clip (5 s), not 17 s.
    assert estimate(Extend(video_uri="v", duration=4.0), facts) == Decimal("0.9000")
    assert estimate(Extend(video_uri="v", duration=4.0, context=2.0), facts) == Decimal("0.6000")
    long = _facts(20.0)  # here the 505-frame cap binds: 4 s + 17.04 s = 21.04 s
    assert estimate(Extend(video_uri="v", duration=4.0), long) == Decimal("2.1042")
    assert estimate(Hdr(video_uri="v"), facts) == Decimal("1.0000")  # 0.20/s at 1080p
    assert estimate(Reframe(video_uri="v", resolution=Resolution(1080, 1920)), facts) == Decimal(
        "1.0000"
    )
