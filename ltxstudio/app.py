"""Composition root of the desktop app: QApplication, the qasync loop, shutdown.

The window itself grows in `ltxstudio.ui`; this module only wires the process together. Until the
main window lands this shows a placeholder shell that states which backend it would use.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

NO_DISPLAY_MESSAGE = """\
ltxstudio: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the desktop app
cannot open a window here.

  - On a desktop, run it from a graphical session.
  - On a server, run it on a virtual screen:   xvfb-run -a ltxstudio
  - Or use the headless command line:         ltxstudio --help
    e.g. start the offline LTX API sandbox:   ltxstudio sandbox
"""


def has_display() -> bool:
    """Whether Qt can open a window; QApplication aborts the process if it cannot."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    # Only X11/Wayland need a display server; Windows and macOS always have a screen.
    unix_desktop = sys.platform not in ("win32", "darwin")
    return not unix_desktop or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(args: argparse.Namespace | None = None) -> int:
    if not has_display():
        sys.stderr.write(NO_DISPLAY_MESSAGE)
        return 2

    import qasync
    from PySide6.QtWidgets import QApplication

    from ltxstudio.ui.shell import ShellWindow

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("LTX Studio Desktop")
    app.setOrganizationName("ltxstudio")
    app.setDesktopFileName("ltxstudio")

    window = ShellWindow()
    window.show()

    async def amain() -> None:
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # A terminal Ctrl-C or a session logout closes the window like File > Quit does.
            loop.add_signal_handler(sig, app.quit)
        await closed.wait()

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(amain())
    return 0
