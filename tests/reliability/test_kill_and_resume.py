"""Kill the CLI with SIGKILL at random moments of a batch, resume, and check nothing is lost,
nothing is paid twice, and no half file ever sits under a final name."""

from __future__ import annotations

import hashlib
import json
import random
import signal
import subprocess
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from ltxstudio.sandbox.config import SandboxConfig
from tests.support.cli_runner import PROMPT, Cli, for_served, journal_rows, stats
from tests.support.sandbox_server import ServedSandbox, serve_sandbox

pytestmark = [pytest.mark.loopback, pytest.mark.slow]

KILLS = 10
_TERMINAL = ("completed", "failed", "expired", "cancelled", "outcome_unknown")


def _batch(folder: Path, n: int, prefix: str = "") -> Path:
    # Noise does not compress: over 2 MB, so it goes through /v1/upload + PUT, not a data: URI.
    image = folder / "first.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (1080, 1920, 3), np.uint8)).save(
        image
    )
    lines = []
    for i in range(n):
        line = {
            "mode": "image" if i % 2 else "text",
            "prompt": f"Shot {prefix}{i}. {PROMPT}",
            "model": "ltx-2-3-fast",
            "resolution": "1280x720",
            "duration": 2,
            "output": f"{prefix}shot-{i:02d}.mp4",
        }
        if i % 2:
            line["image"] = str(image)
        lines.append(json.dumps(line))
    path = folder / f"{prefix}batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _kill_at_random(proc: subprocess.Popen[str], rng: random.Random) -> bool:
    """Let it run a random while, then SIGKILL it; False if it finished first."""
    try:
        proc.wait(timeout=rng.uniform(0.8, 2.5))
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True
    return False


def _sandbox_sha(served: ServedSandbox, remote_id: str) -> str:
    headers = {"Authorization": f"Bearer {served.api_key}"}
    status = httpx.get(f"{served.base_url}/v2/image-to-video/{remote_id}", headers=headers)
    if status.status_code == 404:
        status = httpx.get(f"{served.base_url}/v2/text-to-video/{remote_id}", headers=headers)
    url = status.json()["result"]["video_url"]
    return hashlib.sha256(httpx.get(url).content).hexdigest()


def test_sigkill_at_random_moments_then_resume(cli: Cli, isolated_home: Path) -> None:
    rng = random.Random(20261123)
    # Slow enough (about 8 s a job, 10 jobs two at a time) that ten kills land inside the work.
    with serve_sandbox(SandboxConfig(speed=1.2)) as served:
        remote = for_served(cli, served)
        batch = _batch(cli.cwd, 10)
        kills = 0
        interrupted: set[str] = set()  # the job states kills landed in
        command = ["batch", str(batch), "--out", "out"]
        while kills < KILLS:
            if _kill_at_random(remote.start(*command), rng):
                kills += 1
                interrupted |= {str(r["state"]) for r in journal_rows(isolated_home)} - set(
                    _TERMINAL
                )
            command = ["jobs", "resume"]
            if journal_rows(isolated_home) and all(
                r["state"] in _TERMINAL for r in journal_rows(isolated_home)
            ):
                break
        final = remote.run("jobs", "resume", timeout=300)
        assert final.returncode in (0, 3, 4), final.stderr

        rows = journal_rows(isolated_home)
        assert kills >= KILLS, f"only {kills} kills landed"
        assert len(rows) == 10  # the whole batch was journaled before anything ran
        states = [r["state"] for r in rows]
        assert all(s in ("completed", "outcome_unknown") for s in states), states
        # never paid twice: every job the sandbox made is one the journal knows, or one whose
        # submit was cut off (outcome unknown), and no journal job made two
        created = stats(served)["jobs_created"]
        known = sum(1 for r in rows if r["remote_id"])
        unknown = states.count("outcome_unknown")
        assert known <= created <= known + unknown, (known, created, unknown)
        # completed results are intact and are the sandbox's bytes
        for r in rows:
            if r["state"] == "completed":
                output = Path(json.loads(str(r["spec"]))["output_path"])
                digest = hashlib.sha256(output.read_bytes()).hexdigest()
                assert digest == _sandbox_sha(served, str(r["remote_id"]))
        # no half file under a final name anywhere we write
        out = cli.cwd / "out"
        assert not [p for p in out.iterdir() if not p.name.endswith((".mp4", ".mp4.json", ".tmp"))]
        results = isolated_home / "data" / "ltxstudio" / "results"
        assert not [
            p for p in results.rglob("*") if p.is_file() and p.suffix not in (".mp4", ".zip")
        ]
        print(f"kills={kills} interrupted={sorted(interrupted)} created={created} known={known}")
        print(f"unknown={unknown} states={ {st: states.count(st) for st in set(states)} }")
