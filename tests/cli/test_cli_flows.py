from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import av
import httpx
import pytest

from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.faults import FaultPlan
from tests.support.cli_runner import PROMPT, Cli, for_served, journal_rows, stats
from tests.support.sandbox_server import serve_sandbox

pytestmark = [pytest.mark.loopback, pytest.mark.slow]


def probe(path: Path) -> tuple[int, int, int]:
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        return stream.width, stream.height, sum(1 for _ in c.decode(video=0))


def batch_file(path: Path, n: int, **extra: object) -> Path:
    lines = [
        json.dumps(
            {
                "mode": "text",
                "prompt": f"Shot {i}. {PROMPT}",
                "model": "ltx-2-3-fast",
                "resolution": "1280x720",
                "duration": 2,
                "output": f"shot-{i:02d}.mp4",
                **extra,
            }
        )
        for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_generate_with_no_key_uses_the_sandbox_and_prints_the_cost(cli: Cli) -> None:
    out = cli.run(
        "generate",
        "text",
        "--prompt",
        PROMPT,
        "--model",
        "ltx-2-3-fast",
        "--resolution",
        "1280x720",
        "--duration",
        "2",
        "-o",
        "a.mp4",
    )
    assert out.returncode == 0, out.stderr
    assert "No LTX API key found: using the offline sandbox" in out.stderr
    assert "estimated $0.06" in out.stderr
    assert probe(cli.cwd / "a.mp4") == (1280, 720, 48)
    sidecar = json.loads((cli.cwd / "a.mp4.json").read_text())
    assert sidecar["simulated"] is True
    assert sidecar["provenance"]["request"]["prompt"] == PROMPT


def test_bad_input_exits_2_before_anything_is_sent(cli: Cli) -> None:
    out = cli.run("generate", "text", "--prompt", PROMPT, "--duration", "12")
    assert out.returncode == 2
    assert "duration: 12 s is not available for ltx-2-3-pro" in out.stderr
    out = cli.run("cost", "text", "--prompt", PROMPT, "--duration", "8")
    assert (out.returncode, out.stdout.strip()) == (0, "estimated cost: $0.64")


def test_batch_with_faults_ends_every_line_and_never_submits_twice(
    cli: Cli, isolated_home: Path
) -> None:
    plan = FaultPlan.parse("rate=0.2,seed=11")
    with serve_sandbox(SandboxConfig(speed=20.0, faults=plan)) as served:
        remote = for_served(cli, served)
        out = remote.run(
            "batch", str(batch_file(cli.cwd / "b.jsonl", 10)), "--out", "out", timeout=300
        )
        assert out.returncode in (0, 3, 4), out.stderr
        rows = journal_rows(isolated_home)
        assert len(rows) == 10
        assert all(r["state"] in ("completed", "failed", "outcome_unknown") for r in rows), rows
        assert all(r["state"] == "completed" or r["note"] for r in rows)  # a stated reason
        created = stats(served)["jobs_created"]
        known = sum(1 for r in rows if r["remote_id"])
        unknown = sum(1 for r in rows if r["state"] == "outcome_unknown")
        assert known <= created <= known + unknown  # no submission was sent twice
        for r in rows:
            if r["state"] == "completed":
                assert probe(Path(json.loads(r["spec"])["output_path"]))[2] == 48


def test_402_pauses_the_batch_and_resume_completes_it(cli: Cli, isolated_home: Path) -> None:
    # $0.06 a job: enough for 3 of 5.
    with serve_sandbox(SandboxConfig(speed=20.0, balance_usd=Decimal("0.18"))) as served:
        remote = for_served(cli, served)
        out = remote.run(
            "batch", str(batch_file(cli.cwd / "b.jsonl", 5)), "--out", "out", timeout=300
        )
        assert out.returncode == 3
        assert "queue paused: Insufficient funds. Required: 6 credits" in out.stderr
        states = [r["state"] for r in journal_rows(isolated_home)]
        assert states.count("completed") == 3
        assert states.count("queued") == 2  # held, not failed
        httpx.post(
            f"{served.base_url}/_sandbox/balance",
            json={"add_usd": "1.00"},
            headers={"Authorization": f"Bearer {served.api_key}"},
        ).raise_for_status()
        resumed = remote.run("jobs", "resume", timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        assert [r["state"] for r in journal_rows(isolated_home)] == ["completed"] * 5
        assert stats(served)["jobs_created"] == 5


def test_retake_then_extend_from_the_cli_makes_three_takes(cli: Cli, isolated_home: Path) -> None:
    base = ("--model", "ltx-2-3-pro", "--resolution", "1280x720", "--duration", "4")
    assert cli.run("generate", "text", "--prompt", PROMPT, *base, "-o", "a.mp4").returncode == 0
    retake = cli.run(
        "retake", "a.mp4", "--start", "1", "--duration", "2", "--prompt", "rain", "-o", "b.mp4"
    )
    assert retake.returncode == 0, retake.stderr
    extend = cli.run("extend", "b.mp4", "--duration", "2", "-o", "c.mp4")
    assert extend.returncode == 0, extend.stderr
    db = sqlite3.connect(isolated_home / "data" / "ltxstudio" / "library.db")
    kinds = [k for (k,) in db.execute("SELECT kind FROM takes ORDER BY created_at")]
    assert kinds == ["generated", "retake", "extend"]
    (clips,) = db.execute("SELECT COUNT(*) FROM clips").fetchone()
    assert clips == 1
    provenance = json.loads((cli.cwd / "c.mp4.json").read_text())["provenance"]
    assert provenance["endpoint"] == "extend"
    assert provenance["parent_take_id"]
    assert probe(cli.cwd / "c.mp4")[2] > probe(cli.cwd / "b.mp4")[2]
    listing = cli.run("jobs", "list")
    assert listing.stdout.count("done") == 3


def test_the_in_process_sandbox_402_says_how_to_add_simulated_credit(
    cli: Cli, isolated_home: Path
) -> None:
    """With no key the CLI runs on the in-process sandbox, whose balance persists across runs:
    a 402 there must say how to go on, and `jobs resume --add-simulated-credit` must do it."""
    from ltxstudio.sandbox.asgi import create_app, sandbox_of

    state = isolated_home / "data" / "ltxstudio" / "sandbox"
    seeded = sandbox_of(create_app(SandboxConfig(state_dir=state, balance_usd=Decimal("0.01"))))
    seeded.close()
    out = cli.run(
        "generate", "text", "--prompt", PROMPT, "--model", "ltx-2-3-fast",
        "--resolution", "1280x720", "--duration", "2", "-o", "a.mp4", timeout=300,
    )  # fmt: skip
    assert out.returncode == 3, out.stderr
    assert "--add-simulated-credit 25" in out.stderr
    assert [r["state"] for r in journal_rows(isolated_home)] == ["queued"]  # held, not failed
    refused = cli.run("jobs", "resume", "--add-simulated-credit", "0")
    assert refused.returncode == 2
    assert "positive amount" in refused.stderr
    resumed = cli.run("jobs", "resume", "--add-simulated-credit", "25", timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert [r["state"] for r in journal_rows(isolated_home)] == ["completed"]
    assert probe(cli.cwd / "a.mp4")[2] == 48


def test_surface_v1_is_a_usage_error_that_says_why(cli: Cli) -> None:
    """CONTRACT-2026-09 §1: v1 generation was retired after 2026-10-26."""
    out = cli.run("--surface", "v1", "generate", "text", "--prompt", PROMPT)
    assert out.returncode == 2
    assert "--surface was removed" in out.stderr
    assert "retired on 2026-10-26" in out.stderr
    assert "--surface" not in cli.run("--help").stdout


def test_key_check_says_valid_or_refused_and_creates_nothing(cli: Cli) -> None:
    with serve_sandbox(SandboxConfig()) as served:
        good = for_served(cli, served).run("key", "check")
        assert good.returncode == 0, good.stderr
        assert "works" in good.stdout
        assert served.base_url in good.stdout
        bad_env = {**for_served(cli, served).env, "LTX_API_KEY": "sk-not-the-sandbox-key"}
        bad = Cli(bad_env, cli.cwd).run("key", "check")
        assert bad.returncode == 3
        assert "refused the key from LTX_API_KEY" in bad.stderr
        assert "sk-not-the-sandbox-key" not in bad.stderr + bad.stdout
        counted = stats(served)
        assert counted["jobs_created"] == 0  # the check creates nothing and costs nothing
    none = cli.run("key", "check")  # no key at all
    assert none.returncode == 2
    assert "no API key to check" in none.stderr


def test_key_check_on_an_unreachable_host_says_so(cli: Cli) -> None:
    env = {**cli.env, "LTX_API_KEY": "sk-some-key", "LTX_API_BASE_URL": "http://127.0.0.1:9"}
    out = Cli(env, cli.cwd).run("key", "check")
    assert out.returncode == 3
    assert "could not check the key" in out.stderr
