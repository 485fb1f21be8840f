"""Benchmarks that need a clean process: a private home, one child, one JSON answer.

A figure taken inside `python -m tests.benchmarks` would carry whatever the benchmarks before it
left behind (imported modules, a QApplication, garbage, a warm heap). These helpers run a
benchmark's measuring half as `python -m tests.benchmarks.<module> [args]` with its own XDG dirs
and no OS keyring, and read back the last line it prints, which must be JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def private_env(home: Path, **extra: str) -> dict[str, str]:
    """This environment minus any API key, with XDG dirs under `home` and Qt offscreen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LTX_", "PYTEST"))}
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_RUNTIME_DIR", "run"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    (home / "run").chmod(0o700)
    env["HOME"] = str(home)
    env["TMPDIR"] = str(home / "run")  # Qt's local sockets (single-instance guard) go here too
    env["PYTHONPATH"] = str(REPO)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QT_LOGGING_RULES"] = "qt.multimedia.*=false"
    # Never the real OS keyring from a child process: the failing backend means "no keyring".
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.update(extra)
    return env


def run_child(module: str, env: dict[str, str], *args: str, timeout: float = 300) -> Any:
    """Run `python -m tests.benchmarks.<module> ARGS`; its last stdout line, parsed as JSON."""
    done = subprocess.run(
        [sys.executable, "-m", f"tests.benchmarks.{module}", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"{module} child failed (exit {done.returncode}):\n{done.stdout[-2000:]}"
            f"\n{done.stderr[-4000:]}"
        )
    return json.loads(lines[-1])


def rss_bytes() -> int:
    """This process's resident set size now (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def peak_rss_bytes() -> int:
    """This process's peak resident set size so far (Linux: VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")
