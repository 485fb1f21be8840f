"""Issue 14, item 11: a DISPLAY that names no server is found before Qt starts; the app says
what to do and exits 2, the self-test runs offscreen — neither aborts with Qt's misleading
"xcb-cursor0 is needed" (exit 134)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="X11 displays are a Linux matter")


def _dead_display() -> str:
    for number in range(97, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            return f":{number}"
    pytest.skip("no free X display number to point at")


def _run(isolated_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = _dead_display()
    return subprocess.run(
        [sys.executable, "-m", "ltxstudio", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_app_says_the_display_is_dead_and_what_to_do(isolated_home: Path) -> None:
    done = _run(isolated_home)
    # Seen failing before: exit -6 (SIGABRT, 134 in a shell) with "xcb-cursor0 … is needed".
    assert done.returncode == 2, done.stderr
    assert "points at no display server (nothing listens on /tmp/.X11-unix/X" in done.stderr
    assert "xvfb-run -a ltxstudio" in done.stderr
    assert "is needed to load the Qt xcb platform plugin" not in done.stderr


def test_the_selftest_runs_offscreen_instead(isolated_home: Path) -> None:
    done = _run(isolated_home, "selftest")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "running the checks offscreen" in done.stderr
    assert "Qt platform offscreen" in done.stdout
