"""Fetching `*_uri` inputs: `storage_uri` (ltx://uploads/…), `data:` URIs and URLs.

The sandbox is offline: an https URL is refused at once with a clear 400 rather than hanging on
a fetch, except the sandbox's own signed storage URLs (a previous result, say), which it serves
from memory the way the real API can read its own bucket. Size caps follow API-NOTES §7.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

from ltxstudio.core.catalog import AUDIO_MIME, DATA_URI_MAX_BYTES, IMAGE_MIME, MB, VIDEO_MIME
from ltxstudio.core.clock import Clock
from ltxstudio.sandbox.errors import invalid, too_large
from ltxstudio.sandbox.storage import STORAGE_PREFIX, ObjectStore, Signer
from ltxstudio.sandbox.storage_errors import StorageError
from ltxstudio.sandbox.uploads import URI_PREFIX, Uploads


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


_MIME: dict[MediaKind, tuple[str, ...]] = {
    MediaKind.IMAGE: IMAGE_MIME,
    MediaKind.VIDEO: VIDEO_MIME,
    MediaKind.AUDIO: AUDIO_MIME,
}


@dataclass(frozen=True)
class Fetched:
    data: bytes
    mime: str | None


class InputFetcher:
    def __init__(self, uploads: Uploads, store: ObjectStore, signer: Signer, clock: Clock) -> None:
        self._uploads = uploads
        self._store = store
        self._signer = signer
        self._clock = clock

    def fetch(self, field: str, uri: str, kind: MediaKind) -> Fetched:
        if uri.startswith("ltx://"):
            if not uri.startswith(URI_PREFIX):
                raise invalid(f"{field}: unknown storage_uri {uri!r}")
            obj = self._uploads.resolve(field, uri)
            return Fetched(obj.read(), obj.content_type)
        if uri[:5].lower() == "data:":
            return _data_uri(field, uri, kind)
        scheme = urlsplit(uri).scheme.lower()
        if scheme in ("http", "https"):
            own = self._own_object(uri)
            if own is not None:
                return own
            if scheme == "http":
                raise invalid(
                    f"{field}: only https URLs are accepted, not {_host(uri)!r} over http"
                )
            raise invalid(
                f"{field}: the sandbox is offline and does not fetch URLs ({_host(uri)}); upload "
                "the file with POST /v1/upload and pass its storage_uri, or send a data: URI"
            )
        raise invalid(
            f"{field} must be a storage_uri (ltx://uploads/…), a data: URI or an https URL"
        )

    def _own_object(self, uri: str) -> Fetched | None:
        parts = urlsplit(uri)
        if not parts.path.startswith(STORAGE_PREFIX + "/"):
            return None
        key = parts.path.removeprefix(STORAGE_PREFIX + "/")
        query = dict(parse_qsl(parts.query))
        try:
            self._signer.check("GET", key, query, self._clock.time())
        except StorageError:
            return None
        obj = self._store.get(key)
        return Fetched(obj.read(), obj.content_type) if obj is not None else None


def _host(uri: str) -> str:
    return urlsplit(uri).hostname or uri[:40]


def _data_uri(field: str, uri: str, kind: MediaKind) -> Fetched:
    limit = DATA_URI_MAX_BYTES[kind.value]
    if len(uri) > limit:
        raise too_large(
            f"{field}: the {kind.value} data URI is {len(uri) / MB:.1f} MB encoded; "
            f"the limit is {limit // MB} MB (upload larger files with POST /v1/upload)"
        )
    header, sep, payload = uri[5:].partition(",")
    if not sep:
        raise invalid(f"{field}: a data URI looks like data:<mime>;base64,<data>")
    params = header.split(";")
    mime = params[0].strip().lower()
    if "base64" not in (p.strip().lower() for p in params[1:]):
        raise invalid(f"{field}: the data URI must be base64-encoded (data:<mime>;base64,…)")
    allowed = _MIME[kind]
    if mime not in allowed:
        raise invalid(
            f"{field}: data URI type {mime or '(none)'!r} is not a supported {kind.value} type; "
            f"use {', '.join(allowed)}"
        )
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"{field}: the data URI is not valid base64") from None
    return Fetched(data, mime)
