"""The sandbox's error answers: the LTX envelope `{"type": "error", "error": {type, message}}`.

Statuses and type strings follow API-NOTES §6.2. Handlers raise `ApiError`; the app turns it into
the envelope (plus `Retry-After` where the status carries one).
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any


class ErrorType(StrEnum):
    INVALID_REQUEST = "invalid_request_error"
    AUTHENTICATION = "authentication_error"
    INSUFFICIENT_FUNDS = "insufficient_funds_error"
    PERMISSION = "permission_error"
    NOT_FOUND = "not_found_error"
    METHOD_NOT_ALLOWED = "method_not_allowed_error"
    REQUEST_TOO_LARGE = "request_too_large"
    RANGE_NOT_SATISFIABLE = "range_not_satisfiable_error"
    CONTENT_FILTERED = "content_filtered_error"
    RATE_LIMIT = "rate_limit_error"
    CONCURRENCY_LIMIT = "concurrency_limit_error"
    API = "api_error"
    SERVICE_UNAVAILABLE = "service_unavailable"
    TIMEOUT = "timeout_error"
    OVERLOADED = "overloaded_error"


#: What an injected status says when the fault plan gives no more detail.
DEFAULT_FOR_STATUS: dict[int, tuple[ErrorType, str]] = {
    400: (ErrorType.INVALID_REQUEST, "Invalid request (injected by the sandbox fault plan)."),
    401: (ErrorType.AUTHENTICATION, "Invalid API key."),
    402: (ErrorType.INSUFFICIENT_FUNDS, "Insufficient funds. Required: 1 credits"),
    404: (ErrorType.NOT_FOUND, "Not found."),
    413: (ErrorType.REQUEST_TOO_LARGE, "Request entity too large."),
    422: (ErrorType.CONTENT_FILTERED, "Content rejected by safety filters."),
    429: (ErrorType.RATE_LIMIT, "Too many requests. Please try again later."),
    500: (ErrorType.API, "An unexpected error occurred."),
    503: (ErrorType.SERVICE_UNAVAILABLE, "Service temporarily unavailable."),
    504: (ErrorType.TIMEOUT, "The request timed out."),
    529: (ErrorType.OVERLOADED, "The API is overloaded. Please try again later."),
}

#: Statuses that tell the client when to come back.
RETRY_AFTER_STATUSES = frozenset({429, 503, 529})


class ApiError(Exception):
    """An error answer: HTTP status, envelope type and message, optional Retry-After seconds."""

    def __init__(
        self,
        status: int,
        error_type: ErrorType | str,
        message: str,
        *,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = str(error_type)
        self.message = message
        self.retry_after = retry_after

    @classmethod
    def for_status(
        cls, status: int, *, error_type: str | None = None, retry_after: float | None = None
    ) -> ApiError:
        kind, message = DEFAULT_FOR_STATUS.get(status, (ErrorType.API, f"HTTP {status}"))
        if error_type == ErrorType.CONCURRENCY_LIMIT:
            message = "Too many concurrent generations. Please wait for one to finish."
        if retry_after is None and status in RETRY_AFTER_STATUSES:
            retry_after = 1.0
        return cls(status, error_type or kind, message, retry_after=retry_after)

    def envelope(self) -> dict[str, Any]:
        return {"type": "error", "error": {"type": self.error_type, "message": self.message}}

    def headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        return {"Retry-After": str(max(1, math.ceil(self.retry_after)))}


def invalid(message: str) -> ApiError:
    """400 `invalid_request_error`: the shape most validation failures take."""
    return ApiError(400, ErrorType.INVALID_REQUEST, message)


def too_large(message: str) -> ApiError:
    return ApiError(413, ErrorType.REQUEST_TOO_LARGE, message)
