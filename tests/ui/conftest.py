"""UI tests: pytest-qt offscreen on the qasync loop (STACK-NOTES §7).

Async tests (`@pytest.mark.asyncio`) run on a `qasync.QEventLoop` through pytest-asyncio's
`pytest_asyncio_loop_factories` hook, so slots, httpx and the job runner share one loop exactly as
in the app. Use `wait_signal` inside async tests, never the blocking `qtbot.waitSignal`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="session", autouse=True)
def _gc_on_the_gui_thread(qapp: Any) -> Any:
    """As in the app: no garbage collection in worker threads (see ltxstudio/ui/gc_guard.py)."""
    from ltxstudio.ui.gc_guard import GuiThreadCollector

    collector = GuiThreadCollector(interval_ms=200)
    collector.start()
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test gets its own empty QSettings store, never the developer's (Qt resolves its
    paths once per process, so the per-test XDG variables of `isolated_home` do not reach it)."""
    from PySide6.QtCore import QSettings

    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> Mapping[str, Any]:
    def factory() -> asyncio.AbstractEventLoop:
        app = QApplication.instance() or QApplication([])
        return qasync.QEventLoop(app)

    return {"qasync": factory}


async def wait_signal(signal: Any, timeout: float = 10.0) -> tuple[Any, ...]:  # noqa: ASYNC109
    """Await a Qt signal without a nested event loop."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def receive(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(receive)
    try:
        return await asyncio.wait_for(future, timeout)
    finally:
        signal.disconnect(receive)


# ------------------------------------------------------------------ the whole window


@dataclass
class App:
    session: Any
    window: Any
    clock: Any


@pytest_asyncio.fixture
async def open_app(isolated_home: Path, qtbot: Any) -> AsyncIterator[Callable[..., Awaitable[App]]]:
    """The real main window over a real session on the in-process sandbox (virtual time)."""
    from ltxstudio.core.clock import ManualClock
    from ltxstudio.sandbox.config import SandboxConfig
    from ltxstudio.session import Session, SessionOptions
    from ltxstudio.settings.model import Backend
    from ltxstudio.settings.paths import app_paths
    from ltxstudio.ui.main_window import MainWindow

    opened: list[App] = []

    async def open_(**sandbox: Any) -> App:
        clock = ManualClock()
        config = SandboxConfig(clock=clock, **sandbox)
        options = SessionOptions(
            backend=Backend.SANDBOX, clock=clock, sandbox=config, paths=app_paths()
        )
        session = await Session.open(options)
        session.start()
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        app = App(session, window, clock)
        opened.append(app)
        return app

    yield open_
    import shiboken6

    for app in opened:
        if shiboken6.isValid(app.window):  # pytest-qt may have deleted it already
            app.window.close()
        await app.session.aclose()


async def until(predicate: Callable[[], bool], signal: Any, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Wait, without sleeping, until `predicate()` holds, re-checking whenever `signal` fires."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        left = deadline - loop.time()
        if left <= 0:
            raise TimeoutError("condition not reached")
        with contextlib.suppress(TimeoutError):
            await wait_signal(signal, timeout=min(left, 1.0))
