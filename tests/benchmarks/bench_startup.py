"""P2 cold start: from process start to the first painted main window, against a bare PySide6
QMainWindow started the same way.

Both are `python -m <module>` children, offscreen, in one private XDG home with no OS keyring
(so the app opens on its in-process sandbox). The app is `python -m ltxstudio gui` with
`LTXSTUDIO_EXIT_ON_FIRST_PAINT=1`: it prints `time.monotonic()` right after the paint pass that
first drew its window and quits; the baseline (`bare_window.py`) does the same with an empty
window of the same size. The clock starts just before the child is spawned (CLOCK_MONOTONIC is
system-wide), so interpreter start-up, imports, the session (journal, library, sandbox) and the
window are all inside. One unmeasured launch of each first (it creates the home and warms the OS
file cache, as any launch after the first install finds it), then runs alternate between the two.
Bytecode caches are allowed (PYTHONDONTWRITEBYTECODE is dropped for the children): an installed
app has its .pyc files, and compiling 150 modules at every start is not what a user waits for.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.child import REPO, private_env
from tests.benchmarks.harness import Result, at_most, info

RUNS = 7
APP = [sys.executable, "-m", "ltxstudio", "gui"]
BARE = [sys.executable, "-m", "tests.benchmarks.bare_window"]


def first_paint_after(command: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning `command` to the first paint it reports."""
    start = time.monotonic()
    done = subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("first-paint "):
            return float(line.split()[1]) - start
    raise RuntimeError(
        f"{command} printed no first paint (exit {done.returncode}):\n{done.stderr[-3000:]}"
    )


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="ltx-bench-start-") as tmp:
        env = private_env(Path(tmp), LTXSTUDIO_EXIT_ON_FIRST_PAINT="1")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        first_app = first_paint_after(APP, env)  # a new home: settings, journal, library made
        first_paint_after(BARE, env)
        app: list[float] = []
        bare: list[float] = []
        for _ in range(RUNS):
            app.append(first_paint_after(APP, env))
            bare.append(first_paint_after(BARE, env))
    ours, theirs = statistics.median(app), statistics.median(bare)
    return [
        info("P2 first launch (new home), ltxstudio", first_app * 1000, "ms"),
        info("P2 start to first paint, ltxstudio", ours * 1000, "ms"),
        info("P2 start to first paint, bare QMainWindow", theirs * 1000, "ms"),
        at_most(
            "P2 cold start ltxstudio/bare",
            ours / theirs,
            "ratio",
            1.5,
            note=f"median of {RUNS} alternating runs each, offscreen, sandbox, private home",
        ),
    ]


if __name__ == "__main__":
    for result in run():
        print(result.line())
