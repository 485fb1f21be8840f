"""Composition root of the desktop app: QApplication, the qasync loop, the session, shutdown.

- One process per user: a second launch asks the running one to come forward and exits.
- The session is opened on the qasync loop; the window is a view over it. Changing the backend
  or the key in Settings reopens the session (jobs of the other backend wait in the journal).
- Closing the window stops local work only: remote jobs keep running at LTX and are re-attached
  at the next start. Submits in flight get a short grace period to learn their job id.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ltxstudio.ui.background import Background  # Qt-free: Qt loads once a display is found
from ltxstudio.ui.display import display_problem

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ltxstudio.session import Session, SessionOptions
    from ltxstudio.ui.errors import ErrorPresenter
    from ltxstudio.ui.main_window import MainWindow
    from ltxstudio.ui.selftest_dialog import SelftestDialog
    from ltxstudio.ui.settings_dialog import SettingsResult

log = logging.getLogger("ltxstudio.app")

#: Set to print `first-paint <time.monotonic()>` once the main window has first been painted,
#: then quit: the cold-start benchmark's probe (tests/benchmarks/bench_startup.py). Off by default.
FIRST_PAINT_ENV = "LTXSTUDIO_EXIT_ON_FIRST_PAINT"


def main(args: argparse.Namespace | None = None) -> int:
    problem = display_problem()  # before Qt: it aborts (134) with a misleading message
    if problem is not None:
        sys.stderr.write(problem)
        return 2
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")  # FFmpeg chatter

    from PySide6.QtWidgets import QApplication

    from ltxstudio.core.logsetup import configure
    from ltxstudio.settings.paths import app_paths
    from ltxstudio.ui import theme
    from ltxstudio.ui.errors import ErrorPresenter
    from ltxstudio.ui.gc_guard import GuiThreadCollector
    from ltxstudio.ui.single_instance import SingleInstance

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("LTX Studio Desktop")
    app.setOrganizationName("ltxstudio")
    app.setDesktopFileName("io.github.ltxstudio.LtxStudio")
    theme.apply(app)
    paths = app_paths()
    configure(paths.log, console=bool(getattr(args, "verbose", False)))
    guard = SingleInstance(paths.data / "ltxstudio.lock", f"ltxstudio-{getpass.getuser()}")
    files = [Path(name) for name in getattr(args, "files", None) or []]
    if not guard.acquire():
        print("LTX Studio Desktop is already running; bringing it to the front.", file=sys.stderr)
        if files:
            print(
                "Files are not passed to a running app: open them from its window.", file=sys.stderr
            )
        return 0
    collector = GuiThreadCollector(parent=app)  # no Qt object may die in a worker thread
    collector.start()
    shell = Shell(app, on_ready=collector.freeze)
    errors = ErrorPresenter(lambda: shell.window, paths.log)
    guard.raise_requested.connect(shell.raise_window)
    try:
        with asyncio.Runner(loop_factory=lambda: event_loop(app, errors)) as runner:
            return runner.run(shell.run(_options(args), files))
    finally:
        guard.release()


def event_loop(app: QApplication, errors: ErrorPresenter) -> asyncio.AbstractEventLoop:
    """The app's qasync loop; unexpected errors, in slots, tasks or the loop itself, go to
    `errors`."""
    import qasync

    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(app)
    errors.install(loop)
    return loop


def _options(args: argparse.Namespace | None) -> SessionOptions:
    from ltxstudio.session import SessionOptions
    from ltxstudio.settings.model import Backend

    sandbox = bool(getattr(args, "sandbox", False))
    return SessionOptions(
        backend=Backend.SANDBOX if sandbox else None, base_url=getattr(args, "base_url", None)
    )


class Shell:
    """Owns the session and the window, and swaps both when the backend or the key changes."""

    def __init__(self, app: QApplication, on_ready: Callable[[], None] | None = None) -> None:
        self.app = app
        self._on_ready = on_ready  # once the first window shows (the GC freezes the baseline)
        # Quitting Qt stops the qasync loop too, so the session must be closed *before* the
        # app quits: closing the window starts the shutdown, and the shutdown ends the run.
        # (A reopen closes one window before the next exists; that must not quit either.)
        app.setQuitOnLastWindowClosed(False)
        self.session: Session | None = None
        self.window: MainWindow | None = None
        self.session_key: object | None = None  # a key kept for this run only (no keyring)
        self._done = asyncio.Event()
        self._reopening = False
        self.reopening: asyncio.Future[None] | None = None  # the reopen in progress, if any
        self.background = Background()
        self.selftest_dialog: SelftestDialog | None = None

    async def run(self, options: SessionOptions, files: Iterable[Path] = ()) -> int:
        self._done = asyncio.Event()
        self.app.aboutToQuit.connect(self._done.set)  # the OS ended the session: no time left
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # A terminal Ctrl-C or a logout closes the window like File > Quit does.
            loop.add_signal_handler(sig, self.request_quit)
        await self.open(options)
        self.open_files(files)
        await self._done.wait()
        await self.close_session()
        return 0

    def request_quit(self) -> None:
        if self.window is not None:
            self.window.close()  # its closing signal starts the shutdown
        else:
            self._done.set()

    def _on_window_closing(self) -> None:
        if not self._reopening:
            self._done.set()

    async def open(self, options: SessionOptions) -> None:
        from ltxstudio.session import NoApiKey, Session
        from ltxstudio.ui.main_window import MainWindow

        try:
            session = await Session.open(options)
        except NoApiKey as exc:
            log.warning("%s; falling back to the sandbox", exc)
            from dataclasses import replace

            from ltxstudio.settings.model import Backend

            session = await Session.open(replace(options, backend=Backend.SANDBOX))
        session.start()
        from ltxstudio.ui import theme

        theme.apply_choice(self.app, session.settings.theme)
        window = MainWindow(session)
        window.reopen_requested.connect(self._on_reopen_requested)
        window.closing.connect(self._on_window_closing)
        window.selftest_requested.connect(self.show_selftest)
        self.session, self.window = session, window
        if os.environ.get(FIRST_PAINT_ENV):
            from ltxstudio.ui.first_paint import FirstPaint

            FirstPaint(window, self._first_painted)
        window.show()
        if self._on_ready is not None:
            self._on_ready()
            self._on_ready = None

    def _first_painted(self) -> None:
        print(f"first-paint {time.monotonic():.6f}", flush=True)
        self.request_quit()

    def open_files(self, paths: Iterable[Path]) -> None:
        """Files from the command line or the desktop's Open With (`ltxstudio gui %F`)."""
        assert self.window is not None
        for path in paths:
            if path.name.endswith(".mp4.json"):
                path = path.with_suffix("")  # a take's provenance sidecar opens its video
            if path.is_file():
                self.window.take_in(path)
            else:
                self.window.statusBar().showMessage(f"Cannot open {path}: no such file", 8000)

    async def close_session(self) -> None:
        if self.session is not None:
            await self.session.aclose()
            self.session = None
        from ltxstudio.media.executor import shutdown

        shutdown()

    def raise_window(self) -> None:
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()

    def show_selftest(self) -> None:
        """Help → Run self-test: a non-modal dialog over the window, running the checks."""
        from ltxstudio.ui.selftest_dialog import show_selftest

        self.selftest_dialog = show_selftest(self.window)

    def _on_reopen_requested(self, result: SettingsResult) -> None:
        self.reopening = self.background.run(self.reopen(result))

    async def reopen(self, result: SettingsResult) -> None:
        from ltxstudio.session import SessionOptions
        from ltxstudio.settings import secrets, store

        assert self.session is not None
        paths = self.session.paths
        store.save(paths.settings_file, result.settings)
        key = None
        if result.remove_key:
            secrets.clear_key()
        if result.new_key:
            try:
                key = (
                    secrets.save_key(result.new_key)
                    if result.remember_key
                    else secrets.ApiKey(result.new_key, secrets.KeySource.SESSION)
                )
            except secrets.KeyringUnavailable:
                key = secrets.ApiKey(result.new_key, secrets.KeySource.SESSION)
        if key is not None and key.source is secrets.KeySource.SESSION:
            self.session_key = key
        old = self.window
        self._reopening = True
        try:
            if old is not None:
                old.close()
            await self.close_session()
            session_key = self.session_key if isinstance(self.session_key, secrets.ApiKey) else None
            await self.open(SessionOptions(api_key=session_key))
            if key is not None and self.window is not None and not self.session.simulated:
                self.window.report_key_check()  # a new key: say at once whether LTX takes it
        finally:
            self._reopening = False
            if old is not None:
                old.deleteLater()
