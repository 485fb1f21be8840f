"""Object storage behind pre-signed URLs, like the GCS bucket the real API uses.

Uploads (`uploads/<id>`) and results (`results/<job id>.<ext>`) live here: in memory, or, with a
state dir, as files (`blobs.py`) indexed in its database, served from disk. URLs carry an HMAC
signature and an expiry in the query string, never the API key: the storage routes refuse any
request that carries an `Authorization` header, which catches clients that leak the key to the
storage host (API-NOTES §3.8). Its refusals are storage's own XML (`storage_errors.py`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from ltxstudio.core.clock import Clock
from ltxstudio.sandbox.blobs import BlobDir
from ltxstudio.sandbox.statedb import StateDb
from ltxstudio.sandbox.storage_errors import (
    StorageCode,
    StorageError,
    access_denied,
    expired,
    signature_mismatch,
)

STORAGE_PREFIX = "/_sandbox/storage"


@dataclass
class StoredObject:
    content_type: str
    expires_at: float  # wall-clock seconds (Clock.time)
    etag: str
    size: int
    data: bytes | None = None  # held in memory (no state dir) …
    path: Path | None = None  # … or a file in the state dir

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


def new_signing_secret() -> bytes:
    return secrets.token_bytes(32)


class Signer:
    def __init__(self, secret: bytes | None = None) -> None:
        # A state dir keeps its secret, so URLs handed out before a restart still verify.
        self._secret = secret or new_signing_secret()

    def signature(self, method: str, key: str, expires: int) -> str:
        message = f"{method.upper()}\n{key}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def url(self, base_url: str, method: str, key: str, expires: float) -> str:
        stamp = int(expires)
        query = urlencode({"expires": stamp, "signature": self.signature(method, key, stamp)})
        return f"{base_url.rstrip('/')}{STORAGE_PREFIX}/{key}?{query}"

    def check(self, method: str, key: str, query: dict[str, str], now: float) -> None:
        """Raise storage's refusal unless the query carries a valid, unexpired signature for this
        call: 403 AccessDenied when unsigned, 403 SignatureDoesNotMatch when it does not verify,
        400 ExpiredToken when it verified but its time is up."""
        try:
            expires = int(query.get("expires", ""))
        except ValueError:
            raise access_denied(
                "Anonymous caller does not have access: the URL is not signed."
            ) from None
        given = query.get("signature", "")
        if not hmac.compare_digest(given, self.signature(method, key, expires)):
            raise signature_mismatch(f"(It does not sign this {method.upper()} of {key}.)")
        if now > expires:
            stamp = datetime.fromtimestamp(expires, tz=UTC).isoformat().replace("+00:00", "Z")
            raise expired(stamp)


class ObjectStore:
    def __init__(
        self, clock: Clock, blobs: BlobDir | None = None, db: StateDb | None = None
    ) -> None:
        assert (blobs is None) == (db is None), "files and their index go together"
        self._clock = clock
        self._blobs = blobs
        self._db = db
        self._objects: dict[str, StoredObject] = {}
        if blobs is not None and db is not None:
            for key, content_type, size, etag, expires_at in db.load_objects():
                path = blobs.object_path(key)
                self._objects[key] = StoredObject(content_type, expires_at, etag, size, path=path)

    async def put(self, key: str, data: bytes, content_type: str, expires_at: float) -> None:
        """Store `data`; with a state dir the file is written (off the loop) before its row."""
        etag = hashlib.sha256(data).hexdigest()[:32]
        if self._blobs is None or self._db is None:
            self._objects[key] = StoredObject(content_type, expires_at, etag, len(data), data)
            return
        await asyncio.to_thread(self._blobs.write_object, key, data)
        self._db.put_object(key, content_type, len(data), etag, expires_at)
        path = self._blobs.object_path(key)
        self._objects[key] = StoredObject(content_type, expires_at, etag, len(data), path=path)

    def get(self, key: str) -> StoredObject | None:
        obj = self._objects.get(key)
        if obj is not None and self._clock.time() > obj.expires_at:
            self._drop(key)
            return None
        if obj is not None and obj.path is not None and not obj.path.is_file():
            return None  # removed behind our back (another process's retention, a user)
        return obj

    def sweep(self) -> None:
        now = self._clock.time()
        for key in [k for k, o in self._objects.items() if now > o.expires_at]:
            self._drop(key)

    def discard(self, key: str) -> None:
        """Remove an object, and with a state dir any file left under its key without a row
        (a write the process died in the middle of)."""
        if self._blobs is not None and self._db is not None:
            if not self._blobs.delete_object(key):
                return
            self._db.delete_object(key)
        self._objects.pop(key, None)

    def _drop(self, key: str) -> None:
        if self._blobs is not None and self._db is not None:
            # The row goes only with the file, so a file Windows keeps open is retried later.
            if not self._blobs.delete_object(key):
                return
            self._db.delete_object(key)
        self._objects.pop(key, None)

    def __len__(self) -> int:
        return len(self._objects)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte span a single-range `Range` header asks for; None means "all".

    Raises 416 when the span is unsatisfiable; multi-range requests are served whole (allowed by
    RFC 9110 §14.2).
    """
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        length = int(last)
        if length == 0:
            raise _unsatisfiable(size)
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise _unsatisfiable(size)
    return start, end


def _unsatisfiable(size: int) -> StorageError:
    return StorageError(
        416,
        StorageCode.INVALID_RANGE,
        f"The requested range cannot be satisfied: the object has bytes 0-{size - 1}.",
        headers={"Content-Range": f"bytes */{size}"},  # RFC 9110 §15.5.17
    )
