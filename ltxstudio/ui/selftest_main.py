"""`ltxstudio selftest` as a process of its own: isolate it, start Qt, run the checks, print.

Started by `ltxstudio.__main__` (the CLI package is Qt-free). Before anything reads them, the
XDG directories point into a fresh temporary directory, so the run never touches the user's
settings, journal, library or window layout; with no display Qt runs offscreen.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ltxstudio.settings import secrets
from ltxstudio.ui.display import display_problem

log = logging.getLogger("ltxstudio.selftest.qt")

XDG_DIRS = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
MULTIMEDIA_QUIET = "qt.multimedia.*=false"  # FFmpeg's chatter on every file Qt opens


def choose_platform() -> str:
    """Qt's platform: the caller's QT_QPA_PLATFORM, the display if one answers, else offscreen.

    With a display the test's window is kept off the screen (see `selftest._Run.open_window`).
    A display that names no server would make Qt abort (exit 134, "xcb-cursor0 is needed"):
    the checks run offscreen instead, and the report says why.
    """
    chosen = os.environ.get("QT_QPA_PLATFORM")
    problem = display_problem()
    if chosen and problem is None:
        return chosen
    if problem is not None and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        first = problem.splitlines()[0].removeprefix("ltxstudio: ").rstrip(".")
        print(f"note: {first}: running the checks offscreen", file=sys.stderr, flush=True)
    if problem is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return "offscreen"
    return "native"


def isolate(root: Path) -> None:
    for var in XDG_DIRS:
        folder = root / var.removeprefix("XDG_").removesuffix("_HOME").lower()
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(folder)


def main(args: argparse.Namespace | None = None) -> int:
    # The keyring picks its backend from the user's own configuration, before XDG_CONFIG_HOME
    # moves: the report must name the backend the app would use. Nothing is read or written.
    secrets.backend_name()
    root = Path(tempfile.mkdtemp(prefix="ltxstudio-selftest-"))
    isolate(root / "xdg")
    choose_platform()
    os.environ.setdefault("QT_LOGGING_RULES", MULTIMEDIA_QUIET)

    import qasync
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from ltxstudio.core.logsetup import configure
    from ltxstudio.media.executor import shutdown
    from ltxstudio.ui import theme
    from ltxstudio.ui.gc_guard import GuiThreadCollector
    from ltxstudio.ui.selftest import run_selftest

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("LTX Studio Desktop")
    app.setOrganizationName("ltxstudio")
    app.setQuitOnLastWindowClosed(False)  # closing the test's window must not stop the loop
    theme.apply(app)
    configure(root / "log", console=bool(getattr(args, "verbose", False)), name="selftest")
    qInstallMessageHandler(_qt_to_log)  # the report stays one line per check; Qt goes to the log
    collector = GuiThreadCollector(parent=app)  # as in the app: no Qt object dies off-thread
    collector.start()
    try:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            report = runner.run(
                run_selftest(root / "run", on_line=lambda line: print(line, flush=True))
            )
    finally:
        collector.stop()
        shutdown()
    print(report.summary(), flush=True)
    if report.passed and not getattr(args, "keep", False):
        shutil.rmtree(root, ignore_errors=True)
    else:
        print(f"files and log kept in {root}", flush=True)
    return 0 if report.passed else 1


def _qt_to_log(mode: object, context: object, message: str) -> None:
    log.info("%s", message)
