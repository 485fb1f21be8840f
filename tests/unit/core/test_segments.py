from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ltxstudio.core.segments import Handle, Window, constrain_retake, plan_extend, retake_problem


def test_a_short_window_is_refused_with_its_reason_and_snaps_when_dragged() -> None:
    short = Window(2.0, 3.2)
    assert retake_problem(short, 8.0, 24) == "the window is 1.20 s; a retake needs at least 2 s"
    dragged = constrain_retake(short, Handle.END, 8.0, 24)
    assert dragged == Window(2.0, 4.0)
    assert retake_problem(dragged, 8.0, 24) is None
    # dragging the start past the end pushes back to 2 s, keeping the end
    assert constrain_retake(Window(7.5, 8.0), Handle.START, 8.0, 24) == Window(6.0, 8.0)
    assert constrain_retake(Window(-1.0, 1.0), Handle.MOVE, 8.0, 24) == Window(0.0, 2.0)
    assert Window(2.0, 4.0).label(24) == "2.00 s · 48 frames"


def test_short_clips_cannot_be_retaken() -> None:
    assert "at least 73" in (retake_problem(Window(0, 2.5), 2.5, 24) or "")


@given(
    start=st.floats(-5, 30, allow_nan=False),
    end=st.floats(-5, 30, allow_nan=False),
    handle=st.sampled_from(list(Handle)),
    clip=st.floats(3.1, 25, allow_nan=False),
    fps=st.sampled_from([24, 25, 30, 50]),
)
def test_constrained_windows_always_follow_the_rules(
    start: float, end: float, handle: Handle, clip: float, fps: int
) -> None:
    w = constrain_retake(Window(start, end), handle, clip, fps)
    assert w.start >= 0
    assert w.end <= clip + 1 / fps
    assert w.duration >= 2.0 - 1e-6
    for t in (w.start, w.end):
        assert abs(t * fps - round(t * fps)) < 1e-6  # on the frame grid


@pytest.mark.parametrize(
    ("seconds", "fps", "context", "expected"),
    [
        (4, 24, None, (4, 409 / 24, 505)),
        (25, 24, None, (20, 25 / 24, 505)),
        (1, 24, 3, (2, 3, 120)),
        (10, 50, 5, (10, 0.1, 505)),
    ],
)
def test_extend_plans_fit_the_frame_budget(
    seconds: float, fps: int, context: float | None, expected: tuple[float, float, int]
) -> None:
    plan = plan_extend(seconds, fps, context)
    assert (plan.seconds, pytest.approx(plan.context), plan.frames) == expected
