"""The storage host's own error answers: XML, as GCS and S3 send them, never the LTX envelope.

Upload and result URLs point at cloud storage, not at the API (contract §5: "the example host is
a signed cloud-storage URL, fetched with no Authorization header"). Storage answers in its own
shape, and none of its errors says anything about the API key::

    <?xml version="1.0" encoding="UTF-8"?>
    <Error><Code>ExpiredToken</Code><Message>…</Message></Error>

(on one line) with `Content-Type: application/xml`. A client that parses these as API errors
(or, worse, treats a storage 403 as a bad API key) is wrong, and the sandbox is where that shows.

Statuses and codes follow the GCS XML API (which shares S3's vocabulary): an expired signed URL is
400 `ExpiredToken`; a signature that does not verify is 403 `SignatureDoesNotMatch` (a signed
header missing or changed is the same failure, since the headers are part of what was signed);
an unsigned URL is 403 `AccessDenied`; a missing object 404 `NoSuchKey`; a body outside the
signed `x-goog-content-length-range` 400 `EntityTooLarge`; a failed `x-goog-if-generation-match`
412 `PreconditionFailed`; an unsatisfiable range 416 `InvalidRange`.
"""

from __future__ import annotations

import math
from enum import StrEnum
from http import HTTPStatus
from xml.sax.saxutils import escape

XML_CONTENT_TYPE = "application/xml"


class StorageCode(StrEnum):
    EXPIRED_TOKEN = "ExpiredToken"  # noqa: S105 (an error code, not a secret)
    SIGNATURE_DOES_NOT_MATCH = "SignatureDoesNotMatch"
    ACCESS_DENIED = "AccessDenied"
    NO_SUCH_KEY = "NoSuchKey"
    INVALID_ARGUMENT = "InvalidArgument"
    ENTITY_TOO_LARGE = "EntityTooLarge"
    PRECONDITION_FAILED = "PreconditionFailed"
    INVALID_RANGE = "InvalidRange"
    METHOD_NOT_ALLOWED = "MethodNotAllowed"
    SLOW_DOWN = "SlowDown"
    INTERNAL_ERROR = "InternalError"
    SERVICE_UNAVAILABLE = "ServiceUnavailable"
    GATEWAY_TIMEOUT = "GatewayTimeout"


#: What an injected status says on a storage route (the fault plan's statuses).
_FOR_STATUS: dict[int, tuple[StorageCode, str]] = {
    400: (StorageCode.INVALID_ARGUMENT, "Invalid argument."),
    403: (StorageCode.ACCESS_DENIED, "Access denied."),
    404: (StorageCode.NO_SUCH_KEY, "The specified key does not exist."),
    429: (StorageCode.SLOW_DOWN, "Please reduce your request rate."),
    500: (StorageCode.INTERNAL_ERROR, "We encountered an internal error. Please try again."),
    503: (StorageCode.SERVICE_UNAVAILABLE, "Service is unavailable. Please try again."),
    504: (StorageCode.GATEWAY_TIMEOUT, "The gateway timed out."),
}

#: Statuses that tell the client when to come back (as the API's do).
_RETRY_AFTER_STATUSES = frozenset({429, 503})


class StorageError(Exception):
    """An error answer of the storage host: HTTP status, XML `Code` and `Message`."""

    def __init__(
        self,
        status: int,
        code: StorageCode | str,
        message: str,
        *,
        retry_after: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = str(code)
        self.message = message
        self.retry_after = retry_after
        self.extra_headers = dict(headers or {})

    @classmethod
    def for_status(cls, status: int, *, retry_after: float | None = None) -> StorageError:
        """An injected status in storage's words; statuses storage has no code for get the
        reason phrase in its CamelCase style (402 → `PaymentRequired`)."""
        code: str
        if status in _FOR_STATUS:
            code, message = _FOR_STATUS[status]
        else:
            phrase = _phrase(status)
            code, message = "".join(phrase.title().split()) or "Error", f"{phrase or 'Error'}."
        if retry_after is None and status in _RETRY_AFTER_STATUSES:
            retry_after = 1.0
        return cls(status, code, message, retry_after=retry_after)

    def body(self) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f"<Error><Code>{escape(self.code)}</Code>"
            f"<Message>{escape(self.message)}</Message></Error>"
        ).encode()

    def headers(self) -> dict[str, str]:
        headers = dict(self.extra_headers)
        if self.retry_after is not None:
            headers["Retry-After"] = str(max(1, math.ceil(self.retry_after)))
        return headers


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def expired(expired_at: str) -> StorageError:
    return StorageError(
        400,
        StorageCode.EXPIRED_TOKEN,
        f"The provided token has expired. Request signature expired at: {expired_at}",
    )


def signature_mismatch(detail: str) -> StorageError:
    return StorageError(
        403,
        StorageCode.SIGNATURE_DOES_NOT_MATCH,
        "The request signature we calculated does not match the signature you provided. " + detail,
    )


def access_denied(message: str = "Access denied.") -> StorageError:
    return StorageError(403, StorageCode.ACCESS_DENIED, message)


def no_such_key() -> StorageError:
    return StorageError(404, StorageCode.NO_SUCH_KEY, "The specified key does not exist.")


def authorization_refused() -> StorageError:
    return StorageError(
        400,
        StorageCode.INVALID_ARGUMENT,
        "Storage URLs are pre-signed: do not send an Authorization header to them (the API key "
        "must never go to the storage host).",
    )
