"""Engine tests drive a whole `Session` against the in-process sandbox on a `ManualClock`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from ltxstudio.core.clock import ManualClock
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.session import Session, SessionOptions
from ltxstudio.settings.model import Backend
from ltxstudio.settings.paths import app_paths

OpenSession = Callable[..., Awaitable[Session]]

PROMPT = (
    "A paper boat drifts down a gutter stream after a storm. It spins past fallen leaves, then "
    "tips over a small waterfall. The camera tracks low beside the boat. We hear trickling water."
)


@pytest_asyncio.fixture
async def open_session(isolated_home: Path) -> AsyncIterator[OpenSession]:
    sessions: list[Session] = []

    async def open_(**kw: Any) -> Session:
        clock = kw.pop("clock", None) or ManualClock()
        sandbox = kw.pop("sandbox", None) or SandboxConfig(clock=clock)
        options = SessionOptions(
            backend=Backend.SANDBOX, clock=clock, sandbox=sandbox, paths=app_paths(), **kw
        )
        session = await Session.open(options)
        session.start()
        sessions.append(session)
        return session

    yield open_
    for session in sessions:
        await session.aclose()


@pytest.fixture
def prompt() -> str:
    return PROMPT
