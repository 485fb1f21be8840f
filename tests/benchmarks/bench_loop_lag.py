"""P1 event-loop lag: how late a 10 ms QTimer on the UI loop fires while 50 jobs run.

The real app pieces on the qasync loop, in a process of their own: a `Session` talking HTTP to
the sandbox over loopback, the real `MainWindow` offscreen (queue panel, library with posters,
viewer), and the app's GUI-thread garbage collector with the baseline heap frozen. The sandbox
runs as the `ltxstudio sandbox` CLI in another process, as the live API would be elsewhere: its
request handling and renders are not the app's work, so they must not share the app's GIL (they
do share the machine's two cores). 50 identical text-to-video jobs (2 s 720p; the sandbox renders
the first and serves the others from its render cache), 4 at a time, polled every 1 s (the
shortest poll the settings allow), the sandbox 50x faster than its scripted 10 s.

The figure is the gap between ticks, so an idle loop reads ~10 ms (Qt's coarse timers may fire
up to 5 % early or late). Baseline: the same timer on an idle loop (window up, nothing queued)
for 2 s, measured in the same child. Three children; medians of their figures are reported.

The targets (p99 16 ms, worst 50 ms) are the verdict on loop lag, and only here: a figure of the
machine has no place in `make test`, where tests/ui/test_responsiveness.py only checks that the
timer keeps ticking while jobs run (issue 12).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.child import private_env, run_child
from tests.benchmarks.harness import Result, at_most, info

JOBS = 50
RUNS = 3
CONCURRENCY = 4
SPEED = 50
PROMPT = "A paper boat drifts down a gutter stream; the camera tracks low; we hear water."


def run() -> list[Result]:
    runs = []
    for _ in range(RUNS):  # the machine is shared: one run's p99 can be another process's doing
        with tempfile.TemporaryDirectory(prefix="ltx-bench-lag-") as tmp:
            runs.append(run_child("bench_loop_lag", private_env(Path(tmp)), "--child", timeout=600))

    def median(part: str, key: str) -> float:
        return statistics.median(r[part][key] for r in runs)

    each = "; ".join(f"{r['lag']['p99']:.1f}/{r['lag']['max']:.1f}" for r in runs)
    note = (
        f"{JOBS} jobs, {CONCURRENCY} at a time, served sandbox x{SPEED}, 1 s polls; median of "
        f"{RUNS} fresh processes (p99/max each: {each} ms); "
        f"{min(r['completed'] for r in runs)}/{JOBS} completed in each"
    )
    return [
        info("P1 idle loop 10 ms timer p99 (baseline)", median("idle", "p99"), "ms"),
        info("P1 idle loop 10 ms timer max (baseline)", median("idle", "max"), "ms"),
        info("P1 loop lag p50", median("lag", "p50"), "ms"),
        at_most("P1 loop lag p99", median("lag", "p99"), "ms", 16, note=note),
        at_most("P1 loop lag max", median("lag", "max"), "ms", 50),
        info("P1 wall time for 50 jobs", statistics.median(r["seconds"] for r in runs), "s"),
    ]


# ---------------------------------------------------------------------------- the child


def child() -> None:
    import os

    import qasync
    from PySide6.QtWidgets import QApplication

    from ltxstudio.ui.gc_guard import GuiThreadCollector
    from tests.support.cli_runner import fast_settings
    from tests.support.sandbox_process import sandbox_process

    fast_settings(Path(os.environ["XDG_CONFIG_HOME"]), concurrency=CONCURRENCY)
    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)  # as the app's Shell: closing must not stop the loop
    collector = GuiThreadCollector(parent=app)  # as the app: collections on the GUI thread only
    collector.start()
    flags = ("--speed", str(SPEED), "--concurrency", str(CONCURRENCY), "--rate-limit", "10000/60")
    with (
        sandbox_process(*flags) as served,
        asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner,
    ):
        result = runner.run(_measure(served.base_url, served.api_key))
    collector.stop()
    print(json.dumps(result))


async def _measure(base_url: str, api_key: str) -> dict[str, object]:
    from dataclasses import replace

    from ltxstudio.core.catalog import Model, Resolution
    from ltxstudio.jobs.model import JobState
    from ltxstudio.session import Session, SessionOptions
    from ltxstudio.session.forms import Mode, generation_request
    from ltxstudio.session.session import Submission
    from ltxstudio.settings.paths import app_paths
    from ltxstudio.settings.secrets import ApiKey, KeySource
    from ltxstudio.ui.main_window import MainWindow
    from tests.support.loop_lag import LagFigures, TickRecorder, lag_while_running

    key = ApiKey(api_key, KeySource.SESSION)
    session = await Session.open(SessionOptions(base_url=base_url, api_key=key, paths=app_paths()))
    # A URL other than the in-process sandbox gets LTX's 5-6 s polls (contract §5); this load is
    # defined with 1 s polls (more events on the loop), as before the contract work.
    session.runner.config = replace(session.runner.config, poll_interval=1.0, poll_jitter=0)
    session.start()
    window = MainWindow(session)
    window.show()
    # The same timer on the idle loop first (window up, nothing queued): the floor.
    idle = TickRecorder()
    idle.start()
    await _idle_for(2.0)
    idle.stop()
    request = generation_request(
        Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2
    )
    started = time.perf_counter()
    try:
        lag, jobs = await lag_while_running(session, [Submission(request)] * JOBS, limit_s=300)
    finally:
        window.close()  # as the app: poster loads and players stop while the loop still runs
        await session.aclose()
    return {
        "lag": lag.as_dict(),
        "idle": LagFigures.of(idle.gaps).as_dict(),
        "seconds": time.perf_counter() - started,
        "completed": sum(j.state is JobState.COMPLETED for j in jobs),
    }


async def _idle_for(seconds: float) -> None:
    """Let the loop run with nothing to do (a future that a Qt-driven timeout resolves)."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.call_later(seconds, done.set_result, None)
    await done


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        for result in run():
            print(result.line())
