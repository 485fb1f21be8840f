"""The real app for the AT-SPI test (tests/ui/test_atspi.py): the main window over the in-process
sandbox in the caller's (isolated) XDG dirs, a clip open in the viewer, a job done in the queue.
Prints READY when there is something to look at; runs until SIGTERM.

Run by tests/ui/a11y/reader.py under dbus-run-session and Xvfb:
`python -m tests.ui.a11y.app_under_test`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path


async def main() -> None:
    from ltxstudio.core.catalog import Model, Resolution
    from ltxstudio.jobs.model import JobState
    from ltxstudio.session import Session, SessionOptions
    from ltxstudio.session.forms import Mode, generation_request
    from ltxstudio.settings.model import Backend
    from ltxstudio.ui.main_window import MainWindow
    from ltxstudio.ui.viewer.video_area import Page
    from tests.support.media_factory import make_video

    session = await Session.open(SessionOptions(backend=Backend.SANDBOX))
    session.start()
    window = MainWindow(session)
    window.resize(1600, 1000)
    window.show()
    window.activateWindow()
    video = make_video(Path(os.environ["XDG_CACHE_HOME"]) / "harbour.mp4", seconds=3.0)
    take = await session.take_for_file(video)
    job = await session.generate(
        generation_request(
            Mode.TEXT,
            "A lighthouse at dusk. The beam sweeps the fog. The camera dollies in. "
            "We hear the wind.",
            Model.LTX_2_3_FAST,
            Resolution(1280, 720),
            24,
            2,
        )
    )
    (done,) = await session.wait([job])
    assert done.state is JobState.COMPLETED, done.note
    panel = window.viewer_panel
    assert panel is not None
    shown = panel.show_clip(take.clip_id)
    assert shown is not None
    await shown
    assert panel.video_area.page in (Page.LIVE, Page.STILL, Page.EMPTY)
    window.library.search.setFocus()
    print("READY", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    window.close()
    await session.aclose()


def run() -> int:
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "ltxstudio"
    config.mkdir(parents=True, exist_ok=True)
    # Fast simulated jobs: a completion to announce within a second or two.
    (config / "settings.json").write_text(
        '{"schema_version": 2, "poll_interval": 1.0, "sandbox_speed": 100.0}'
    )
    import qasync
    from PySide6.QtWidgets import QApplication

    from ltxstudio.ui import theme

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("LTX Studio Desktop")
    app.setOrganizationName("ltxstudio")
    app.setQuitOnLastWindowClosed(False)
    theme.apply(app)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(main())
    return 0


if __name__ == "__main__":
    sys.exit(run())
