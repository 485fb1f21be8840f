"""The sandbox for client tests: in-process (ASGI) or served over real loopback HTTP.

Both share one `ManualClock` with the client, so Retry-After waits, backoff and the v2 job
script run in simulated time. The one real wait — the render, in the sandbox's worker thread —
is awaited with `idle()` (on the server's own loop when served), never slept for or spun on.

Served sandboxes put storage (upload and result URLs) on a second loopback port, like a separate
storage host; the sandbox answers 400 to any request that brings an Authorization header there,
so every successful upload and download also proves the key stayed with the API.

`serve()` is `tests/support/sandbox_server.serve_sandbox` plus a handle on the server's event
loop, which `idle()` needs to wait for renders without polling.
"""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from ltxstudio.sandbox.asgi import create_app, sandbox_of
from ltxstudio.sandbox.config import RateLimit, SandboxConfig
from ltxstudio.sandbox.server import SandboxServer, bind, url_of
from ltxstudio.sandbox.service import Sandbox

#: A key shaped like a real one and unique enough to grep for (acceptance 5).
TEST_KEY = "sk-ltxstudio-test-9c1f4e7a2b6d8e03"

#: Generous limits for tests that are not about limits.
ROOMY = {"balance_usd": Decimal("500"), "rate_limit": RateLimit(1_000_000, 60.0)}


def sandbox_config(**overrides: Any) -> SandboxConfig:
    return SandboxConfig(**{"api_key": TEST_KEY, **ROOMY, **overrides})


class _LoopCapture:
    """Remembers the server's event loop (uvicorn runs it in its own thread)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.loop = asyncio.get_running_loop()
        await self.app(scope, receive, send)


@dataclass
class ServedSandbox:
    base_url: str
    storage_url: str
    app: Any
    _capture: _LoopCapture

    @property
    def sandbox(self) -> Sandbox:
        return sandbox_of(self.app)

    async def idle(self) -> None:
        """Wait until every render started so far has finished, on the server's loop."""
        loop = self._capture.loop
        assert loop is not None, "the server has not handled a request yet"
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self.sandbox.idle(), loop))

    async def stats(self) -> dict[str, Any]:
        """`GET /_sandbox/stats` over HTTP, as any client would read it."""
        async with httpx.AsyncClient() as http:
            response = await http.get(
                f"{self.base_url}/_sandbox/stats", headers={"Authorization": f"Bearer {TEST_KEY}"}
            )
        response.raise_for_status()
        stats: dict[str, Any] = response.json()
        return stats


@contextmanager
def serve(config: SandboxConfig) -> Iterator[ServedSandbox]:
    """Serve `config` on 127.0.0.1:0, with storage on a second port."""
    sockets = [bind("127.0.0.1", 0), bind("127.0.0.1", 0)]
    storage_url = url_of(sockets[1])
    app = create_app(replace(config, storage_base_url=storage_url))
    capture = _LoopCapture(app)
    server = SandboxServer(capture, sockets)
    server.start()
    try:
        yield ServedSandbox(server.base_url, storage_url, app, capture)
    finally:
        server.stop()


# ------------------------------------------------------------------ probing results


@dataclass(frozen=True)
class Probe:
    width: int
    height: int
    fps: Fraction
    seconds: float
    frames: int


def probe_mp4(path: Path) -> Probe:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.demux(stream) if _.size)
        assert container.duration is not None
        return Probe(
            stream.codec_context.width,
            stream.codec_context.height,
            Fraction(stream.average_rate or 0),
            container.duration / av.time_base,
            frames,
        )


def probe_exr_zip(path: Path) -> tuple[int, int, int]:
    """(frame count, width, height of the first frame) of HDR's ZIP of EXR frames."""
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.endswith(".exr"))
        first = archive.read(names[0])
    codec = av.CodecContext.create("exr", "r")
    (frame,) = codec.decode(av.Packet(first))
    return len(names), frame.width, frame.height
