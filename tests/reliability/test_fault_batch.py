"""A batch through `ltxstudio sandbox --faults` over loopback (issue 4 acceptance 2; R1 at scale).

`make soak` runs it with 40 jobs (LTXSTUDIO_SOAK_JOBS to change). Every line must end completed
or failed with a stated reason, and the sandbox must have created exactly the jobs the journal
holds ids for, plus at most those whose submission outcome is unknown: nothing sent twice.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.support.cli_runner import Cli, fast_settings
from tests.support.sandbox_process import sandbox_process

pytestmark = [pytest.mark.loopback, pytest.mark.soak]

MIX = "429|500|503|529|concurrency|reset|truncate|fail"


def test_faulty_batch_through_the_sandbox_cli(cli: Cli, isolated_home: Path) -> None:
    n = int(os.environ.get("LTXSTUDIO_SOAK_JOBS", "40"))
    fast_settings(isolated_home / "config", concurrency=2)
    faults = f"rate=0.2,mix={MIX},seed=2026"
    flags = ("--faults", faults, "--speed", "20", "--balance", "1000", "--rate-limit", "100000/60")
    with sandbox_process(*flags) as sandbox:
        env = {**cli.env, "LTX_API_KEY": sandbox.api_key}
        remote = Cli(env, cli.cwd)
        lines = [
            json.dumps(
                {
                    "mode": "text",
                    "prompt": f"Shot {i}: a lighthouse beam sweeps the fog; the camera dollies in.",
                    "model": "ltx-2-3-fast",
                    "resolution": "1280x720",
                    "duration": 2,
                }
            )
            for i in range(n)
        ]
        (cli.cwd / "b.jsonl").write_text("\n".join(lines) + "\n")
        out = remote.run(
            "--base-url", sandbox.base_url, "batch", "b.jsonl", "--out", "out", timeout=1800
        )
        stats = httpx.get(
            f"{sandbox.base_url}/_sandbox/stats",
            headers={"Authorization": f"Bearer {sandbox.api_key}"},
        ).json()
    db = sqlite3.connect(isolated_home / "data" / "ltxstudio" / "journal.db")
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM jobs ORDER BY seq")]
    states = [r["state"] for r in rows]
    assert len(rows) == n
    assert set(states) <= {"completed", "failed", "outcome_unknown"}, states
    assert all(r["state"] == "completed" or r["note"] for r in rows)
    known = sum(1 for r in rows if r["remote_id"])
    unknown = states.count("outcome_unknown")
    assert known <= stats["jobs_created"] <= known + unknown
    summary = {s: states.count(s) for s in sorted(set(states))}
    reasons = sorted({str(r["note"])[:60] for r in rows if r["state"] != "completed"})
    print(f"\njobs={n} exit={out.returncode} states={summary}")
    print(f"sandbox: jobs_created={stats['jobs_created']} journal ids={known} unknown={unknown}")
    print(f"faults injected={len(stats['faults_injected'])}")
    print(f"requests={sum(stats['requests'].values())}")
    for reason in reasons:
        print(f"  reason: {reason}")
