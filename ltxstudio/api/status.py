"""v2 job handles and statuses, and what a finished download is.

`JobStatus` is a sum type — `Pending | Processing | Completed | Failed` — matched with `match` +
`assert_never`. The wire `status` is parsed strictly: an unknown value raises `ApiProtocolError`
rather than being guessed at (a silent "success" on a new status would lose a paid result; a
silent "failure" would drop one). The job engine keeps such a job resumable. The types live in
`core.remote`, the vocabulary the client and the job engine share without importing each other.

A `JobRef` is all it takes to find a job again: `(endpoint, id)`. Persist those two before
anything else; after a restart `LtxClient.handle_for(endpoint, id)` rebuilds the handle.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, assert_never

from ltxstudio.api._errors import ApiProtocolError, job_failure_error
from ltxstudio.core.remote import (
    Completed,
    Downloaded,
    Failed,
    FailureKind,
    JobRef,
    JobStatus,
    Pending,
    Processing,
    ResultKey,
)

_KNOWN: Final = ("pending", "processing", "completed", "failed")
_RESULT_KEYS: Final = frozenset(k.value for k in ResultKey)


def is_terminal(status: JobStatus) -> bool:
    match status:
        case Pending() | Processing():
            return False
        case Completed() | Failed():
            return True
        case _:
            assert_never(status)


def status_name(status: JobStatus) -> str:
    match status:
        case Pending():
            return "pending"
        case Processing():
            return "processing"
        case Completed():
            return "completed"
        case Failed():
            return "failed"
        case _:
            assert_never(status)


def parse_status(body: Any, *, request_id: str | None = None) -> JobStatus:
    """The status in a `GET /v2/{endpoint}/{id}` body; raises `ApiProtocolError` on anything
    that is not one of the four documented shapes."""

    def bad(why: str) -> ApiProtocolError:
        return ApiProtocolError(f"unreadable job status: {why}", request_id=request_id)

    if not isinstance(body, Mapping):
        raise bad("the body is not a JSON object")
    wire = body.get("status")
    if wire == "pending":
        return Pending()
    if wire == "processing":
        return Processing()
    completed_at = body.get("completed_at")
    if completed_at is not None and not isinstance(completed_at, str):
        raise bad("completed_at is not a string")
    if wire == "completed":
        result = body.get("result")
        if not isinstance(result, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in result.items()
        ):
            raise bad("a completed job needs a result map of label -> URL")
        known = {ResultKey(k): v for k, v in result.items() if k in _RESULT_KEYS}
        if not known:
            # A key we do not know could be a paid result we would not collect: say so loudly
            # (the job stays resumable) rather than finish the job with nothing.
            raise bad(f"a completed job with no result we know: {', '.join(result) or 'none'}")
        return Completed(MappingProxyType(known), completed_at)
    if wire == "failed":
        error = body.get("error")
        if not isinstance(error, Mapping):
            raise bad("a failed job needs an error object")
        error_type, message = error.get("type"), error.get("message")
        if not isinstance(error_type, str) or not isinstance(message, str):
            raise bad("a failed job's error needs string type and message")
        kind = job_failure_error(error_type, message, request_id=request_id).kind
        # A type we do not know is still a render that failed, not an answer we cannot read.
        return Failed(
            error_type,
            message,
            completed_at,
            FailureKind.SERVER if kind is FailureKind.PROTOCOL else kind,
        )
    raise bad(f"unknown status {wire!r}; known: {', '.join(_KNOWN)}")


__all__ = [
    "Completed",
    "Downloaded",
    "Failed",
    "JobRef",
    "JobStatus",
    "Pending",
    "Processing",
    "is_terminal",
    "parse_status",
    "status_name",
]
