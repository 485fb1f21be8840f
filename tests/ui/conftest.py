"""UI tests: pytest-qt offscreen on the qasync loop (STACK-NOTES §7).

Async tests (`@pytest.mark.asyncio`) run on a `qasync.QEventLoop` through pytest-asyncio's
`pytest_asyncio_loop_factories` hook, so slots, httpx and the job runner share one loop exactly as
in the app. Use `wait_signal` inside async tests, never the blocking `qtbot.waitSignal`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication


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
