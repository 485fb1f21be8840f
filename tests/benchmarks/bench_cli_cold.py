"""`ltxstudio jobs list` cold, on a 10 000-job journal (issue 13, acceptance 6).

The journal is the one P6 fills (`bench_journal.fill`), placed where the app keeps it for a
private XDG home. Each run is a fresh `python -m ltxstudio jobs list` process (imports, open the
journal, decode every job, print the table); the baseline is a fresh `python -c "import httpx,
sqlite3"` in the same environment, measured interleaved with it so a busy machine slows both.
Best of RUNS for each (the least disturbed run), reported as a ratio.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_journal import fill
from tests.benchmarks.child import private_env
from tests.benchmarks.harness import Result, at_most, info

RUNS = 7
TARGET = 2.0


def _seconds(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, timeout=120)
    return time.perf_counter() - start


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="ltx-bench-cli-") as tmp:
        home = Path(tmp) / "home"
        env = private_env(home)
        data = home / "data" / "ltxstudio"
        data.mkdir(parents=True)
        fill(data / "journal.db")
        listing = [sys.executable, "-m", "ltxstudio", "jobs", "list"]
        baseline = [sys.executable, "-c", "import httpx, sqlite3"]
        _seconds(listing, env)  # a first run warms the OS's file cache for both
        pairs = [(_seconds(listing, env), _seconds(baseline, env)) for _ in range(RUNS)]
    cli = min(p[0] for p in pairs)
    base = min(p[1] for p in pairs)
    return [
        info("CLI baseline: python -c 'import httpx, sqlite3'", base * 1000, "ms"),
        info("CLI `ltxstudio jobs list`, 10k-job journal", cli * 1000, "ms"),
        at_most(
            "CLI jobs list cold / baseline",
            cli / base,
            "×",
            TARGET,
            note=f"best of {RUNS} fresh processes each, interleaved",
        ),
    ]
