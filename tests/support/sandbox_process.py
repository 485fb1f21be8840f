"""The real `ltxstudio sandbox` CLI as a server process, for tests that must go through it."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxProcess:
    base_url: str
    api_key: str
    proc: subprocess.Popen[str]


@contextlib.contextmanager
def sandbox_process(*flags: str, limit_seconds: float = 1800) -> Iterator[SandboxProcess]:
    """Start `ltxstudio sandbox --port 0 FLAGS`; yield its URL and key; Ctrl-C it afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ltxstudio", "sandbox", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    watchdog = threading.Timer(limit_seconds, proc.kill)  # never leave a server behind
    watchdog.daemon = True
    watchdog.start()
    assert proc.stdout is not None
    base_url = key = ""
    for line in proc.stdout:
        if match := re.search(r"Base URL:\s+(\S+)", line):
            base_url = match.group(1)
        if match := re.search(r"API key:\s+(\S+)", line):
            key = match.group(1)
        if base_url and key:
            break
    if not (base_url and key):
        proc.kill()
        raise RuntimeError("the sandbox did not print its base URL and key")
    # Keep reading its output so a chatty server never blocks on a full pipe.
    drain = threading.Thread(target=lambda: [None for _ in proc.stdout or ()], daemon=True)
    drain.start()
    try:
        yield SandboxProcess(base_url, key, proc)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        drain.join(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
