"""Kill the CLI with SIGKILL at seeded crash points while it resumes a batch, over and over, and
check nothing is lost, nothing is paid twice, and no half file ever sits under a final name.

Every kill is a crash point of `core/failpoints.py` (`LTXSTUDIO_FAILPOINTS=point:n`), chosen by a
seeded RNG among the points the run is sure to pass, with a pass count it is sure to reach — read
off the journal before the run: so each armed run dies by construction (asserted: exit by
SIGKILL, every time) and the kill count is exact, however fast or busy the machine. (It used to
kill after a random wall-clock delay, which raced the work.) The first run is the `batch`, every
later one a `jobs resume` of what the last kill left; when nothing is left to kill, a fresh batch
is filed. test_crash_points.py kills each point in turn on a fresh batch and resumes unarmed;
this one kills resumes of resumes.
"""

from __future__ import annotations

import hashlib
import json
import random
import signal
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from ltxstudio.sandbox.config import SandboxConfig
from tests.support.cli_runner import PROMPT, Cli, for_served, journal_rows, stats
from tests.support.sandbox_server import ServedSandbox, serve_sandbox

pytestmark = [pytest.mark.loopback, pytest.mark.slow]

KILLS = 10
JOBS = 10
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


#: The points whose passes a run can count on beforehand (the mid-download point depends on how
#: the body is chunked on the socket; test_crash_points.py covers it).
POINTS = ("upload", "after-intent", "after-submit", "poll", "before-rename", "filed")


def sure_passes(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many times a run that resumes these journal rows to the end is sure to pass each
    point (at least: refusals and retries only add passes). A SUBMITTING row is resolved to
    outcome unknown at the start and passes none."""
    todo = [r for r in rows if r["state"] not in _TERMINAL and r["state"] != "submitting"]
    unsent = [r for r in todo if r["state"] in ("queued", "uploading")]
    return {
        # An image over 2 MB is PUT in 256 kB chunks: each upload reports progress mid-body.
        "upload": sum(1 for r in unsent if r["prepared"] is None and _media(r)),
        "after-intent": len(unsent),
        "after-submit": len(unsent),
        # Every job the API is rendering (or will be) gets at least one answer to a status check.
        "poll": sum(
            1 for r in todo if r["state"] in ("queued", "uploading", "pending", "processing")
        ),
        "before-rename": sum(1 for r in todo if not json.loads(str(r["outputs"]))),
        "filed": len(todo),
    }


def _media(row: dict[str, Any]) -> bool:
    return bool(json.loads(str(row["spec"]))["request"]["media"])


def _fresh(batch: Path) -> list[dict[str, Any]]:
    """The rows a batch file becomes once `batch` has journaled it (before anything runs)."""
    lines = [json.loads(line) for line in batch.read_text().splitlines()]
    media = [{"image": line["image"]} if "image" in line else {} for line in lines]
    return [
        {
            "state": "queued",
            "prepared": None,
            "outputs": "[]",
            "spec": json.dumps({"request": {"media": m}}),
        }
        for m in media
    ]


def _sandbox_sha(served: ServedSandbox, remote_id: str) -> str:
    headers = {"Authorization": f"Bearer {served.api_key}"}
    status = httpx.get(f"{served.base_url}/v2/image-to-video/{remote_id}", headers=headers)
    if status.status_code == 404:
        status = httpx.get(f"{served.base_url}/v2/text-to-video/{remote_id}", headers=headers)
    url = status.json()["result"]["video_url"]
    return hashlib.sha256(httpx.get(url).content).hexdigest()


def test_sigkill_at_seeded_crash_points_then_resume(cli: Cli, isolated_home: Path) -> None:
    rng = random.Random(20261123)
    with serve_sandbox(SandboxConfig(speed=20.0)) as served:
        remote = for_served(cli, served)
        batches = 1
        batch = _batch(cli.cwd, JOBS)
        command = ["batch", str(batch), "--out", "out"]
        sure = sure_passes(_fresh(batch))
        landed: list[str] = []
        interrupted: set[str] = set()  # the job states kills left behind
        while len(landed) < KILLS:
            if not any(sure.values()):  # the last kill left nothing to do: a fresh batch
                batch = _batch(cli.cwd, JOBS, prefix=f"b{batches}-")
                batches += 1
                command = ["batch", str(batch), "--out", "out"]
                sure = sure_passes(_fresh(batch))
            point = rng.choice([p for p in POINTS if sure[p]])
            armed = f"{point}:{rng.randint(1, sure[point])}"
            run = Cli({**remote.env, "LTXSTUDIO_FAILPOINTS": armed}, cli.cwd).run(
                *command, timeout=300
            )
            # The point and its pass count were within reach, so this run died there.
            assert run.returncode == -signal.SIGKILL, (armed, sure, run.returncode, run.stderr)
            landed.append(armed)
            rows = journal_rows(isolated_home)
            interrupted |= {str(r["state"]) for r in rows} - set(_TERMINAL)
            command = ["jobs", "resume"]
            sure = sure_passes(rows)
        final = remote.run("jobs", "resume", timeout=300)
        assert final.returncode in (0, 3, 4), final.stderr

        rows = journal_rows(isolated_home)
        assert len(landed) == KILLS  # by construction: every armed run was killed
        assert len(rows) == JOBS * batches  # each batch was journaled before anything ran
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
        print(f"kills={len(landed)} at {landed}; batches={batches} final exit={final.returncode}")
        print(f"interrupted={sorted(interrupted)} created={created} known={known}")
        print(f"unknown={unknown} states={ {st: states.count(st) for st in set(states)} }")
