"""Responses with the sandbox's delivery faults: bodies cut short (`truncate`) or dropped mid-way
(`reset`), from memory or streamed from a file in the state dir, and answers lost after the work
was done (`lost`)."""

from __future__ import annotations

import asyncio
import json
from typing import IO, Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ltxstudio.sandbox.faults import Fault, FaultKind

#: Bytes per read when streaming a stored file (each read is one trip to a worker thread).
CHUNK_BYTES = 1024 * 1024


class SandboxConnectionReset(ConnectionResetError):
    """Raised mid-body by a `reset` fault: uvicorn drops the connection; in-process,
    `httpx.ASGITransport` re-raises it to the caller."""


def deliver(
    body: bytes,
    status: int,
    media_type: str | None,
    fault: Fault | None,
    headers: dict[str, str] | None = None,
) -> Response:
    if fault is not None and fault.kind in (FaultKind.RESET, FaultKind.TRUNCATE):
        return CutResponse(body, status, headers, media_type, reset=fault.kind is FaultKind.RESET)
    return Response(body, status, headers, media_type)


def deliver_json(payload: dict[str, Any], status: int, fault: Fault | None) -> Response:
    return deliver(json.dumps(payload).encode(), status, "application/json", fault)


class CutResponse(Response):
    """Announces the full Content-Length, sends half the body, then drops or ends it."""

    def __init__(
        self,
        content: bytes,
        status_code: int,
        headers: dict[str, str] | None,
        media_type: str | None,
        *,
        reset: bool,
    ) -> None:
        super().__init__(content, status_code, headers, media_type)
        self.reset = reset

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        cut = len(self.body) // 2
        await send(
            {"type": "http.response.body", "body": bytes(self.body[:cut]), "more_body": True}
        )
        if self.reset:
            raise SandboxConnectionReset("connection reset by the sandbox fault plan")
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class LostResponse(Response):
    """The request did its work, but its answer never arrives whole: the status line goes out
    with no length, then the connection drops. Over uvicorn every client sees a broken
    connection before the end of the answer (an ASGI app cannot close a socket before the status
    line: raising first makes the server send a 500 instead); in-process `httpx.ASGITransport`
    re-raises the exception to the caller."""

    def __init__(self, status_code: int) -> None:
        super().__init__(None, status_code)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # No Content-Length: the server frames the body as chunked, and it never ends.
        await send({"type": "http.response.start", "status": self.status_code, "headers": []})
        raise SandboxConnectionReset("the answer was lost (sandbox fault plan)")


class FileSpanResponse(Response):
    """Bytes `start`..`end` (inclusive) of an open file, read in chunks off the loop; the file
    is closed when the response ends. A `reset`/`truncate` fault cuts it at half, as for
    `CutResponse`. HEAD gets the headers only."""

    def __init__(
        self,
        handle: IO[bytes],
        span: tuple[int, int],
        status_code: int,
        headers: dict[str, str],
        media_type: str,
        fault: Fault | None,
    ) -> None:
        start, end = span
        length = end - start + 1
        # An explicit Content-Length keeps Starlette from announcing the empty `body`'s 0.
        super().__init__(None, status_code, {**headers, "Content-Length": str(length)}, media_type)
        self._handle = handle
        self._start = start
        self._length = length
        self._cut: FaultKind | None = None
        if fault is not None and fault.kind in (FaultKind.RESET, FaultKind.TRUNCATE):
            self._cut = fault.kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            if scope.get("method", "GET").upper() == "HEAD":
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            todo = self._length // 2 if self._cut is not None else self._length
            await asyncio.to_thread(self._handle.seek, self._start)
            while todo > 0:
                chunk = await asyncio.to_thread(self._handle.read, min(CHUNK_BYTES, todo))
                if not chunk:
                    raise OSError(f"{self._handle.name} is shorter than its recorded size")
                todo -= len(chunk)
                more = todo > 0 or self._cut is not None
                await send({"type": "http.response.body", "body": chunk, "more_body": more})
            if self._cut is FaultKind.RESET:
                raise SandboxConnectionReset("connection reset by the sandbox fault plan")
            if self._cut is not None or self._length == 0:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await asyncio.to_thread(self._handle.close)
