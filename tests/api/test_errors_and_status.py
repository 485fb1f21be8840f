"""The error tree parsed from envelope bodies, and the strict job-status parser."""

from __future__ import annotations

from typing import Any

import pytest

from ltxstudio.api import (
    ApiProtocolError,
    ApiStatusError,
    AuthenticationError,
    Completed,
    ConcurrencyLimitError,
    ContentFilteredError,
    Failed,
    InsufficientFundsError,
    InvalidRequestError,
    NotFoundError,
    PaymentDeclinedError,
    Pending,
    PermissionDeniedError,
    Processing,
    RateLimitError,
    RequestTooLargeError,
    ServerError,
    is_terminal,
    parse_status,
)
from ltxstudio.api._errors import (
    job_failure_error,
    parse_envelope,
    parse_required_amount,
    status_error,
)
from ltxstudio.core.remote import ApiFailure, FailureKind
from tests.support.openapi_contract import error_schema, response_schema


def envelope(error_type: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": error_type, "message": message}}


@pytest.mark.parametrize(
    ("status", "error_type", "cls", "kind"),
    [
        (400, "invalid_request_error", InvalidRequestError, FailureKind.INVALID_REQUEST),
        (401, "authentication_error", AuthenticationError, FailureKind.AUTHENTICATION),
        (402, "insufficient_funds_error", InsufficientFundsError, FailureKind.INSUFFICIENT_FUNDS),
        (404, "not_found_error", NotFoundError, FailureKind.NOT_FOUND),
        (413, "request_too_large", RequestTooLargeError, FailureKind.REQUEST_TOO_LARGE),
        (422, "content_filtered_error", ContentFilteredError, FailureKind.CONTENT_FILTERED),
        (429, "rate_limit_error", RateLimitError, FailureKind.RATE_LIMITED),
        (429, "concurrency_limit_error", ConcurrencyLimitError, FailureKind.CONCURRENCY_LIMITED),
        (500, "api_error", ServerError, FailureKind.SERVER),
        (503, "service_unavailable", ServerError, FailureKind.SERVER),
        (503, "service_unavailable_error", ServerError, FailureKind.SERVER),  # contract §5
        (403, "permission_error", PermissionDeniedError, FailureKind.PERMISSION),
        (402, "payment_declined_error", PaymentDeclinedError, FailureKind.PAYMENT_DECLINED),
        (529, "overloaded_error", ServerError, FailureKind.SERVER),
    ],
)
def test_envelopes_map_to_typed_errors(
    openapi: dict[str, Any], status: int, error_type: str, cls: type, kind: FailureKind
) -> None:
    body = envelope(error_type, "Something specific happened.")
    error_schema(openapi).validate(body)  # the fixture is a documented error body
    error = status_error(status, parse_envelope(body), request_id="req-7", retry_after=3.0)
    assert type(error) is cls
    assert isinstance(error, ApiFailure)
    assert error.kind is kind
    assert (error.status, error.error_type, error.request_id) == (status, error_type, "req-7")
    assert error.message == "Something specific happened."
    assert "req-7" in str(error)
    assert error.retry_after == 3.0


def test_the_error_type_wins_over_the_status() -> None:
    error = status_error(
        400, parse_envelope(envelope("content_filtered_error", "no")), request_id=None
    )
    assert isinstance(error, ContentFilteredError)
    assert error.status == 400


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (413, "<html>Request Entity Too Large</html>", RequestTooLargeError),
        (502, "<html>Bad Gateway</html>", ServerError),
        (504, "", ServerError),
        (429, "slow down", RateLimitError),
        (418, "teapot", ApiStatusError),
        # CONTRACT-2026-09 §5: a 403 from the API means "not available for this account"
        (403, "{}", PermissionDeniedError),
    ],
)
def test_answers_without_the_envelope_are_classified_by_status(
    status: int, body: str, cls: type
) -> None:
    error = status_error(status, None, request_id="r", fallback_text=body)
    assert type(error) is cls
    assert error.error_type is None
    assert error.message.startswith(f"HTTP {status}")


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"type": "error"},
        {"type": "error", "error": "boom"},
        {"type": "error", "error": {"type": 1, "message": "x"}},
        {"type": "failure", "error": {"type": "api_error", "message": "x"}},
    ],
)
def test_things_that_are_not_the_envelope(body: Any) -> None:
    assert parse_envelope(body) is None


@pytest.mark.parametrize(
    ("message", "amount", "unit"),
    [
        ("Insufficient funds. Required: 120 credits", 120, "credits"),
        ("Insufficient funds. Required: 36 cents", 36, "cents"),
        ("Insufficient funds. Required: 1,250 credits", 1250, "credits"),
        ("Insufficient funds. Required: 12.5 credits", 12.5, "credits"),
        ("Insufficient funds.", None, None),
    ],
)
def test_402_keeps_the_message_and_parses_the_amount_without_converting(
    message: str, amount: float | None, unit: str | None
) -> None:
    assert parse_required_amount(message) == (amount, unit)
    error = status_error(
        402, parse_envelope(envelope("insufficient_funds_error", message)), request_id=None
    )
    assert isinstance(error, InsufficientFundsError)
    assert error.message == message  # verbatim for display
    assert (error.required_amount, error.required_unit) == (amount, unit)
    if amount is not None:  # where the job engine reads it
        assert error.details == {"required_amount": amount, "required_unit": unit}


def test_a_failed_job_maps_to_the_same_error_classes() -> None:
    error = job_failure_error("insufficient_funds_error", "Insufficient funds. Required: 9 credits")
    assert isinstance(error, InsufficientFundsError)
    assert error.required_amount == 9
    assert job_failure_error("content_filtered_error", "no").kind is FailureKind.CONTENT_FILTERED
    assert job_failure_error("something_new", "?").kind is FailureKind.PROTOCOL


# ------------------------------------------------------------------ job status


STATUS_BODIES: list[tuple[dict[str, Any], object]] = [
    ({"status": "pending", "id": "j", "created_at": "2026-11-23T10:00:00Z"}, Pending()),
    ({"status": "processing", "id": "j", "created_at": "2026-11-23T10:00:00Z"}, Processing()),
    (
        {
            "status": "completed",
            "id": "j",
            "created_at": "2026-11-23T10:00:00Z",
            "completed_at": "2026-11-23T10:01:00Z",
            "result": {"video_url": "https://storage.example/v.mp4?sig=1"},
        },
        Completed({"video_url": "https://storage.example/v.mp4?sig=1"}, "2026-11-23T10:01:00Z"),
    ),
    (
        {
            "status": "failed",
            "id": "j",
            "created_at": "2026-11-23T10:00:00Z",
            "completed_at": "2026-11-23T10:01:00Z",
            "error": {"type": "content_filtered_error", "message": "Rejected"},
        },
        Failed(
            "content_filtered_error",
            "Rejected",
            "2026-11-23T10:01:00Z",
            FailureKind.CONTENT_FILTERED,
        ),
    ),
]


@pytest.mark.parametrize(("body", "expected"), STATUS_BODIES)
def test_documented_status_bodies_parse(
    openapi: dict[str, Any], body: dict[str, Any], expected: object
) -> None:
    response_schema(openapi, "/v2/{endpoint}/{id}", "get", 200).validate(body)
    status = parse_status(body)
    assert status == expected
    assert is_terminal(status) is isinstance(expected, Completed | Failed)


@pytest.mark.parametrize(
    "body",
    [
        {"status": "succeeded", "id": "j"},  # a new value is an error, not a success
        {"status": "queued", "id": "j"},
        {"status": None},
        {"id": "j"},
        {"status": "completed", "result": {}},
        {"status": "completed", "result": {"video_url": 3}},
        {"status": "completed"},
        {"status": "failed", "error": "boom"},
        {"status": "failed", "error": {"type": "api_error"}},
        "completed",
        None,
    ],
)
def test_anything_else_is_a_protocol_error(body: Any) -> None:
    with pytest.raises(ApiProtocolError) as caught:
        parse_status(body, request_id="req-9")
    assert caught.value.request_id == "req-9"
    assert caught.value.kind is FailureKind.PROTOCOL
