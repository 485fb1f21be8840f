"""Running the CLI in tests: `python -m ltxstudio` as real processes, usually against a sandbox
served on loopback, with their own XDG dirs and a 1 s status poll so simulated jobs finish in
about a second. The `cli` fixture (tests/conftest.py) builds one."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.sandbox_server import ServedSandbox

PROMPT = (
    "A paper boat drifts down a gutter stream after a storm. It spins past leaves, then tips "
    "over a small waterfall. The camera tracks low beside the boat. We hear trickling water."
)


@dataclass
class Cli:
    env: dict[str, str]
    cwd: Path

    def run(
        self,
        *args: str,
        timeout: float = 120,
        stdin: str = "",
        preexec: Callable[[], None] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """`preexec` runs in the child before Python starts (a resource limit, another user)."""
        return subprocess.run(
            [sys.executable, "-m", "ltxstudio", *args],
            env=self.env,
            cwd=self.cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=preexec,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "ltxstudio", *args],
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.DEVNULL,  # killed children must not leave pipes to close
            stderr=subprocess.DEVNULL,
            text=True,
        )


def fast_settings(config_home: Path, **extra: Any) -> None:
    folder = config_home / "ltxstudio"
    folder.mkdir(parents=True, exist_ok=True)
    settings = {"schema_version": 2, "poll_interval": 1.0, "sandbox_speed": 20.0, **extra}
    (folder / "settings.json").write_text(json.dumps(settings))


def make_cli(isolated_home: Path, tmp_path: Path) -> Cli:
    fast_settings(isolated_home / "config")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LTX_", "PYTEST"))}
    env |= {f"XDG_{d.upper()}_HOME": str(isolated_home / d) for d in ("config", "data")}
    env |= {f"XDG_{d.upper()}_HOME": str(isolated_home / d) for d in ("cache", "state")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    # Never the real OS keyring from a child process: the failing backend means "no keyring".
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return Cli(env, tmp_path)


def stats(served: ServedSandbox) -> dict[str, Any]:
    reply = httpx.get(
        f"{served.base_url}/_sandbox/stats",
        headers={"Authorization": f"Bearer {served.api_key}"},
        timeout=10,
    )
    reply.raise_for_status()
    data: dict[str, Any] = reply.json()
    return data


def for_served(cli: Cli, served: ServedSandbox) -> Cli:
    """The same CLI pointed at the loopback sandbox with its key."""
    return Cli(
        {**cli.env, "LTX_API_KEY": served.api_key, "LTX_API_BASE_URL": served.base_url}, cli.cwd
    )


def journal_rows(home: Path) -> list[dict[str, Any]]:
    """Every row of the journal the CLI wrote under `home` (an isolated home), in queue order."""
    db = sqlite3.connect(home / "data" / "ltxstudio" / "journal.db")
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM jobs ORDER BY seq")]
    finally:
        db.close()
