"""`make screenshots`: the main window's states, as a user sees them, at 1600x1000 and 1280x800.

Runs the real app (session, in-process sandbox, main window) on a throwaway data dir, drives it
like a user and saves PNGs: the empty state, a queue mid-run with clips in the library, an error
shown inline, a 402 hold, the settings, About and self-test dialogs, and the viewer's states
(`tests/ui/viewer/screens.py`). Usage: `python -m tests.ui.screenshots OUT_DIR`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

SIZES = ((1600, 1000), (1280, 800))
PROMPTS = (
    "A lighthouse stands on a rocky cliff at dusk. Its beam begins to sweep across the fog as "
    "waves crash below. The camera slowly dollies in toward the lamp. We hear the foghorn.",
    "A street musician tunes an old violin under a flickering streetlight. She starts a slow "
    "melody as rain begins to fall. The camera circles her. We hear the violin and the rain.",
    "A paper boat drifts down a gutter stream after a storm, spins past fallen leaves and tips "
    "over a small waterfall. The camera tracks low beside it. We hear trickling water.",
    "A hot-air balloon rises over misty vineyards at sunrise. The burner roars as it climbs. "
    "The camera cranes up alongside the basket. We hear the burner and distant birds.",
)


def _isolate() -> Path:
    home = Path(tempfile.mkdtemp(prefix="ltxstudio-shots-"))
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / sub).mkdir()
        os.environ[var] = str(home / sub)
    os.environ.pop("LTX_API_KEY", None)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    settings = home / "config" / "ltxstudio" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(
        '{"schema_version": 2, "poll_interval": 1.0, "sandbox_speed": 4.0, '
        '"daily_budget_usd": "5.00"}'
    )
    return home


async def capture(out: Path) -> list[Path]:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QWidget

    from ltxstudio.core.catalog import Model, Resolution
    from ltxstudio.core.request import GenerationRequest
    from ltxstudio.jobs.model import JobState
    from ltxstudio.sandbox.asgi import sandbox_of
    from ltxstudio.session import Session, SessionOptions
    from ltxstudio.session.forms import Mode, generation_request
    from ltxstudio.settings.model import Backend
    from ltxstudio.ui.generate_panel import _select
    from ltxstudio.ui.main_window import MainWindow
    from ltxstudio.ui.selftest_dialog import show_selftest
    from tests.ui.viewer.screens import capture_viewer

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    session = await Session.open(SessionOptions(backend=Backend.SANDBOX))
    session.start()
    window = MainWindow(session)
    window.show()

    async def settle(seconds: float = 0.4) -> None:
        # Waiting on the qasync loop lets Qt lay out and paint (never processEvents() here:
        # re-entering the loop from a coroutine breaks the other tasks' steps).
        await asyncio.sleep(seconds)  # noqa: TID251 - a screenshot tool waits for paint

    async def shoot_window(other: Any, name: str) -> None:
        nonlocal window
        mine, window = window, other
        try:
            await shoot(name)
        finally:
            window = mine

    async def shoot(name: str, widget: QWidget | None = None) -> None:
        """The window at each size as the screen shows it, or one `widget` on its own."""
        target = widget or window
        for width, height in SIZES:
            if widget is None:
                window.resize(width, height)
                window.fit_docks()  # as a first launch at this size lays them out
            await settle()
            path = out / f"{name}-{width}x{height}.png"
            if widget is None:
                # From the screen: a video widget's picture and any dialog over the window
                # are not in the window's own grab().
                frame = window.frameGeometry()
                screen = QGuiApplication.primaryScreen()
                screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(
                    str(path)
                )
            else:
                target.grab().save(str(path))
            saved.append(path)
            if widget is not None:
                break

    async def until(check: Callable[[], bool], limit: float = 120) -> None:
        end = asyncio.get_running_loop().time() + limit
        while not check():
            if asyncio.get_running_loop().time() > end:
                raise TimeoutError("the app did not reach the state to capture")
            await settle(0.2)

    def request(prompt: str, seconds: int = 4) -> GenerationRequest:
        return generation_request(
            Mode.TEXT, prompt, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, seconds
        )

    await shoot("01-empty")

    # CONTRACT-2026-09: LTX-2.5 Pro at 4K and 48 fps, and audio-to-video's new fields.
    panel = window.generate
    panel.prompt.set_text(PROMPTS[3])
    _select(panel.model, Model.LTX_2_5_PRO.value)
    _select(panel.resolution, Resolution(3840, 2160))
    _select(panel.fps, 48)
    _select(panel.duration, 8)
    await shoot("12-generate-2-5-pro-4k")
    panel.set_mode(Mode.AUDIO)
    _select(panel.resolution, Resolution(2560, 1440))
    _select(panel.fps, 25)
    _select(panel.camera, "jib_up")
    await shoot("13-generate-audio-fields")
    # Image and audio modes with their files in (issue 14, item 14: rows were clipped, a
    # horizontal scroll bar appeared and the audio's Convert fix fell below the fold).
    from tests.support.media_factory import make_audio, make_image

    media_dir = Path(tempfile.mkdtemp())
    panel.set_mode(Mode.IMAGE)
    panel.image.set_path(
        make_image(media_dir / "harbour-at-dawn-first-frame.png", width=1280, height=720)
    )
    panel.last_frame.set_path(make_image(media_dir / "harbour-last.png", width=1280, height=720))
    await until(
        lambda: panel.image.inspection is not None and panel.last_frame.inspection is not None
    )
    await shoot("14-generate-image-mode")
    panel.last_frame.set_path(None)
    panel.add_last_frame.setChecked(False)
    panel.set_mode(Mode.AUDIO)
    panel.audio.set_path(
        make_audio(
            media_dir / "foghorn-and-wind-field-recording.wav", seconds=6.0, codec="pcm_s16le"
        )
    )
    await until(lambda: panel.audio.inspection is not None)
    await shoot("15-generate-audio-mode")
    panel.image.set_path(None)
    panel.last_frame.set_path(None)
    panel.audio.set_path(None)
    panel.set_mode(Mode.TEXT)
    if os.environ.get("LTXSTUDIO_SHOTS") == "generate":  # just the generate panel's screens
        window.close()
        await session.aclose()
        return saved

    done = [await session.generate(request(p)) for p in PROMPTS[:2]]
    await until(lambda: all(session.store.get(j.id).state is JobState.COMPLETED for j in done))
    window.generate.prompt.set_text(PROMPTS[2])
    _select(window.generate.model, Model.LTX_2_3_FAST.value)
    for prompt in (PROMPTS[2], PROMPTS[3], PROMPTS[0], PROMPTS[1]):
        await session.generate(request(prompt, 8))
    await until(lambda: any(j.state is JobState.PROCESSING for j in session.store))
    await until(lambda: window.clips_model.rowCount() == 2)
    await shoot("02-queue-and-library")
    window.quit_action.trigger()  # jobs running: the app says what quitting does to them
    await shoot("16-quit-with-jobs-running")
    window.quit_question.done(0)

    await until(lambda: all(j.state.terminal for j in session.store), 180)
    await capture_viewer(window, session, shoot, until)
    await until(lambda: all(j.state.terminal for j in session.store), 180)
    bogus = Path(tempfile.mkdtemp()) / "holiday-photo.png"
    bogus.write_text("not really a picture")
    window.generate.set_mode(Mode.IMAGE)
    window.generate.image.set_path(bogus)
    await until(lambda: window.generate.image.inspection is not None)
    await shoot("03-error-inline")

    sandbox = sandbox_of(session.client._http._transport.app)  # type: ignore[attr-defined]
    sandbox.set_balance(set_usd=Decimal("0.05"), add_usd=None)
    window.generate.set_mode(Mode.TEXT)
    await session.generate(request(PROMPTS[3], 8))
    await until(lambda: session.runner.hold is not None)
    await shoot("04-insufficient-funds")

    window.open_settings()
    await settle()
    await shoot("05-settings", window.settings_dialog)
    window.settings_dialog.reject()

    session.add_simulated_credit()
    window.generate.prompt.set_text(PROMPTS[0])
    window.generate_action.trigger()
    await until(lambda: len(window.queue.model.store) and window.duplicates._last is not None)
    window.generate_action.trigger()  # the same request again, a moment later
    await shoot("17-same-request-again")
    window.duplicates.question.done(0)

    window.show_keyboard_help()
    await shoot("18-keyboard-shortcuts")
    window.keyboard_help.close()
    editor = window.edit_shortcuts()
    editor.select("viewer.frame_forward")
    editor.set_keys(("Left",))  # One frame back's key: refused before it is applied
    await shoot("19-keyboard-settings-conflict")
    editor.reject()

    window.about()
    await shoot("10-about", window.about_dialog)
    window.about_dialog.close()
    selftest = show_selftest(window)  # what the app does on the window's selftest_requested
    await until(lambda: selftest.task is not None and selftest.task.done())
    await shoot("11-selftest", selftest)
    selftest.close()

    window.close()
    await session.aclose()
    await capture_offline(shoot_window, until)
    return saved


async def capture_offline(
    shoot_window: Callable[[Any, str], Awaitable[None]], until: Callable[..., Awaitable[None]]
) -> None:
    """A key but no network: the badge says offline — retrying, with the plain reason."""
    import socket

    from ltxstudio.core.catalog import Model, Resolution
    from ltxstudio.session import Session, SessionOptions
    from ltxstudio.session.forms import Mode, generation_request
    from ltxstudio.settings.model import Backend
    from ltxstudio.settings.secrets import ApiKey, KeySource
    from ltxstudio.ui.layout_store import MemoryLayout
    from ltxstudio.ui.main_window import MainWindow

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session = await Session.open(
        SessionOptions(
            backend=Backend.LIVE,
            base_url=f"http://127.0.0.1:{port}",
            api_key=ApiKey("ltx-screenshot-key", KeySource.SESSION),
        )
    )
    session.start()
    window = MainWindow(session, layout=MemoryLayout())
    window.show()
    await session.generate(
        generation_request(Mode.TEXT, PROMPTS[1], Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 6)
    )
    await until(lambda: "offline" in window.backend_label.text())
    await shoot_window(window, "20-offline-retrying")
    await session.aclose()
    window.close()


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "screenshots").resolve()
    _isolate()
    import qasync
    from PySide6.QtWidgets import QApplication

    from ltxstudio.ui import theme
    from ltxstudio.ui.gc_guard import GuiThreadCollector

    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("ltxstudio")
    app.setApplicationName("LTX Studio Desktop")
    app.setQuitOnLastWindowClosed(False)
    theme.apply(app, dark=os.environ.get("LTXSTUDIO_THEME") == "dark")
    collector = GuiThreadCollector(parent=app)
    collector.start()
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        paths = runner.run(capture(out))
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
