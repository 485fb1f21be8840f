"""In-memory object storage behind pre-signed URLs, like the GCS bucket the real API uses.

Uploads (`uploads/<id>`) and results (`results/<job id>.<ext>`) live here. URLs carry an HMAC
signature and an expiry in the query string, never the API key: the storage routes refuse any
request that carries an `Authorization` header, which catches clients that leak the key to the
storage host (API-NOTES §3.8).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from ltxstudio.core.clock import Clock
from ltxstudio.sandbox.errors import ApiError, ErrorType

STORAGE_PREFIX = "/_sandbox/storage"
BUCKETS = ("uploads", "results")


@dataclass
class StoredObject:
    data: bytes
    content_type: str
    expires_at: float  # wall-clock seconds (Clock.time)
    etag: str = ""


class Signer:
    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def signature(self, method: str, key: str, expires: int) -> str:
        message = f"{method.upper()}\n{key}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def url(self, base_url: str, method: str, key: str, expires: float) -> str:
        stamp = int(expires)
        query = urlencode({"expires": stamp, "signature": self.signature(method, key, stamp)})
        return f"{base_url.rstrip('/')}{STORAGE_PREFIX}/{key}?{query}"

    def check(self, method: str, key: str, query: dict[str, str], now: float) -> None:
        """Raise 403 unless the query carries a valid, unexpired signature for this call."""
        try:
            expires = int(query.get("expires", ""))
        except ValueError:
            raise _denied("the URL is not signed (expires is missing)") from None
        given = query.get("signature", "")
        if not hmac.compare_digest(given, self.signature(method, key, expires)):
            raise _denied(f"the signature does not match this {method.upper()} request")
        if now > expires:
            raise _denied("the signed URL has expired")


class ObjectStore:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._objects: dict[str, StoredObject] = {}

    def put(self, key: str, data: bytes, content_type: str, expires_at: float) -> None:
        etag = hashlib.sha256(data).hexdigest()[:32]
        self._objects[key] = StoredObject(data, content_type, expires_at, etag)

    def get(self, key: str) -> StoredObject | None:
        obj = self._objects.get(key)
        if obj is not None and self._clock.time() > obj.expires_at:
            del self._objects[key]
            return None
        return obj

    def sweep(self) -> None:
        now = self._clock.time()
        for key in [k for k, o in self._objects.items() if now > o.expires_at]:
            del self._objects[key]

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


def _denied(message: str) -> ApiError:
    return ApiError(403, ErrorType.PERMISSION, message)


def _unsatisfiable(size: int) -> ApiError:
    return ApiError(
        416, ErrorType.RANGE_NOT_SATISFIABLE, f"the requested range is outside 0-{size - 1}"
    )
