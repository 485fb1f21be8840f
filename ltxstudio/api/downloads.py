"""Fetch a result to disk safely: `<name>.part` → verify → atomic rename to `<name>`.

- The body streams to `<name>.part` in the target folder (same filesystem, so the final
  `os.replace` is atomic); the final name only ever holds a complete, verified file.
- A dropped connection resumes with `Range: bytes=N-` (plus `If-Range` when the server gave a
  validator); a server that answers 200 instead of 206 is followed from byte 0.
- Verification: the byte count against `Content-Length`/`Content-Range`, then a structural
  MP4/ZIP check (`_containers.py`). SHA-256 is computed while writing.
- Writing, hashing, fsync and the rename run in worker threads, never on the event loop (the
  UI thread in the app): a 1 GB result must not cost the window its frames.
- On failure or cancellation the `.part` is deleted, with one exception: when the storage host
  refuses the URL itself (it expired or was denied, contract §5) after part of the object
  arrived, the `.part` and the object's strong validator (ETag) are kept in `partials`, so a
  download from the fresh URL the API hands out next resumes with `Range` + `If-Range`; a 206
  that does not carry the same ETag (another object) is refused and the download starts over.
  A partial without a validator is never resumed: it could splice two different files.
- Result URLs are pre-signed third-party URLs: fetched without the API key, following redirects.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import threading
from pathlib import Path
from typing import BinaryIO, Final

import httpx

from ltxstudio.api._containers import Container, container_problem
from ltxstudio.api._errors import ApiProtocolError, DownloadVerificationError, StorageError
from ltxstudio.api._logging import log
from ltxstudio.api._request_loop import Call, RequestLoop
from ltxstudio.api._retry import CallKind
from ltxstudio.api._urls import redact_url
from ltxstudio.api.status import Downloaded
from ltxstudio.core import failpoints
from ltxstudio.core.fsutil import fsync_dir

#: `(done_bytes, total_bytes or None)`; called from the event loop, keep it cheap.
from ltxstudio.core.remote import (
    FailureKind,
    Progress,
)

_CONTENT_RANGE: Final = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)


#: Bytes handed to the writer thread at once: big enough that hand-offs are rare, small enough
#: that memory stays flat (a download holds at most two batches: one writing, one filling).
WRITE_BATCH: Final = 1 << 20


class PartFile:
    """`<dest>.part`, written sequentially and hashed as it grows.

    Chunks are gathered into batches that a worker thread writes and hashes, one batch at a
    time, while the event loop receives the next: disk and SHA-256 work then runs beside the
    transfer (on another core) instead of on the loop, which in the app is the UI thread.
    `size` counts every byte accepted, written yet or not; the file holds them in order.
    """

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.part = dest.with_name(dest.name + ".part")
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Held open across awaits for the whole transfer, so not a `with` block.
        self._file: BinaryIO | None = open(self.part, "wb")  # noqa: SIM115
        self._hash = hashlib.sha256()
        self.size = 0
        self._batch: list[bytes] = []
        self._batched = 0
        self._writing: asyncio.Future[None] | None = None
        self._lock = threading.Lock()  # held by the worker while it writes a batch

    async def write(self, chunk: bytes) -> None:
        self._batch.append(chunk)
        self._batched += len(chunk)
        self.size += len(chunk)
        if self._batched >= WRITE_BATCH:
            await self._hand_off()

    async def _hand_off(self) -> None:
        """Wait for the batch being written (its error surfaces here), then start this one."""
        await self._drain()
        batch, self._batch, self._batched = self._batch, [], 0
        if batch:
            self._writing = asyncio.ensure_future(asyncio.to_thread(self._write_batch, batch))

    async def _drain(self) -> None:
        writing, self._writing = self._writing, None
        if writing is not None:
            await writing

    def _write_batch(self, batch: list[bytes]) -> None:
        # One write and one hash update per batch: each releases the GIL, and getting it back
        # while the loop thread runs Python can take a whole switch interval (5 ms), so a
        # call per 64 KiB chunk would make this thread, not the network, set the pace.
        data = b"".join(batch)
        with self._lock:
            if self._file is None:
                return  # discarded while this batch waited for a thread
            self._file.write(data)
            self._hash.update(data)

    @classmethod
    async def resumed(cls, dest: Path) -> PartFile:
        """The `.part` an earlier call kept, opened to append, its bytes hashed again."""

        def reopen() -> PartFile:
            part = cls.__new__(cls)
            part.dest, part.part = dest, dest.with_name(dest.name + ".part")
            part._hash = hashlib.sha256()
            with open(part.part, "rb") as old:
                for block in iter(lambda: old.read(WRITE_BATCH), b""):
                    part._hash.update(block)
            part.size = part.part.stat().st_size
            part._file = open(part.part, "ab")  # noqa: SIM115 - held across awaits
            part._batch, part._batched, part._writing = [], 0, None
            part._lock = threading.Lock()
            return part

        return await asyncio.to_thread(reopen)

    async def keep(self) -> None:
        """Write what is buffered, close the `.part` and leave it for a later call to resume."""
        await self._hand_off()
        await self._drain()
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    async def restart(self) -> None:
        await self._drain()
        assert self._file is not None
        self._batch, self._batched = [], 0
        self._file.seek(0)
        self._file.truncate()
        self._hash = hashlib.sha256()
        self.size = 0

    async def commit(self, *, expected_size: int | None, container: Container | None) -> str:
        """Flush, verify and rename to the final name; returns the SHA-256 hex digest."""
        assert self._file is not None
        if expected_size is not None and self.size != expected_size:
            raise DownloadVerificationError(
                f"{self.dest.name}: got {self.size} bytes, the server announced {expected_size}"
            )
        await self._hand_off()
        await self._drain()
        await asyncio.to_thread(self._sync_close)
        problem = await asyncio.to_thread(container_problem, self.part, container)
        if problem is not None:
            raise DownloadVerificationError(f"{self.dest.name}: {problem}")
        failpoints.hit("before-rename")
        await asyncio.to_thread(self._publish)
        return self._hash.hexdigest()

    def _sync_close(self) -> None:
        assert self._file is not None
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None

    def _publish(self) -> None:
        self.part.replace(self.dest)  # atomic: same directory, same filesystem
        fsync_dir(self.dest.parent)

    def discard(self) -> None:
        writing, self._writing = self._writing, None
        if writing is not None:
            # Its error, if any, is moot now; reading it keeps asyncio from reporting it.
            writing.add_done_callback(lambda f: f.cancelled() or f.exception())
        with self._lock:  # a batch being written finishes first (at most WRITE_BATCH bytes)
            if self._file is not None:
                self._file.close()
                self._file = None
        self.part.unlink(missing_ok=True)


async def stream_body(
    response: httpx.Response, part: PartFile, total: int | None, progress: Progress | None
) -> None:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise ApiProtocolError(f"unexpected Content-Encoding {encoding!r} on a media download")
    # Range offsets count stored bytes, so nothing may be decoded on the way: with the
    # encoding checked to be identity, aiter_bytes yields exactly the bytes on the wire.
    async for chunk in response.aiter_bytes():
        await part.write(chunk)
        if progress is not None:
            progress(part.size, total)
    if total is not None and part.size < total:
        # Over a socket h11 reports a short body itself; an in-process app cannot, so say it
        # the same way: a cut transfer, which a download resumes and a submit cannot.
        raise httpx.RemoteProtocolError(
            f"the body ended after {part.size} of {total} bytes", request=response.request
        )


def content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    return int(value) if value is not None and value.strip().isdigit() else None


async def download(
    loop: RequestLoop,
    url: str,
    dest: Path,
    *,
    http_timeout: httpx.Timeout,
    progress: Progress | None = None,
    expected: Container | None = None,
    job_id: str | None = None,
    partials: dict[Path, str] | None = None,
) -> Downloaded:
    """Download `url` to `dest` (see the module docstring). `expected` None = sniff MP4/ZIP.

    `partials` (dest → ETag) holds the partial downloads kept for resuming from another URL of
    the same object; the caller keeps it between calls."""
    kept = partials.pop(dest, None) if partials is not None else None
    part_path = dest.with_name(dest.name + ".part")
    if kept is not None and part_path.exists():
        part = await PartFile.resumed(dest)
        log.info("resuming %s at byte %d from a fresh URL", dest.name, part.size)
    else:
        part, kept = PartFile(dest), None
    # ETag (strong) or Last-Modified of the object, for If-Range; a kept partial's ETag first.
    validator: list[str] = [kept] if kept else []
    content_type: list[str | None] = [None]

    def headers() -> dict[str, str]:
        out = {"Accept-Encoding": "identity"}
        if part.size:
            out["Range"] = f"bytes={part.size}-"
            if validator:
                out["If-Range"] = validator[0]
        return out

    async def handle(response: httpx.Response) -> int | None:
        if response.status_code == 206:
            etag = response.headers.get("etag")
            if kept and etag is not None and etag != kept:
                # If-Range should have made this a 200; a host that ignores it sent us part of
                # another object. Never splice: the caller fetches the whole object again.
                raise DownloadVerificationError(
                    f"{dest.name}: the new URL serves another object (ETag {etag}, had {kept})"
                )
            total = _resumed_total(response, part.size)
        else:
            if part.size:
                await part.restart()  # the server sent the whole file again
            total = content_length(response)
        if not validator:
            etag = response.headers.get("etag")
            strong = etag if etag and not etag.startswith("W/") else None
            found = strong or response.headers.get("last-modified")
            if found:
                validator.append(found)
        content_type[0] = response.headers.get("content-type")
        await stream_body(response, part, total, progress)
        return total

    call = Call(
        CallKind.DOWNLOAD,
        "GET",
        url,
        http_timeout,
        api=False,
        headers=headers,
        job_id=job_id,
        follow_redirects=True,
        progress=lambda: part.size,
    )
    try:
        total = await loop.run(call, handle)
        sha256 = await part.commit(expected_size=total, container=expected)
    except StorageError as exc:
        strong = validator[0] if validator and validator[0].startswith('"') else None
        if (
            partials is not None
            and exc.kind is FailureKind.STORAGE_REFUSED
            and strong
            and part.size
        ):
            await part.keep()  # the URL died, not the object: resume it from the next URL
            partials[dest] = strong
        else:
            part.discard()
        raise
    except BaseException:
        part.discard()
        raise
    return Downloaded(dest, part.size, sha256, content_type[0])


def _resumed_total(response: httpx.Response, offset: int) -> int | None:
    found = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
    if found is None:
        raise ApiProtocolError(
            f"206 without a readable Content-Range from {redact_url(str(response.url))}"
        )
    start = int(found.group(1))
    if start != offset:
        raise ApiProtocolError(f"asked to resume at byte {offset}, the server sent from {start}")
    return None if found.group(3) == "*" else int(found.group(3))
