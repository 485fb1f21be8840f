"""Turn a media input into something the API can fetch: a storage URI, a data: URI, or a URL.

- `https://…`, `data:…` and storage URIs (`ltx://…`, any other scheme) pass through unchanged.
- A local file goes either through `POST /v1/upload` → `PUT` to the pre-signed `upload_url`
  (with `Content-Type` and every `required_headers` entry as given, never the API key) →
  `storage_uri`, or inline as a `data:<mime>;base64,…` URI when it fits the documented cap for
  its kind (API-NOTES §7: 7 MB images, 15 MB video/audio, measured encoded).
- Upload URLs are create-only (contract §4: `x-goog-if-generation-match: 0`): a PUT sent again
  after its answer was lost gets 412 Precondition Failed because the first one landed, which is
  success here (the slot is ours alone). A slot the storage host refuses (expired, denied) is
  replaced by a new one: slots are free.
- `transport="auto"` inlines only files whose data URI is at most `auto_data_uri_max` (default
  2 MB) — below the documented caps on purpose: a data URI rides inside the generation POST,
  which is never re-sent once it may have reached the server, while the upload PUT is idempotent
  and retried freely. Small images save the two extra round trips; big media take the upload.
"""

from __future__ import annotations

import asyncio
import base64
import math
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import httpx

from ltxstudio.api._errors import ApiProtocolError, RequestValidationError, StorageError
from ltxstudio.api._logging import log
from ltxstudio.api._request_loop import Call, RequestLoop
from ltxstudio.api._retry import CallKind
from ltxstudio.api._urls import check_transport_url
from ltxstudio.core import catalog
from ltxstudio.core.remote import FailureKind, Progress
from ltxstudio.core.request import FieldProblem
from ltxstudio.core.request.checks import MediaKind

UploadTransport = Literal["auto", "upload", "data"]
TRANSPORTS: Final = ("auto", "upload", "data")

AUTO_DATA_URI_MAX: Final = 2 * catalog.MB
CHUNK: Final = 256 * 1024
#: Upload slots tried for one file when the storage host refuses a slot's URL.
SLOTS_PER_UPLOAD: Final = 2

#: File suffix → (kind, MIME type the API lists for it).
SUFFIXES: Final[dict[str, tuple[MediaKind, str]]] = {
    ".png": ("image", "image/png"),
    ".jpg": ("image", "image/jpeg"),
    ".jpeg": ("image", "image/jpeg"),
    ".webp": ("image", "image/webp"),
    ".mp4": ("video", "video/mp4"),
    ".mov": ("video", "video/quicktime"),
    ".mkv": ("video", "video/x-matroska"),
    ".wav": ("audio", "audio/wav"),
    ".mp3": ("audio", "audio/mpeg"),
    ".m4a": ("audio", "audio/mp4"),
    ".ogg": ("audio", "audio/ogg"),
    ".opus": ("audio", "audio/ogg"),
}


@dataclass(frozen=True)
class UploadSlot:
    """The answer of `POST /v1/upload`."""

    upload_url: str
    storage_uri: str
    expires_at: str
    required_headers: Mapping[str, str]


def describe(path: Path) -> tuple[MediaKind, str]:
    """(kind, MIME type) of a local media file, from its suffix."""
    found = SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise RequestValidationError(
            [
                FieldProblem(
                    "path",
                    f"{path.name}: unsupported file type; use one of {', '.join(sorted(SUFFIXES))}",
                    tuple(sorted(SUFFIXES)),
                )
            ]
        )
    return found


def data_uri_length(size: int, mime: str) -> int:
    return len(f"data:{mime};base64,") + 4 * math.ceil(size / 3)


def choose_transport(
    requested: str, *, kind: MediaKind, mime: str, size: int, auto_max: int = AUTO_DATA_URI_MAX
) -> Literal["upload", "data"]:
    """Which way a local file goes; raises `RequestValidationError` when it cannot go that way."""
    if requested not in TRANSPORTS:
        raise RequestValidationError(
            [FieldProblem("transport", f"{requested!r} is not a transport", TRANSPORTS)]
        )
    encoded = data_uri_length(size, mime)
    cap = catalog.DATA_URI_MAX_BYTES[kind]
    if requested == "data":
        if encoded > cap:
            raise RequestValidationError(
                [
                    FieldProblem(
                        "transport",
                        f"as a data: URI this {kind} is {encoded:,} bytes; the API takes at most "
                        f"{cap:,} — use the upload transport",
                        ("upload",),
                    )
                ]
            )
        return "data"
    if requested == "auto" and encoded <= min(cap, auto_max):
        return "data"
    if size > catalog.UPLOAD_MAX_BYTES:
        raise RequestValidationError(
            [
                FieldProblem(
                    "path",
                    f"the file is {size:,} bytes; uploads take at most "
                    f"{catalog.UPLOAD_MAX_BYTES:,}",
                )
            ]
        )
    return "upload"


def _encode(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


async def data_uri(path: Path, mime: str) -> str:
    return await asyncio.to_thread(_encode, path, mime)


def parse_slot(body: Any, *, request_id: str | None) -> UploadSlot:
    def bad(why: str) -> ApiProtocolError:
        return ApiProtocolError(f"unreadable /v1/upload answer: {why}", request_id=request_id)

    if not isinstance(body, Mapping):
        raise bad("not a JSON object")
    fields = {k: body.get(k) for k in ("upload_url", "storage_uri", "expires_at")}
    missing = [k for k, v in fields.items() if not isinstance(v, str) or not v]
    if missing:
        raise bad(f"missing {', '.join(missing)}")
    headers = body.get("required_headers", {})
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise bad("required_headers is not a map of strings")
    return UploadSlot(
        str(fields["upload_url"]),
        str(fields["storage_uri"]),
        str(fields["expires_at"]),
        dict(headers),
    )


async def upload_file(
    loop: RequestLoop,
    path: Path,
    *,
    mime: str,
    size: int,
    slot_timeout: httpx.Timeout,
    put_timeout: httpx.Timeout,
    progress: Progress | None = None,
) -> str:
    """`POST /v1/upload`, then PUT the file to the slot; returns the `storage_uri`."""

    async def read_slot(response: httpx.Response) -> UploadSlot:
        await response.aread()
        try:
            body = response.json()
        except ValueError:
            body = None
        return parse_slot(body, request_id=response.headers.get("x-request-id"))

    slot_call = Call(
        CallKind.UPLOAD_SLOT, "POST", loop.api_url("/v1/upload"), slot_timeout, api=True
    )
    for slot_number in range(1, SLOTS_PER_UPLOAD + 1):
        slot = await loop.run(slot_call, read_slot)
        try:
            check_transport_url(slot.upload_url, what="upload URL")
        except ValueError as exc:
            raise ApiProtocolError(str(exc)) from None
        try:
            await _put(loop, slot, path, mime, size, put_timeout, progress)
        except StorageError as exc:
            if exc.kind is not FailureKind.STORAGE_REFUSED or slot_number == SLOTS_PER_UPLOAD:
                raise
            log.warning("upload slot refused (%s); asking for a new one", exc.message)
            continue
        return slot.storage_uri
    raise AssertionError("unreachable: the last slot returns or raises")  # pragma: no cover


async def _put(
    loop: RequestLoop,
    slot: UploadSlot,
    path: Path,
    mime: str,
    size: int,
    put_timeout: httpx.Timeout,
    progress: Progress | None,
) -> None:
    """PUT the file to the slot's signed URL, with the headers its signature requires."""

    async def chunks() -> AsyncIterator[bytes]:
        sent = 0
        f = await asyncio.to_thread(open, path, "rb")
        try:
            while chunk := await asyncio.to_thread(f.read, CHUNK):
                sent += len(chunk)
                if progress is not None:
                    progress(sent, size)
                yield chunk
        finally:
            f.close()

    def headers() -> dict[str, str]:
        out = {"Content-Type": mime, "Content-Length": str(size)}
        for name, value in slot.required_headers.items():
            # A signed header wins over ours, whatever its case.
            for ours in [k for k in out if k.lower() == name.lower()]:
                del out[ours]
            out[name] = value
        return out

    async def accept(response: httpx.Response) -> None:
        await response.aread()
        if response.status_code == 412:
            log.info("upload PUT sent again answered 412: the first one landed")

    put_call = Call(
        CallKind.UPLOAD_PUT,
        "PUT",
        slot.upload_url,
        put_timeout,
        api=False,
        headers=headers,
        content=chunks,
        # A create-only slot that already holds the object: our earlier attempt got through.
        accept=lambda status, attempt: status == 412 and attempt > 1,
    )
    await loop.run(put_call, accept)
