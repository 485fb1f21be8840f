"""How the client reaches the server: per-call timeouts, and the in-process (ASGI) transport."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import httpx

#: Where an in-process sandbox "lives": `*.localhost` is loopback by definition (RFC 6761).
SANDBOX_BASE_URL = "http://sandbox.localhost"

ASGIApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]


class InProcessTransport(httpx.ASGITransport):
    """`ASGITransport` that reports an app's dropped connection as httpx does for a socket.

    An in-process app (the sandbox's "reset" fault) can only drop a connection by raising
    `ConnectionError` mid-response; over a socket httpx would raise `ReadError`. Mapping it keeps
    the retry and "outcome unknown" rules identical in-process and over the network. Any other
    exception from the app is a bug and propagates unchanged.
    """

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except ConnectionError as exc:
            raise httpx.ReadError(
                f"in-process app dropped the connection: {exc}", request=request
            ) from exc


@dataclass(frozen=True)
class Timeouts:
    """Seconds. `connect` is short everywhere; the read timeout depends on the call."""

    connect: float = 10.0
    submit: float = 120.0  # v2 POST (LTX Desktop uses 120 s)
    poll: float = 60.0
    upload_slot: float = 60.0  # /v1/upload has been seen taking > 30 s under load
    upload_put: float = 300.0
    download: float = 60.0  # per read: a stalled transfer, not the whole file

    def make(self, read: float) -> httpx.Timeout:
        return httpx.Timeout(read, connect=self.connect, pool=self.connect)
