"""Issue 14, acceptance 3: the app as a screen reader meets it, over the real AT-SPI bus.

`tests/ui/a11y/reader.py` (system Python, python3-pyatspi) starts the accessibility bus and the
real app under Xvfb inside `dbus-run-session`, reads the tree, presses Tab with real X key
events, drives Generate through AT-SPI actions and listens for announcements; this test judges
its report. It skips, saying why, where the bus or its tools are missing (`make test` installs
at-spi2-core and python3-pyatspi with the other system packages).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUS_LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")
SYSTEM_PYTHON = Path("/usr/bin/python3")

pytestmark = pytest.mark.slow


def _why_not() -> str | None:
    if sys.platform != "linux":
        return "AT-SPI is the Linux accessibility bus"
    for tool in ("dbus-run-session", "xvfb-run"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install dbus xvfb)"
    if not BUS_LAUNCHER.exists():
        return f"{BUS_LAUNCHER} is missing (apt-get install at-spi2-core)"
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import pyatspi"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return "the system Python has no pyatspi (apt-get install python3-pyatspi)"
    return None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    why = _why_not()
    if why is not None:
        pytest.skip(why)
    home = tmp_path_factory.mktemp("atspi-home")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        (home / var).mkdir()
        env[var] = str(home / var)
    env["XDG_RUNTIME_DIR"] = str(home / "run")
    (home / "run").mkdir(mode=0o700)
    env.update(
        QT_QPA_PLATFORM="xcb",
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
        QT_ACCESSIBILITY="1",
        NO_AT_BRIDGE="0",
        PYTHONPATH=str(REPO),
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    out = home / "report.json"
    app = f"{sys.executable} -m tests.ui.a11y.app_under_test"
    done = subprocess.run(
        [
            "dbus-run-session",
            "--",
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            str(SYSTEM_PYTHON),
            str(REPO / "tests/ui/a11y/reader.py"),
            "--app",
            app,
            "--out",
            str(out),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    if not out.exists():
        pytest.fail(
            f"no report (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    found: dict[str, object] = json.loads(out.read_text())
    if "controls" not in found:  # the app never got on the bus: nothing to judge
        pytest.fail(f"{found['error']}\n{done.stderr[-3000:]}")
    return found


def test_no_interactive_control_is_unnamed(report: dict[str, object]) -> None:
    controls = report["controls"]
    assert isinstance(controls, list)
    assert len(controls) > 20
    assert report["unnamed"] == []


def test_tab_reaches_every_control_and_comes_round(report: dict[str, object]) -> None:
    assert report["cycled"], "Tab got stuck (a trap) or never came round"
    walk = report["walk"]
    assert isinstance(walk, list)
    reached = {step["path"] for step in walk}
    controls = report["controls"]
    assert isinstance(controls, list)
    missing = [
        f"{c['role']} {c['name']!r}"
        for c in controls
        if c["focusable"] and c["enabled"] and c["path"] not in reached
    ]
    assert missing == []
    roles = {step["role"] for step in walk}
    assert {"slider", "table", "combo box", "push button", "text"} <= roles


def test_the_timeline_can_be_read(report: dict[str, object]) -> None:
    timeline = report["timeline"]
    assert isinstance(timeline, dict)
    assert timeline["maximum"] == 3000  # the 3 s clip, in milliseconds
    assert 0 <= timeline["value"] <= 3000
    assert str(timeline["description"]).startswith("Playhead 00:00:00:00 (0.00 s) of 3.00 s")


def test_a_completion_is_announced(report: dict[str, object]) -> None:
    heard = report["announcements"]
    assert isinstance(heard, list)
    assert report["error"] is None
    done = [a for a in heard if a["text"].startswith("Done: A paper boat")]
    assert done, heard
