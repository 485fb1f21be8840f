"""The self-test: does this installation work, end to end, on this machine?

One code path for `ltxstudio selftest` (offscreen, from a terminal or the bundle test) and for
Help → Run self-test in the app. It opens the real main window over a session on the in-process
sandbox in a fresh directory (never the user's journal, library or keyring), generates one small
clip through the session, probes it with PyAV, plays it with QtMultimedia until a real frame is
decoded, and looks at the keyring backend. Each check is one line with its timing; the run passes
only if every required check passes (a missing keyring is a warning: the app still works).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink
from PySide6.QtWidgets import QComboBox, QSystemTrayIcon

from ltxstudio import __version__, media
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.request import TextToVideo
from ltxstudio.jobs.model import JobState
from ltxstudio.media.versions import backend_info
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.session import Session, SessionOptions
from ltxstudio.settings import secrets, store
from ltxstudio.settings.model import Backend, Settings
from ltxstudio.settings.paths import AppPaths
from ltxstudio.ui.layout_store import MemoryLayout
from ltxstudio.ui.main_window import MainWindow
from ltxstudio.ui.versions import build_kind, qt_ffmpeg_version

log = logging.getLogger("ltxstudio.selftest")

PROMPT = (
    "A lighthouse stands on a cliff at dusk. Its beam sweeps slowly through the fog while waves "
    "break below. The camera dollies in. We hear the wind and a distant foghorn."
)
SIZE = Resolution(1280, 720)
SECONDS = 2
FPS = 24
#: The sandbox's scripted 10 s of pending/processing, 100 times faster: the render dominates.
SANDBOX_SPEED = 100.0


class Status(StrEnum):
    PASS = "PASS"  # noqa: S105 - a verdict, not a password
    WARN = "WARN"  # works, with a caveat the user should know (no keyring)
    FAIL = "FAIL"
    SKIP = "SKIP"  # could not run because an earlier check failed: the run fails


class CheckFailed(Exception):
    """A check's verdict, in one sentence."""


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    seconds: float

    def line(self) -> str:
        return f"{self.status.value}  {self.name:<9} {self.detail}  [{self.seconds:.2f} s]"


@dataclass
class Report:
    title: str
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(
            c.status in (Status.PASS, Status.WARN) for c in self.checks
        )

    def summary(self) -> str:
        counts = {s: sum(c.status is s for c in self.checks) for s in Status}
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"self-test {verdict}: {counts[Status.PASS]} passed, {counts[Status.WARN]} warning(s), "
            f"{counts[Status.FAIL]} failed, {counts[Status.SKIP]} skipped in {self.seconds:.1f} s"
        )

    def text(self) -> str:
        return "\n".join([self.title, *(c.line() for c in self.checks), self.summary()])


Outcome = tuple[Status, str]


async def run_selftest(
    root: Path, *, on_line: Callable[[str], None] | None = None, limit_s: float = 90.0
) -> Report:
    """Run every check with its files under `root` (an empty directory the caller removes).

    Needs a QApplication and a running qasync loop. Each check may take `limit_s` seconds.
    `on_line` gets the title, then each check's line as it finishes (then `Report.summary()`).
    """
    started = time.perf_counter()
    platform_name = QGuiApplication.platformName()
    report = Report(
        f"LTX Studio Desktop {__version__} self-test · {build_kind()} · Qt platform {platform_name}"
    )
    state = _Run(root)
    if on_line is not None:
        on_line(report.title)

    async def step(name: str, check: Callable[[], Awaitable[Outcome]], ready: bool) -> None:
        t0 = time.perf_counter()
        if not ready:
            status, detail = Status.SKIP, "not run: an earlier check failed"
        else:
            try:
                status, detail = await asyncio.wait_for(check(), limit_s)
            except CheckFailed as exc:
                status, detail = Status.FAIL, str(exc)
            except TimeoutError:
                status, detail = Status.FAIL, f"no answer within {limit_s:.0f} s"
            except Exception as exc:  # a self-test reports every failure as a line
                log.exception("self-test check %s failed", name)
                status, detail = Status.FAIL, f"{type(exc).__name__}: {exc}"
        check_result = Check(name, status, detail, time.perf_counter() - t0)
        report.checks.append(check_result)
        if on_line is not None:
            on_line(check_result.line())

    try:
        await step("qt", _check_qt, True)
        await step("window", state.open_window, True)
        await step("generate", state.generate, state.window is not None)
        await step("media", state.probe_result, state.result is not None)
        await step("player", state.play_result, state.result is not None)
        await step("keyring", _check_keyring, True)
    finally:
        await state.close()
        report.seconds = time.perf_counter() - started
    return report


async def _check_qt() -> Outcome:
    combo = QComboBox()
    combo.addItem("nothing", None)
    before = sys.getrefcount(None)
    for _ in range(200):
        combo.currentData()
    if sys.getrefcount(None) - before < -10:  # see docs/DEVELOPERS.md, Qt traps
        raise CheckFailed(f"PySide6 {pyside_version} drops references to None; use 6.11.x")
    return Status.PASS, f"Qt {qVersion()}, PySide6 {pyside_version}"


async def _check_keyring() -> Outcome:
    name = secrets.backend_name()
    if secrets.keyring_usable():
        return Status.PASS, f"{name}: an API key can be stored"
    return Status.WARN, (
        f"{name}: no usable keyring; an API key works for one session or from LTX_API_KEY"
    )


class _Run:
    """What the checks share: the session, the window and the generated clip."""

    def __init__(self, root: Path) -> None:
        self.paths = AppPaths(root / "config", root / "data", root / "cache", root / "log")
        self.session: Session | None = None
        self.window: MainWindow | None = None
        self.result: Path | None = None

    async def open_window(self) -> Outcome:
        store.save(
            self.paths.settings_file,
            Settings(poll_interval=1.0, notifications=False, sandbox_speed=SANDBOX_SPEED),
        )
        config = SandboxConfig(state_dir=self.paths.data / "sandbox", speed=SANDBOX_SPEED)
        # The sandbox's own key: so the session never reads the user's keyring (a locked one
        # would prompt for a password in the middle of a self-test).
        key = secrets.ApiKey(config.api_key, secrets.KeySource.SESSION)
        options = SessionOptions(
            backend=Backend.SANDBOX, paths=self.paths, sandbox=config, api_key=key
        )
        self.session = await Session.open(options)
        self.session.start()
        # Its own layout store: closing this window must not replace the user's layout.
        window = MainWindow(self.session, layout=MemoryLayout())
        self.window = window
        for tray in window.findChildren(QSystemTrayIcon):
            tray.hide()  # one tray icon per app, not a second one for the test's window
        if QGuiApplication.platformName() != "offscreen":
            window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        window.show()
        picture = window.grab()
        if not window.isVisible() or picture.isNull():
            raise CheckFailed("the main window did not show")
        docks = [d.windowTitle() for d in (window.library_dock, window.generate_dock)]
        docks.append(window.queue_dock.windowTitle())
        return Status.PASS, (
            f"main window {picture.width()}x{picture.height()} on the sandbox ({', '.join(docks)})"
        )

    async def generate(self) -> Outcome:
        assert self.session is not None
        assert self.window is not None
        session, window = self.session, self.window
        request = TextToVideo(
            prompt=PROMPT, model=Model.LTX_2_3_FAST, resolution=SIZE, fps=FPS, duration=SECONDS
        )
        job = await session.generate(request)
        (done,) = await session.wait([job])
        if done.state is not JobState.COMPLETED:
            raise CheckFailed(f"the job ended {done.state.value}: {done.note}")
        take = session.clips.take_for_job(job.id)
        if take is None:
            raise CheckFailed("the finished job was not filed in the library")
        path = session.clips.path_of(take)
        if not path.is_file():
            raise CheckFailed(f"the library has no file for the take: {path}")
        if window.jobs_model.rowCount() != 1:
            raise CheckFailed(f"the queue shows {window.jobs_model.rowCount()} jobs, not 1")
        await _until(lambda: window.clips_model.rowCount() == 1, window.clips_model.modelReset)
        self.result = path
        return Status.PASS, (
            f"{Model.LTX_2_3_FAST.value} {SIZE} {SECONDS} s: completed, in the queue and the "
            f"library ({path.stat().st_size // 1024} KiB)"
        )

    async def probe_result(self) -> Outcome:
        assert self.result is not None
        info = await media.run(media.probe, self.result)
        backend = backend_info()
        if not info.video:
            raise CheckFailed("the result has no video stream")
        video = info.video[0]
        facts = f"{video.codec} {video.width}x{video.height}, {video.frame_count} frames"
        if (video.width, video.height) != (SIZE.width, SIZE.height):
            raise CheckFailed(f"the result is {facts}; {SIZE} was asked for")
        if video.duration is None or abs(video.duration - SECONDS) > 0.1:
            raise CheckFailed(f"the result lasts {video.duration} s, not {SECONDS} s")
        return Status.PASS, f"{backend.summary()} probed {facts}, {video.duration:.2f} s"

    async def play_result(self) -> Outcome:
        assert self.result is not None
        frame = await _first_frame(self.result)
        image = frame.toImage()
        size = (frame.width(), frame.height())
        if size != (SIZE.width, SIZE.height):
            raise CheckFailed(f"the player decoded a {size[0]}x{size[1]} frame, not {SIZE}")
        colours = {image.pixel(x * image.width() // 16, image.height() // 2) for x in range(16)}
        if len(colours) < 2:
            raise CheckFailed("the decoded frame is one flat colour")
        ffmpeg = qt_ffmpeg_version() or "version unknown"
        return Status.PASS, (
            f"QtMultimedia (FFmpeg {ffmpeg}) decoded a {size[0]}x{size[1]} frame at "
            f"{frame.startTime() / 1e6:.2f} s"
        )

    async def close(self) -> None:
        if self.window is not None:
            app = QGuiApplication.instance()
            assert isinstance(app, QGuiApplication)
            quits = app.quitOnLastWindowClosed()
            app.setQuitOnLastWindowClosed(False)  # the test's window may be the only one
            self.window.close()
            app.setQuitOnLastWindowClosed(quits)
            self.window.deleteLater()
            self.window = None
        if self.session is not None:
            await self.session.aclose()
            self.session = None


async def _first_frame(path: Path) -> QVideoFrame:
    """Play `path` into a video sink (no audio output: no sound device needed) until a valid
    frame arrives; QVideoWidget.grab() would never show the video."""
    loop = asyncio.get_running_loop()
    arrived: asyncio.Future[QVideoFrame] = loop.create_future()
    player = QMediaPlayer()
    if not player.isAvailable():
        raise CheckFailed("QtMultimedia has no backend (on Linux: is libxrandr2 installed?)")
    sink = QVideoSink()

    def on_frame(frame: QVideoFrame) -> None:
        if frame.isValid() and not arrived.done():
            arrived.set_result(QVideoFrame(frame))

    def on_error(error: QMediaPlayer.Error, message: str) -> None:
        if not arrived.done():
            arrived.set_exception(CheckFailed(f"the player failed: {message or error.name}"))

    sink.videoFrameChanged.connect(on_frame)
    player.errorOccurred.connect(on_error)
    player.setVideoSink(sink)
    player.setSource(QUrl.fromLocalFile(str(path)))
    player.play()
    try:
        return await arrived
    finally:
        player.stop()
        sink.videoFrameChanged.disconnect(on_frame)
        player.errorOccurred.disconnect(on_error)


async def _until(predicate: Callable[[], bool], signal: Any, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Until `predicate()` holds, re-checking whenever `signal` fires (at least once a second)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise CheckFailed("the window did not show the result")
        fired: asyncio.Future[None] = loop.create_future()

        def wake(*_: object, fired: asyncio.Future[None] = fired) -> None:
            if not fired.done():
                fired.set_result(None)

        signal.connect(wake)
        try:
            await asyncio.wait_for(fired, 1.0)
        except TimeoutError:
            pass
        finally:
            signal.disconnect(wake)
