"""The sandbox's API error answers: the LTX envelope `{"type": "error", "error": {type, message}}`.

Statuses and type strings follow CONTRACT-2026-09 §5 (which overrides API-NOTES §6.2: 503 is
`service_unavailable_error`, 403 is `permission_error` "endpoint not available for this account",
429 on v2 is `rate_limit_error` "Queue limit exceeded", and 402 may be `payment_declined_error`).
Handlers raise `ApiError`; the app turns it into the envelope (plus `Retry-After` where the status
carries one). The storage host answers in its own format instead (`storage_errors.py`).
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any


class ErrorType(StrEnum):
    INVALID_REQUEST = "invalid_request_error"
    AUTHENTICATION = "authentication_error"
    INSUFFICIENT_FUNDS = "insufficient_funds_error"
    PAYMENT_DECLINED = "payment_declined_error"
    PERMISSION = "permission_error"
    NOT_FOUND = "not_found_error"
    METHOD_NOT_ALLOWED = "method_not_allowed_error"
    REQUEST_TOO_LARGE = "request_too_large"
    RANGE_NOT_SATISFIABLE = "range_not_satisfiable_error"
    CONTENT_FILTERED = "content_filtered_error"
    RATE_LIMIT = "rate_limit_error"
    API = "api_error"
    SERVICE_UNAVAILABLE = "service_unavailable_error"
    TIMEOUT = "timeout_error"
    OVERLOADED = "overloaded_error"


#: What an injected status says when the fault plan gives no more detail.
DEFAULT_FOR_STATUS: dict[int, tuple[ErrorType, str]] = {
    400: (ErrorType.INVALID_REQUEST, "Invalid request (injected by the sandbox fault plan)."),
    401: (ErrorType.AUTHENTICATION, "Invalid API key."),
    402: (ErrorType.INSUFFICIENT_FUNDS, "Insufficient funds. Required: 1 credits"),
    403: (ErrorType.PERMISSION, "This endpoint is not available for your account"),
    404: (ErrorType.NOT_FOUND, "Not found."),
    413: (ErrorType.REQUEST_TOO_LARGE, "Request entity too large."),
    422: (ErrorType.CONTENT_FILTERED, "Content rejected by safety filters."),
    429: (ErrorType.RATE_LIMIT, "Too many requests. Please try again later."),
    500: (ErrorType.API, "An unexpected error occurred."),
    503: (ErrorType.SERVICE_UNAVAILABLE, "Service temporarily unavailable."),
    504: (ErrorType.TIMEOUT, "The request timed out."),
    529: (ErrorType.OVERLOADED, "The API is overloaded. Please try again later."),
}

#: What the API says when the organisation has too many v2 jobs waiting (contract §5).
QUEUE_LIMIT_MESSAGE = "Queue limit exceeded"
PERMISSION_MESSAGE = DEFAULT_FOR_STATUS[403][1]
PAYMENT_DECLINED_MESSAGE = "Payment declined. Update the payment method of your account."

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
