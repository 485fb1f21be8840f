"""Serve a sandbox app over real loopback HTTP for a test: `with serve_sandbox(config) as s:`.

uvicorn runs in a background thread on sockets bound to 127.0.0.1:0 before it starts, and the
helper returns once uvicorn's own startup has finished (a `threading.Event`, no polling or
sleeps); leaving the block shuts it down and joins the thread. With `storage_port=True` the same
app is also served on a second port and upload/result URLs point there, so a client test can
prove the API key never goes to the storage host.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from starlette.applications import Starlette

from ltxstudio.sandbox.asgi import create_app, sandbox_of
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.server import SandboxServer, bind, url_of
from ltxstudio.sandbox.service import Sandbox


@dataclass(frozen=True)
class ServedSandbox:
    base_url: str
    storage_url: str | None
    api_key: str
    app: Starlette

    @property
    def sandbox(self) -> Sandbox:
        return sandbox_of(self.app)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@contextmanager
def serve_sandbox(
    app_or_config: Starlette | SandboxConfig | None = None, *, storage_port: bool = False
) -> Iterator[ServedSandbox]:
    sockets = [bind("127.0.0.1", 0)]
    if storage_port:
        sockets.append(bind("127.0.0.1", 0))
    storage_url = url_of(sockets[1]) if storage_port else None
    if isinstance(app_or_config, Starlette):
        if storage_port:
            raise ValueError("pass a SandboxConfig (not an app) to serve a storage port")
        app = app_or_config
    else:
        config = app_or_config or SandboxConfig()
        if storage_url:
            config = replace(config, storage_base_url=storage_url)
        app = create_app(config)
    server = SandboxServer(app, sockets)
    server.start()
    try:
        yield ServedSandbox(server.base_url, storage_url, sandbox_of(app).config.api_key, app)
    finally:
        server.stop()
