"""P6 journal scale: 10 000 jobs in the journal; time until the queue model can show them.

A journal (`journal.db`) is filled once with 10 000 jobs as a long-used app would have them:
mostly completed text-to-video jobs with a remote id, result URL, output, SHA-256 and timings,
some failed with an error, a few queued. Then, in a fresh child process with the modules already
imported and a QApplication up, the clock runs over what the app does at start: open the
`Journal`, load the `JobStore`, build the `JobTableModel`, and fetch every role a view asks for
on its first screen (40 rows x all columns). Baseline: a bare `SELECT *` of the same rows with
sqlite3 (no decoding into jobs), in the same child. The RSS figure is the child's resident
memory growth over the same steps. Three children; the median run is reported.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from tests.benchmarks.child import private_env, rss_bytes, run_child
from tests.benchmarks.harness import Result, at_most, info

JOBS = 10_000
RUNS = 3
FIRST_SCREEN = 40
PROMPT = (
    "A paper boat drifts down a gutter stream after a storm. It spins past leaves, then tips "
    "over a small waterfall. The camera tracks low beside the boat. We hear trickling water. #"
)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="ltx-bench-journal-") as tmp:
        journal = Path(tmp) / "journal.db"
        fill(journal)
        env = private_env(Path(tmp) / "home")
        runs = [run_child("bench_journal", env, "--child", str(journal)) for _ in range(RUNS)]
    runs.sort(key=lambda r: r["ready_ms"])
    median = runs[len(runs) // 2]
    each = ", ".join(f"{r['ready_ms']:.0f}" for r in runs)
    return [
        info("P6 bare SELECT of 10k rows (baseline)", median["select_ms"], "ms"),
        info("P6 journal open + JobStore load", median["store_ms"], "ms"),
        at_most(
            "P6 10k jobs: load + queue model ready",
            median["ready_ms"],
            "ms",
            300,
            note=f"journal open, JobStore, JobTableModel, first {FIRST_SCREEN} rows' data; "
            f"median of {RUNS} fresh processes "
            f"({each} ms)",
        ),
        info("P6 RSS growth with 10k jobs loaded", median["rss_growth"] / 2**20, "MiB"),
        info("P6 journal file size", median["db_bytes"] / 2**20, "MiB"),
    ]


def fill(path: Path) -> None:
    """10 000 jobs as a long-used journal holds them (inserted directly, not timed)."""
    from ltxstudio.core.catalog import Endpoint, Model, Resolution
    from ltxstudio.core.lineage import Lineage
    from ltxstudio.core.remote import FailureInfo, FailureKind, JobRef, ResultKey
    from ltxstudio.core.request import TextToVideo
    from ltxstudio.jobs.journal import Journal
    from ltxstudio.jobs.model import Job, JobOutput, JobSpec, JobState

    now = time.time()
    jobs = []
    for i in range(JOBS):
        request = TextToVideo(
            prompt=f"{PROMPT}{i}",
            model=Model.LTX_2_3_FAST,
            duration=6,
            resolution=Resolution(1920, 1080),
        )
        state = JobState.COMPLETED
        if i % 50 == 7:
            state = JobState.FAILED
        if i >= JOBS - 5:
            state = JobState.QUEUED
        done = state is not JobState.QUEUED
        jid = f"{i:08d}" + "0" * 24
        jobs.append(
            Job(
                id=jid,
                seq=i + 1,
                spec=JobSpec(request, lineage=Lineage(clip_id=jid)),
                state=state,
                created_at=now - (JOBS - i) * 60,
                updated_at=now - (JOBS - i) * 60 + 50,
                estimate_usd=Decimal("0.48"),
                backend="https://api.ltx.video",
                remote=JobRef(Endpoint.TEXT_TO_VIDEO, f"job_{jid}", None, f"req_{jid}")
                if done
                else None,
                submitted_at=now - (JOBS - i) * 60 + 1 if done else None,
                finished_at=now - (JOBS - i) * 60 + 50 if done else None,
                error=FailureInfo(FailureKind.CONTENT_FILTERED, "Content rejected.", 422, None)
                if state is JobState.FAILED
                else None,
                note="Content rejected." if state is JobState.FAILED else "",
                prepared=request if done else None,
                result_urls={ResultKey.VIDEO: f"https://storage.example/results/{jid}.mp4?sig=x"}
                if state is JobState.COMPLETED
                else {},
                outputs=(
                    JobOutput(
                        ResultKey.VIDEO,
                        f"/home/u/.local/share/ltxstudio/results/{jid}.mp4",
                        9_000_000,
                        "ab" * 32,
                    ),
                )
                if state is JobState.COMPLETED
                else (),
                timings={"submit": 0.4, "render": 41.2, "download": 1.3}
                if state is JobState.COMPLETED
                else {},
            )
        )
    journal = Journal(path)
    journal.insert(jobs)
    journal.close()


def child(path: Path) -> dict[str, float]:
    import sqlite3

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ltxstudio.core.clock import SystemClock
    from ltxstudio.jobs.journal import Journal
    from ltxstudio.jobs.store import JobStore
    from ltxstudio.ui.models.job_table import JobTableModel

    app = QApplication([])
    roles = [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
    ]
    before = rss_bytes()
    start = time.perf_counter()
    journal = Journal(path)
    store = JobStore(journal, SystemClock())
    loaded = time.perf_counter()
    model = JobTableModel(store, SystemClock())
    rows = model.rowCount()
    for row in range(min(rows, FIRST_SCREEN)):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in roles:
                model.data(index, role)
    ready = time.perf_counter()
    growth = rss_bytes() - before
    assert rows == JOBS, rows
    db = sqlite3.connect(path)
    t = time.perf_counter()
    selected = db.execute("SELECT * FROM jobs ORDER BY seq").fetchall()
    select_ms = (time.perf_counter() - t) * 1000
    assert len(selected) == JOBS
    db.close()
    journal.close()
    del app
    return {
        "store_ms": (loaded - start) * 1000,
        "ready_ms": (ready - start) * 1000,
        "select_ms": select_ms,
        "rss_growth": growth,
        "db_bytes": path.stat().st_size,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(Path(sys.argv[2]))))
    else:
        for result in run():
            print(result.line())
