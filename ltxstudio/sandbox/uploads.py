"""Upload slots: `POST /v1/upload` hands out a pre-signed PUT URL and a `storage_uri`.

The PUT must carry every `required_headers` entry (a GCS-style content-length range of 0 to
209 715 200 bytes, `x-goog-if-generation-match: 0` and an `x-goog-meta-*` tag), and its body must
fit the range. The URL creates the object and can never overwrite it (contract §4): a second PUT
to the slot, such as a retry of a PUT whose answer was lost, gets 412 `PreconditionFailed` and
leaves the object as it was. The object then lives `UPLOAD_LIFETIME_SECONDS` (24 h) and any
`*_uri` field may name it by its `storage_uri`; after that a generation naming it is a 400.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ltxstudio.core.catalog import UPLOAD_MAX_BYTES
from ltxstudio.core.clock import Clock
from ltxstudio.sandbox.counters import Counters
from ltxstudio.sandbox.errors import invalid
from ltxstudio.sandbox.statedb import StateDb
from ltxstudio.sandbox.storage import ObjectStore, Signer, StoredObject
from ltxstudio.sandbox.storage_errors import StorageCode, StorageError, signature_mismatch

RANGE_HEADER = "x-goog-content-length-range"
#: "Only if no live object has this name": generation 0 is GCS's "does not exist".
GENERATION_MATCH_HEADER = "x-goog-if-generation-match"
META_HEADER = "x-goog-meta-ltx-upload-id"
URI_PREFIX = "ltx://uploads/"


@dataclass
class UploadSlot:
    id: str
    url_expires_at: float
    required_headers: dict[str, str]
    completed: bool = False


class Uploads:
    def __init__(
        self,
        clock: Clock,
        store: ObjectStore,
        signer: Signer,
        *,
        url_seconds: float,
        lifetime_seconds: float,
        counters: Counters | None = None,
        db: StateDb | None = None,
    ) -> None:
        self._clock = clock
        self._store = store
        self._signer = signer
        self._url_seconds = url_seconds
        self._lifetime = lifetime_seconds
        self._counters = counters or Counters()
        self._db = db
        self._slots: dict[str, UploadSlot] = {}
        if db is not None:
            for upload_id, expires, headers, completed in db.load_uploads():
                slot = UploadSlot(upload_id, expires, json.loads(headers), bool(completed))
                self._slots[upload_id] = slot

    @property
    def created(self) -> int:
        return self._counters["uploads_created"]

    @property
    def completed(self) -> int:
        return self._counters["uploads_completed"]

    def create(self, storage_base: str) -> dict[str, Any]:
        upload_id = str(uuid.uuid4())
        expires = self._clock.time() + self._url_seconds
        headers = {
            RANGE_HEADER: f"0,{UPLOAD_MAX_BYTES}",
            GENERATION_MATCH_HEADER: "0",
            META_HEADER: upload_id,
        }
        self._slots[upload_id] = UploadSlot(upload_id, expires, headers)
        if self._db is not None:
            with self._db.transaction():
                self._db.insert_upload(upload_id, expires, json.dumps(headers))
                self._counters.add("uploads_created")
        else:
            self._counters.add("uploads_created")
        return {
            "upload_url": self._signer.url(storage_base, "PUT", f"uploads/{upload_id}", expires),
            "storage_uri": URI_PREFIX + upload_id,
            "expires_at": iso(expires),
            "required_headers": headers,
        }

    def check_headers(self, upload_id: str, headers: Mapping[str, str]) -> None:
        """Refuse a PUT that does not carry the slot's required headers, before reading it.

        The required headers are signed with the URL (GCS "signed headers"), so one missing or
        changed fails the signature: 403 `SignatureDoesNotMatch`, naming the header."""
        slot = self._slots.get(upload_id)
        if slot is None:
            raise StorageError(404, StorageCode.NO_SUCH_KEY, "No such upload slot.")
        for name, value in slot.required_headers.items():
            got = headers.get(name)
            if got is None:
                raise signature_mismatch(
                    f"The signed header {name} is missing (send every entry of required_headers)."
                )
            if got.strip() != value:
                raise signature_mismatch(
                    f"The signed header {name} must be {value!r}, not {got!r}."
                )
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > UPLOAD_MAX_BYTES:
            raise _upload_too_large(int(declared))

    def check_absent(self, upload_id: str) -> None:
        """412 when the slot's object exists: the signed URL only creates (contract §4)."""
        if self._store.get(f"uploads/{upload_id}") is not None:
            raise StorageError(
                412,
                StorageCode.PRECONDITION_FAILED,
                f"At least one of the pre-conditions you specified did not hold: "
                f"{GENERATION_MATCH_HEADER}: 0, and the object already exists (an upload URL "
                "creates its object once and never overwrites it).",
            )

    async def receive(self, upload_id: str, data: bytes, content_type: str) -> None:
        if len(data) > UPLOAD_MAX_BYTES:
            raise _upload_too_large(len(data))
        slot = self._slots[upload_id]
        self.check_absent(upload_id)  # again: another PUT may have landed while this one read
        expires = self._clock.time() + self._lifetime
        await self._store.put(f"uploads/{upload_id}", data, content_type, expires)
        if slot.completed:
            return
        slot.completed = True
        if self._db is not None:
            with self._db.transaction():
                self._db.upload_completed(upload_id)
                self._counters.add("uploads_completed")
        else:
            self._counters.add("uploads_completed")

    def prune(self) -> None:
        """Forget slots whose upload can no longer exist (state dirs only; in memory the slots
        stay, as they always have). An upload lives `lifetime` after a PUT made before its URL
        expired, so twice that after the URL's expiry nothing is left to name."""
        if self._db is None:
            return
        horizon = self._clock.time() - 2 * self._lifetime
        for slot in [s for s in self._slots.values() if s.url_expires_at < horizon]:
            self._store.discard(f"uploads/{slot.id}")
            self._db.delete_upload(slot.id)
            del self._slots[slot.id]

    def resolve(self, field: str, uri: str) -> StoredObject:
        upload_id = uri.removeprefix(URI_PREFIX)
        slot = self._slots.get(upload_id)
        if slot is None:
            raise invalid(f"{field}: unknown storage_uri {uri!r}")
        obj = self._store.get(f"uploads/{upload_id}")
        if obj is None:
            if not slot.completed:
                raise invalid(f"{field}: nothing was uploaded to {uri!r} (PUT the file first)")
            raise invalid(
                f"{field}: the upload {uri!r} has expired (an uploaded file lives "
                f"{span(self._lifetime)}); upload the file again"
            )
        return obj


def span(seconds: float) -> str:
    """A duration as people say it: `24 h`, `10 min`, `90 s`."""
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def iso(epoch: float) -> str:
    """ISO 8601 in UTC with a `Z`, second precision plus milliseconds."""
    stamp = datetime.fromtimestamp(epoch, tz=UTC)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _upload_too_large(size: int) -> StorageError:
    # GCS: a body outside the signed x-goog-content-length-range is a 400, not a 413.
    return StorageError(
        400,
        StorageCode.ENTITY_TOO_LARGE,
        f"Your proposed upload is larger than the maximum object size specified in your policy: "
        f"{size} bytes; {RANGE_HEADER} allows 0 to {UPLOAD_MAX_BYTES} bytes (200 MB).",
    )
