# Over 400 lines on purpose: the error taxonomy and its one wire-to-class mapping read as one.
"""Everything the client raises, keyed by the API's `error.type` so callers catch by meaning.

::

    core.remote.ApiFailure                 kind (what the engine does), message, status,
    │                                      error_type, request_id, retry_after, details
    └── ApiError                           + hint
        ├── RequestValidationError         rejected before any network call: field, allowed
        ├── ApiConnectionError             no connection (from a submit: nothing was sent)
        │   └── ApiTimeoutError            read/write timeout of a safe call
        ├── SubmitOutcomeUnknown           a generation POST that may have created a job;
        │                                  never re-sent automatically (see _retry.py)
        ├── ApiProtocolError               an answer we cannot read (body, status value)
        ├── DownloadVerificationError      a downloaded file failed its size/format check
        ├── StorageError                   a signed-URL storage host answered an error in its
        │                                  own format (XML: ExpiredToken, AccessDenied, …);
        │                                  never about the API key
        └── ApiStatusError                 the server answered with an error status
            ├── InvalidRequestError        400 invalid_request_error
            ├── AuthenticationError        401 authentication_error
            ├── PermissionDeniedError      403 permission_error: not available for the account
            ├── InsufficientFundsError     402 insufficient_funds_error: required_amount/unit
            │   └── PaymentDeclinedError   402 payment_declined_error
            ├── NotFoundError              404 not_found_error (unknown, or expired after 24 h)
            ├── RequestTooLargeError       413 request_too_large
            ├── ContentFilteredError       422 content_filtered_error
            ├── LimitError                 429, with retry_after
            │   ├── RateLimitError         rate_limit_error: on v2, the organisation's queue of
            │   │                          waiting jobs is full ("Queue limit exceeded")
            │   └── ConcurrencyLimitError  concurrency_limit_error: too many running jobs
            └── ServerError                5xx: api_error, service_unavailable_error (503),
                                           overloaded_error (529), gateway 502/504

Each class sets `kind` (`core.remote.FailureKind`), which is all the job engine matches on.
The API's `error.type` wins over the status when both are present and disagree; an answer
without the envelope (413 from infrastructure, a proxy's HTML 502) is classified by status.
Server messages are kept verbatim for display (a 402's unit is never converted).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ltxstudio.core.remote import ApiFailure, FailureKind
from ltxstudio.core.request import FieldProblem, InvalidRequest


class ApiError(ApiFailure):
    """Base of every error the API client raises on purpose.

    An `ApiFailure` (core's vocabulary, so the job engine can match on `kind` without importing
    the client) plus a `hint` a user can act on.
    """

    kind = FailureKind.PROTOCOL

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        details: Mapping[str, object] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(
            message,
            status=status,
            error_type=error_type,
            request_id=request_id,
            retry_after=retry_after,
            details=details,
        )
        self.hint = hint

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        if self.status is not None:
            text = f"{text} [HTTP {self.status}]"
        if self.request_id:
            text = f"{text} (x-request-id {self.request_id})"
        return text


class RequestValidationError(InvalidRequest, ApiError):
    """A request that cannot succeed, caught before any network call.

    The client's face of `core.request.InvalidRequest` (so one `except` catches both): `field`
    and `allowed` describe the first problem; `problems` lists them all. It is a `ValueError`,
    which is what the job engine treats as "this request will never work".
    """

    kind = FailureKind.INVALID_REQUEST

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__(list(problems))  # InvalidRequest, then ApiError with its message


class ApiConnectionError(ApiError):
    """The server could not be reached, or a safe call's connection failed. From a submit it
    always means nothing was sent: a submit that may have been sent raises
    `SubmitOutcomeUnknown` instead."""

    kind = FailureKind.CONNECTION


class ApiTimeoutError(ApiConnectionError):
    """A read or write timeout on a safe call (poll, download, upload)."""

    kind = FailureKind.TIMEOUT


class SubmitOutcomeUnknown(ApiError):
    """A generation request that may or may not have created a (billable) job.

    Raised instead of re-sending, because the API has no idempotency key. The job engine marks
    such a job "outcome unknown — check before resubmitting" and never resubmits it itself.
    """

    kind = FailureKind.OUTCOME_UNKNOWN

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        status: int | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message,
            status=status,
            error_type=error_type,
            request_id=request_id,
            hint="the job may still run and be billed; check before submitting it again",
        )
        self.endpoint = endpoint


class StorageError(ApiError):
    """A pre-signed storage URL (an upload PUT, a result download) answered an error.

    Storage hosts answer in their own format (XML with a `Code`, e.g. `ExpiredToken` 400,
    `AccessDenied` 403, `NoSuchKey` 404, `PreconditionFailed` 412; contract §5) and know nothing
    of the API key: a 4xx here means *this URL* is dead (`STORAGE_REFUSED`: get a fresh one),
    a 5xx a passing fault of the host (`SERVER`).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message,
            status=status,
            error_type=code,
            request_id=request_id,
            retry_after=retry_after,
            details={"storage_code": code} if code else None,
        )
        self.code = code
        self.kind = FailureKind.SERVER if status >= 500 else FailureKind.STORAGE_REFUSED


class ApiProtocolError(ApiError):
    """An answer the client cannot interpret (unexpected body, unknown job status)."""

    kind = FailureKind.PROTOCOL


class DownloadVerificationError(ApiError):
    """A downloaded file is not what was promised (size mismatch, not an MP4/ZIP)."""

    kind = FailureKind.PROTOCOL


class ApiStatusError(ApiError):
    """The server answered with an error status."""

    kind = FailureKind.PROTOCOL


class InvalidRequestError(ApiStatusError):
    kind = FailureKind.INVALID_REQUEST


class AuthenticationError(ApiStatusError):
    kind = FailureKind.AUTHENTICATION


class PermissionDeniedError(ApiStatusError):
    """403 permission_error: "this endpoint is not available for your account". The key works;
    this kind of request does not, so that job fails and the queue goes on."""

    kind = FailureKind.PERMISSION


class InsufficientFundsError(ApiStatusError):
    """402. `required_amount`/`required_unit` are parsed from "Required: N <unit>" when present
    (also in `details`, where the engine reads them); the unit is the server's word ("credits",
    "cents") and is never converted; the message stays verbatim for display."""

    kind = FailureKind.INSUFFICIENT_FUNDS

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        details: Mapping[str, object] | None = None,
        hint: str | None = None,
    ) -> None:
        amount, unit = parse_required_amount(message)
        extra: dict[str, object] = dict(details or {})
        if amount is not None:
            extra.update(required_amount=amount, required_unit=unit)
        super().__init__(
            message,
            status=status,
            error_type=error_type,
            request_id=request_id,
            retry_after=retry_after,
            details=extra,
            hint=hint,
        )
        self.required_amount = amount
        self.required_unit = unit


class PaymentDeclinedError(InsufficientFundsError):
    """402 payment_declined_error: the account's payment method was declined."""

    kind = FailureKind.PAYMENT_DECLINED


class NotFoundError(ApiStatusError):
    """Unknown job, a job polled under the wrong endpoint, or one past the 24 h retention."""

    kind = FailureKind.NOT_FOUND


class RequestTooLargeError(ApiStatusError):
    kind = FailureKind.REQUEST_TOO_LARGE


class ContentFilteredError(ApiStatusError):
    kind = FailureKind.CONTENT_FILTERED


class LimitError(ApiStatusError):
    """429; `retry_after` is the server's hint in seconds, when it gave one."""

    kind = FailureKind.RATE_LIMITED


class RateLimitError(LimitError):
    kind = FailureKind.RATE_LIMITED


class ConcurrencyLimitError(LimitError):
    """Too many simultaneous generations on the account; the engine lowers its concurrency."""

    kind = FailureKind.CONCURRENCY_LIMITED


class ServerError(ApiStatusError):
    """5xx. On a submit only ever a definite refusal (anything else is `SubmitOutcomeUnknown`)."""

    kind = FailureKind.SERVER


#: error.type -> (class, the status the API sends it with).
_BY_TYPE: Final[dict[str, tuple[type[ApiStatusError], int]]] = {
    "invalid_request_error": (InvalidRequestError, 400),
    "authentication_error": (AuthenticationError, 401),
    "permission_error": (PermissionDeniedError, 403),
    "insufficient_funds_error": (InsufficientFundsError, 402),
    "payment_declined_error": (PaymentDeclinedError, 402),
    "not_found_error": (NotFoundError, 404),
    "request_too_large": (RequestTooLargeError, 413),
    "content_filtered_error": (ContentFilteredError, 422),
    "rate_limit_error": (RateLimitError, 429),
    "concurrency_limit_error": (ConcurrencyLimitError, 429),
    "api_error": (ServerError, 500),
    "service_unavailable_error": (ServerError, 503),
    "service_unavailable": (ServerError, 503),  # API-NOTES' spelling, before contract §5
    "overloaded_error": (ServerError, 529),
}

_BY_STATUS: Final[dict[int, type[ApiStatusError]]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    402: InsufficientFundsError,
    404: NotFoundError,
    413: RequestTooLargeError,
    422: ContentFilteredError,
    429: RateLimitError,
}

_HINTS: Final[dict[type[ApiStatusError], str]] = {
    AuthenticationError: "check the API key in Settings",
    PermissionDeniedError: "this endpoint is not available for your account; the key itself works",
    InsufficientFundsError: "add credits in the LTX console, then try again",
    PaymentDeclinedError: "the payment method was declined; update it in the LTX console",
    NotFoundError: "job statuses and results are kept for 24 hours",
    ContentFilteredError: "the prompt or an input was rejected by the safety filter",
    RequestTooLargeError: "use a smaller input file",
}


@dataclass(frozen=True)
class Envelope:
    """The LTX error envelope `{"type": "error", "error": {"type", "message"}}`."""

    error_type: str
    message: str


def parse_envelope(body: Any) -> Envelope | None:
    """The envelope in a decoded JSON body, or None when the body is something else."""
    if not isinstance(body, Mapping) or body.get("type") != "error":
        return None
    inner = body.get("error")
    if not isinstance(inner, Mapping):
        return None
    error_type, message = inner.get("type"), inner.get("message")
    if not isinstance(error_type, str) or not isinstance(message, str):
        return None
    return Envelope(error_type, message)


def error_class_for(status: int, error_type: str | None) -> type[ApiStatusError]:
    if error_type is not None and error_type in _BY_TYPE:
        return _BY_TYPE[error_type][0]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return ApiStatusError


def status_error(
    status: int,
    envelope: Envelope | None,
    *,
    request_id: str | None,
    retry_after: float | None = None,
    fallback_text: str = "",
) -> ApiStatusError:
    """The typed error for an error answer (`envelope` None when the body was not one)."""
    error_type = envelope.error_type if envelope else None
    cls = error_class_for(status, error_type)
    if envelope is not None:
        message = envelope.message
    else:
        snippet = " ".join(fallback_text.split())[:200]
        message = f"HTTP {status}" + (f": {snippet}" if snippet else "")
    hint = _HINTS.get(cls)
    if issubclass(cls, LimitError) and retry_after is not None:
        hint = f"the server asks to wait {retry_after:.0f} s"
    return cls(
        message,
        status=status,
        error_type=error_type,
        request_id=request_id,
        retry_after=retry_after,
        hint=hint,
    )


def job_failure_error(error_type: str, message: str, *, request_id: str | None = None) -> ApiError:
    """The error a failed v2 job stands for (its `error` uses the same type strings)."""
    known = _BY_TYPE.get(error_type)
    if known is None:
        return ApiError(message, error_type=error_type, request_id=request_id)
    cls, status = known
    return cls(
        message,
        status=status,
        error_type=error_type,
        request_id=request_id,
        hint=_HINTS.get(cls),
    )


_XML_FIELD: Final = re.compile(r"<(Code|Message|Details)>([^<]{0,300})</\1>")

#: What a storage code means, for people (the codes are GCS's and S3's).
_STORAGE_SENTENCES: Final[dict[str, str]] = {
    "ExpiredToken": "the signed URL has expired",
    "AccessDenied": "the storage host denied access to the signed URL",
    "SignatureDoesNotMatch": "the storage host refused the URL's signature",
    "NoSuchKey": "the file is no longer in storage",
    "PreconditionFailed": "the upload slot already holds a file",
}


def storage_error(
    status: int,
    body: bytes,
    *,
    what: str,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> StorageError:
    """The error for a storage host's answer: its `Code` and a plain sentence, never the XML."""
    fields = dict(_XML_FIELD.findall(body.decode("utf-8", "replace")))
    code = fields.get("Code") or None
    said = _STORAGE_SENTENCES.get(code or "") or (fields.get("Message") or "").strip()
    reason = said or f"it answered HTTP {status}"
    label = f" ({code})" if code else ""
    return StorageError(
        f"{what}: {reason}{label}",
        status=status,
        code=code,
        request_id=request_id,
        retry_after=retry_after,
    )


_REQUIRED: Final = re.compile(r"Required:\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([A-Za-z]+)")


def parse_required_amount(message: str) -> tuple[int | float | None, str | None]:
    """("Insufficient funds. Required: 120 credits") -> (120, "credits"); (None, None) if absent.

    A whole number stays an int; a fractional one ("12.5 credits") becomes a float.
    """
    found = _REQUIRED.search(message)
    if found is None:
        return None, None
    try:
        amount = Decimal(found.group(1).replace(",", ""))
    except InvalidOperation:
        return None, None
    number: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
    return number, found.group(2)
