"""Issue 6, acceptance 2, as a test: with 20 sandbox jobs running (uploads, polls, renders,
downloads, queue updates), a 10 ms QTimer on the UI loop keeps ticking all through the run.

How late it ticks is a figure of the machine, not a property of the code, so no bound on it
belongs here (issue 12: a busy machine made a 50 ms bound fail at 50.17 ms). The bounds — p99
16 ms, worst 50 ms — are the P1 benchmark's verdict, `make bench`
(tests/benchmarks/bench_loop_lag.py, 50 jobs against a served sandbox, median of three runs).
What this test asserts is order, not speed: the timer fired before the first job ended and
between the first and the last job's end, i.e. the loop kept serving timers while the work ran.
Real time on purpose (a real loop under real work), printed for information.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.clock import SystemClock
from ltxstudio.jobs.model import Job, JobState
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.session import Session, SessionOptions
from ltxstudio.session.forms import Mode, generation_request
from ltxstudio.session.session import Submission
from ltxstudio.settings.model import Backend
from ltxstudio.settings.paths import app_paths
from ltxstudio.ui.main_window import MainWindow
from tests.support.cli_runner import fast_settings
from tests.support.loop_lag import TickRecorder, lag_while_running

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

PROMPT = "A paper boat drifts down a gutter stream; the camera tracks low; we hear water."


async def test_a_10ms_timer_keeps_ticking_while_20_jobs_run(qtbot, isolated_home: Path) -> None:  # type: ignore[no-untyped-def]
    fast_settings(isolated_home / "config", concurrency=4)
    clock = SystemClock()
    options = SessionOptions(
        backend=Backend.SANDBOX,
        clock=clock,
        sandbox=SandboxConfig(
            clock=clock,
            speed=50.0,
            concurrency_limit=4,
        ),
        paths=app_paths(),
    )
    session = await Session.open(options)
    session.start()
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    recorder = TickRecorder()
    ticks_when_ended: list[int] = []  # the timer's tick count each time a job ended

    def on_change(index: int, old: Job, new: Job, fields: frozenset[str]) -> None:
        if new.state.terminal and not old.state.terminal:
            ticks_when_ended.append(recorder.ticks)

    session.store.changed.connect(on_change)
    request = generation_request(
        Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2
    )
    try:
        # 180 s is a hang guard, not a figure: the run takes a few seconds.
        lag, jobs = await lag_while_running(
            session, [Submission(request)] * 20, limit_s=180, recorder=recorder
        )
    finally:
        session.store.changed.disconnect(on_change)
        await session.aclose()
    assert [j.state for j in jobs] == [JobState.COMPLETED] * 20
    print(f"\n{lag.ticks} ticks: p50 {lag.p50:.1f}, p99 {lag.p99:.1f}, max {lag.worst:.1f} ms")
    print(f"ticks when each job ended: {ticks_when_ended}")
    # Five waves of four jobs, each rendering at least 0.2 s: a loop that serves its timers
    # ticks before the first ends and between the first and the last; a starved one does not.
    assert len(ticks_when_ended) == 20
    assert ticks_when_ended[0] > 0, "the timer never fired before the first job ended"
    assert ticks_when_ended[-1] > ticks_when_ended[0], "the timer stopped while jobs ran"
