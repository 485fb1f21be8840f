"""The vocabulary the API client speaks and the job engine understands.

`ltxstudio.api` produces these (its errors subclass `ApiFailure`, its statuses are `JobStatus`),
`ltxstudio.jobs` consumes them through its ports without importing the client, and the two stay
siblings. Matching on `FailureKind` and on the `JobStatus` variants is exhaustive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.errors import LtxStudioError

#: `(bytes_done, bytes_total or None)`, called as an upload or download advances.
Progress = Callable[[int, int | None], None]

#: The backend name of the offline emulator; every other backend is a live API's base URL.
SANDBOX_BACKEND = "sandbox"


def simulated(backend: str) -> bool:
    """Whether work on `backend` is the sandbox's: simulated clips, play money."""
    return backend == SANDBOX_BACKEND


class ResultKey(StrEnum):
    """What a completed job's result map holds (contract §3): a video, or HDR's EXR frames."""

    VIDEO = "video_url"
    EXR_FRAMES = "exr_frames_url"

    @property
    def suffix(self) -> str:
        """The file name ending a downloaded result gets."""
        return ".mp4" if self is ResultKey.VIDEO else ".exr.zip"


@dataclass(frozen=True)
class JobRef:
    """A v2 job as the API knows it: enough to poll it again after a restart."""

    endpoint: Endpoint
    id: str
    created_at: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class Downloaded:
    """A result on disk under its final name, verified."""

    path: Path
    size: int
    sha256: str
    content_type: str | None = None
    request_id: str | None = None


class FailureKind(StrEnum):
    """What went wrong, by what the engine must do about it."""

    AUTHENTICATION = "authentication"  # 401: nothing works until the key is fixed
    #: 403 permission_error: this endpoint is not available for this account (the key is fine):
    #: that job fails, the queue goes on.
    PERMISSION = "permission"
    INSUFFICIENT_FUNDS = "insufficient_funds"  # 402: pause the queue, say how much is needed
    PAYMENT_DECLINED = "payment_declined"  # 402 payment_declined_error: pause, own sentence
    INVALID_REQUEST = "invalid_request"  # 400: this request will never work as is
    REQUEST_TOO_LARGE = "request_too_large"  # 413
    CONTENT_FILTERED = "content_filtered"  # 422: the same input fails again
    NOT_FOUND = "not_found"  # 404: job or result expired (24 h) or never existed
    #: 429 rate_limit_error: on a v2 submit, the organisation's queue of waiting jobs is full
    RATE_LIMITED = "rate_limited"
    CONCURRENCY_LIMITED = "concurrency_limited"  # 429 concurrency_limit_error: fewer at once
    SERVER = "server"  # 5xx, 529: transient on reads; on a submit, a definite refusal
    TIMEOUT = "timeout"  # no answer in time (reads only; a submit becomes OUTCOME_UNKNOWN)
    CONNECTION = "connection"  # could not reach the server: nothing was sent
    OUTCOME_UNKNOWN = "outcome_unknown"  # a submit may or may not have been accepted (billed)
    PROTOCOL = "protocol"  # an answer we do not understand (unknown status, bad body)
    #: A signed storage URL refused us (expired, denied, gone: 4xx from the storage host, in its
    #: own format). Says nothing about the key: ask the API for a fresh URL, or upload again.
    STORAGE_REFUSED = "storage_refused"


@dataclass(frozen=True)
class Pending:
    pass


@dataclass(frozen=True)
class Processing:
    pass


@dataclass(frozen=True)
class Completed:
    #: What the job made → its signed URL (`video_url`; HDR: `exr_frames_url`).
    result: Mapping[ResultKey, str]
    completed_at: str | None = None


@dataclass(frozen=True)
class Failed:
    error_type: str
    message: str
    completed_at: str | None = None
    #: What the engine does about it: the same kinds a submit's refusal has (a 402 holds the
    #: queue, a 422 or 403 fails the job); anything unknown is a failed render.
    kind: FailureKind = FailureKind.SERVER


JobStatus = Pending | Processing | Completed | Failed


@dataclass(frozen=True)
class FailureInfo:
    """A failure as stored on a job: plain data, safe to journal and to show."""

    kind: FailureKind
    message: str
    status: int | None = None
    error_type: str | None = None
    request_id: str | None = None


class ApiFailure(LtxStudioError):
    """Base of every error the API client raises on purpose; `kind` says what to do about it."""

    kind: FailureKind = FailureKind.PROTOCOL

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_type = error_type
        self.request_id = request_id
        self.retry_after = retry_after
        self.details: Mapping[str, object] = dict(details or {})

    def info(self) -> FailureInfo:
        return FailureInfo(self.kind, self.message, self.status, self.error_type, self.request_id)

    def __str__(self) -> str:
        suffix = f" (x-request-id {self.request_id})" if self.request_id else ""
        return f"{self.message}{suffix}"
