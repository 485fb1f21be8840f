"""Issue 8: the self-test, in process (the code Help → Run self-test uses) and as the
`ltxstudio selftest` command; the About dialog."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication

from ltxstudio import __version__
from ltxstudio.session import SessionOptions
from ltxstudio.settings.model import Backend
from ltxstudio.settings.paths import app_paths
from ltxstudio.ui import selftest
from ltxstudio.ui.selftest import Status, run_selftest

CHECKS = ["qt", "window", "generate", "media", "player", "keyring"]


def statuses(report: selftest.Report) -> dict[str, Status]:
    return {c.name: c.status for c in report.checks}


@pytest.mark.asyncio
@pytest.mark.slow
async def test_every_check_passes_in_a_private_directory(tmp_path: Path, qapp: Any) -> None:
    ui = QSettings()
    ui.setValue("window/geometry", b"the user's own layout")
    lines: list[str] = []
    report = await run_selftest(tmp_path / "run", on_line=lines.append)
    assert report.passed, report.text()
    assert statuses(report) == dict.fromkeys(CHECKS, Status.PASS)  # the test keyring is usable
    assert lines[0].startswith(f"LTX Studio Desktop {__version__} self-test")
    assert len(lines) == 1 + len(CHECKS)
    by_name = {c.name: c for c in report.checks}
    assert "1280x720" in by_name["generate"].detail
    assert "h264 1280x720, 48 frames" in by_name["media"].detail
    assert "decoded a 1280x720 frame" in by_name["player"].detail
    assert report.summary().startswith("self-test passed: 6 passed, 0 warning(s), 0 failed")
    # Everything happened under the directory it was given, nothing in the user's own.
    assert (tmp_path / "run" / "data" / "journal.db").is_file()
    assert list((tmp_path / "run" / "data" / "library").rglob("*.mp4"))
    assert not app_paths().journal.exists()
    assert QSettings().value("window/geometry") == b"the user's own layout"
    assert QSettings().allKeys() == ["window/geometry"]


@pytest.mark.asyncio
@pytest.mark.slow
async def test_a_failed_generation_fails_the_run_and_skips_what_depends_on_it(
    tmp_path: Path, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sandbox's content filter refuses this prompt, as the real API would.
    monkeypatch.setattr(selftest, "PROMPT", selftest.PROMPT + " sandbox:blocked")
    report = await run_selftest(tmp_path / "run")
    assert not report.passed
    assert statuses(report) == {
        "qt": Status.PASS,
        "window": Status.PASS,
        "generate": Status.FAIL,
        "media": Status.SKIP,
        "player": Status.SKIP,
        "keyring": Status.PASS,
    }
    assert "failed" in report.checks[2].detail
    assert "FAILED" in report.summary()


@pytest.mark.asyncio
@pytest.mark.slow
async def test_no_usable_keyring_is_a_warning_not_a_failure(
    tmp_path: Path, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ltxstudio.settings import secrets

    monkeypatch.setattr(secrets, "keyring_usable", lambda: False)
    report = await run_selftest(tmp_path / "run")
    keyring = report.checks[-1]
    assert keyring.status is Status.WARN
    assert "no usable keyring" in keyring.detail
    assert report.passed
    assert "1 warning(s)" in report.summary()


@pytest.mark.asyncio
@pytest.mark.slow
async def test_help_run_selftest_shows_the_report_without_blocking(
    isolated_home: Path, qapp: Any
) -> None:
    from ltxstudio.app import Shell

    shell = Shell(qapp)  # the window asks, the app opens the self-test
    await shell.open(SessionOptions(backend=Backend.SANDBOX))
    window, session = shell.window, shell.session
    assert window is not None
    assert session is not None
    try:
        (action,) = [a for a in window.actions() if a.text() == "Run self-test…"]
        action.trigger()
        dialog = shell.selftest_dialog
        assert dialog is not None
        assert dialog.isVisible()
        assert not dialog.isModal()
        assert window.isEnabled()
        assert dialog.task is not None
        await dialog.task  # its done-callback, which writes the summary, was registered first
        text = dialog.output.toPlainText()
        assert "PASS  window" in text
        assert "self-test passed" in text
        assert dialog.status.text() == "All checks passed."
        assert dialog.run_button.isEnabled()
        dialog.copy_button.click()
        assert QGuiApplication.clipboard().text() == text
        assert len(session.store) == 0  # the user's queue saw nothing of it
        dialog.close()
    finally:
        window.close()
        await shell.close_session()
        qapp.setQuitOnLastWindowClosed(True)  # as before the shell turned it off


def test_about_shows_versions_licence_and_notices(qtbot: Any) -> None:
    from ltxstudio.ui.about_dialog import AboutDialog

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    names = dict(dialog.versions)
    assert names["LTX Studio Desktop"] == __version__
    assert names["Qt"].startswith("6.11")
    assert "FFmpeg" in names["Media (PyAV)"]
    assert "GPL-3.0" in dialog.findChild(object, "licenceSummary").text()  # type: ignore[union-attr]
    assert "x264" in dialog.notices.toPlainText()
    assert "GNU GENERAL PUBLIC LICENSE" in dialog.licence.toPlainText()
    dialog.copy_versions()
    assert QGuiApplication.clipboard().text().startswith(f"LTX Studio Desktop: {__version__}")


@pytest.mark.slow
def test_selftest_command_isolates_itself_and_exits_zero(isolated_home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # it must choose offscreen by itself
    done = subprocess.run(
        [sys.executable, "-m", "ltxstudio", "selftest"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "Qt platform offscreen" in lines[0]
    assert [line.split()[1] for line in lines[1:7]] == CHECKS
    assert lines[-1].startswith("self-test passed")
    # Qt's run-time messages go to the run's log, not into the report.
    assert "propagateSizeHints" not in done.stdout + done.stderr
    # The user's directories (this test's XDG dirs) were never written.
    assert not any(p.name == "ltxstudio" for p in isolated_home.rglob("*")), sorted(
        isolated_home.rglob("*")
    )
