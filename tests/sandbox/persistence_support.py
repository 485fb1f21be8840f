"""Helpers for the state-dir tests: sandboxes on a state dir, a crash, a render held mid-way."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from pathlib import Path
from typing import Any, ClassVar

import httpx

from ltxstudio.core.clock import ManualClock
from ltxstudio.sandbox.asgi import create_app
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.render import RenderSpec
from ltxstudio.sandbox.service import Sandbox
from tests.sandbox.conftest import KEY, Harness


def open_sandbox(state_dir: Path, clock: ManualClock, **overrides: Any) -> Harness:
    settings = {"api_key": KEY, "clock": clock, "state_dir": state_dir, "concurrency_limit": 10}
    config = SandboxConfig(**{**settings, **overrides})
    app = create_app(config)
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(
        transport=transport,
        base_url="http://sandbox.test",
        headers={"Authorization": f"Bearer {KEY}"},
    )
    anon = httpx.AsyncClient(transport=transport, base_url="http://sandbox.test")
    return Harness(app, clock, client, anon)


async def close(h: Harness) -> None:
    """A clean shutdown."""
    await h.sandbox.idle()
    await h.client.aclose()
    await h.anon.aclose()
    h.sandbox.close()


async def crash(h: Harness, *pending: asyncio.Task[Any]) -> None:
    """What a killed process leaves behind: the database connection goes first, so nothing the
    app would still do (finish a render, release money in an `except`) reaches the state dir;
    then its tasks stop where they are. No shutdown code runs."""
    sb: Sandbox = h.sandbox
    assert sb.state is not None
    sb.state.db.close()
    tasks = [*sb._tasks, *pending]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await h.client.aclose()
    await h.anon.aclose()


class HeldRender:
    """Replaces a sandbox's renderer: a render enters, records its spec and waits; `let_go`
    makes it fail (the process it belonged to is gone by then)."""

    #: Every instance, so a fixture can let them all go when a test ends early.
    made: ClassVar[list[HeldRender]] = []

    def __init__(self, sb: Sandbox) -> None:
        HeldRender.made.append(self)
        self.entered = threading.Event()
        self._release = threading.Event()
        self.specs: list[RenderSpec] = []
        sb.renderer.render = self._render  # type: ignore[method-assign]

    def _render(self, spec: RenderSpec) -> Any:
        self.specs.append(spec)
        self.entered.set()
        self._release.wait(30)
        raise RuntimeError("this render's process is gone")

    async def wait_entered(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, 30), "the render never started"

    def let_go(self) -> None:
        self._release.set()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_under(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.is_file())
