"""What a failure means for one job, as pure functions of its kind (and attempt count): the
pipeline asks, then journals and reports. Kept apart so every kind is matched exhaustively in
one place per phase, and so the policy can be read (and tested) without a backend."""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from ltxstudio.core.backoff import backoff_delay
from ltxstudio.core.remote import ApiFailure, FailureKind
from ltxstudio.jobs.outcome import Refused
from ltxstudio.jobs.queue_state import auth_hold, funds_hold_for


class SubmitVerdict(StrEnum):
    UNKNOWN = "unknown"  # the POST may have been accepted: never resend on our own
    REFUSED = "refused"  # nothing billed: back to the queue
    NOT_PERMITTED = "not_permitted"  # 403 permission_error: not for this account
    FAILED = "failed"  # the request itself is wrong: stop


def submit_verdict(kind: FailureKind) -> SubmitVerdict:
    match kind:
        case FailureKind.OUTCOME_UNKNOWN | FailureKind.TIMEOUT | FailureKind.PROTOCOL:
            return SubmitVerdict.UNKNOWN
        case (
            FailureKind.INSUFFICIENT_FUNDS
            | FailureKind.PAYMENT_DECLINED
            | FailureKind.AUTHENTICATION
            | FailureKind.CONCURRENCY_LIMITED
            | FailureKind.RATE_LIMITED
            | FailureKind.SERVER
            | FailureKind.CONNECTION
        ):
            return SubmitVerdict.REFUSED
        case FailureKind.PERMISSION:
            return SubmitVerdict.NOT_PERMITTED
        case (
            FailureKind.INVALID_REQUEST
            | FailureKind.CONTENT_FILTERED
            | FailureKind.REQUEST_TOO_LARGE
            | FailureKind.NOT_FOUND
            | FailureKind.STORAGE_REFUSED  # not an answer a submit can get: say so, stop
        ):
            return SubmitVerdict.FAILED
        case _:
            assert_never(kind)


def refusal(failure: ApiFailure, attempts: int) -> tuple[Refused, float] | None:
    """An upload or submit the API did not take (nothing billed): what the queue must do and
    how long this job waits before its next try; None when retrying cannot help."""
    match failure.kind:
        case FailureKind.INSUFFICIENT_FUNDS | FailureKind.PAYMENT_DECLINED:
            return Refused(hold=funds_hold_for(failure)), 0.0
        case FailureKind.AUTHENTICATION:
            return Refused(hold=auth_hold(failure)), 0.0
        case FailureKind.CONCURRENCY_LIMITED:
            delay = failure.retry_after or backoff_delay(attempts, base=5.0, cap=120.0)
            return Refused(lower_concurrency=True), delay
        case FailureKind.RATE_LIMITED:
            # v2: the organisation's queue of waiting jobs is full. Not a reason to run fewer
            # at once: hold the next submissions until one of ours starts rendering.
            delay = failure.retry_after or backoff_delay(attempts, base=5.0, cap=120.0)
            return Refused(queue_full_for=delay), delay
        case FailureKind.SERVER | FailureKind.CONNECTION | FailureKind.STORAGE_REFUSED:
            return Refused(), failure.retry_after or backoff_delay(attempts, base=2.0, cap=300.0)
        case (
            FailureKind.PERMISSION
            | FailureKind.INVALID_REQUEST
            | FailureKind.REQUEST_TOO_LARGE
            | FailureKind.CONTENT_FILTERED
            | FailureKind.NOT_FOUND
            | FailureKind.TIMEOUT
            | FailureKind.OUTCOME_UNKNOWN
            | FailureKind.PROTOCOL
        ):
            return None
        case _:
            assert_never(failure.kind)


class ReadVerdict(StrEnum):
    EXPIRED = "expired"  # 404: LTX no longer has the job or its result
    HOLD_AUTH = "hold_auth"
    HOLD_FUNDS = "hold_funds"
    NOT_PERMITTED = "not_permitted"
    RETRY = "retry"  # paid for or on its way: never give up on a blip, only on retention


def read_verdict(kind: FailureKind) -> ReadVerdict:
    """A status poll or a download of an accepted job went wrong."""
    match kind:
        case FailureKind.NOT_FOUND:
            return ReadVerdict.EXPIRED
        case FailureKind.AUTHENTICATION:
            return ReadVerdict.HOLD_AUTH
        case FailureKind.INSUFFICIENT_FUNDS | FailureKind.PAYMENT_DECLINED:
            return ReadVerdict.HOLD_FUNDS
        case FailureKind.PERMISSION:
            return ReadVerdict.NOT_PERMITTED
        case (
            FailureKind.STORAGE_REFUSED
            | FailureKind.RATE_LIMITED
            | FailureKind.CONCURRENCY_LIMITED
            | FailureKind.SERVER
            | FailureKind.TIMEOUT
            | FailureKind.CONNECTION
            | FailureKind.PROTOCOL
            | FailureKind.OUTCOME_UNKNOWN
            | FailureKind.INVALID_REQUEST
            | FailureKind.CONTENT_FILTERED
            | FailureKind.REQUEST_TOO_LARGE
        ):
            return ReadVerdict.RETRY
        case _:
            assert_never(kind)


def read_retry_delay(failure: ApiFailure, attempts: int) -> float:
    return failure.retry_after or backoff_delay(attempts, base=2.0, cap=120.0)


class RemoteVerdict(StrEnum):
    """LTX says in a job's status that it failed (unbilled)."""

    FUNDS = "funds"  # also holds the queue, as on submit
    NOT_PERMITTED = "not_permitted"
    FAILED = "failed"


def remote_verdict(kind: FailureKind) -> RemoteVerdict:
    match kind:
        case FailureKind.INSUFFICIENT_FUNDS | FailureKind.PAYMENT_DECLINED:
            return RemoteVerdict.FUNDS
        case FailureKind.PERMISSION:
            return RemoteVerdict.NOT_PERMITTED
        case (
            FailureKind.AUTHENTICATION
            | FailureKind.INVALID_REQUEST
            | FailureKind.REQUEST_TOO_LARGE
            | FailureKind.CONTENT_FILTERED
            | FailureKind.NOT_FOUND
            | FailureKind.RATE_LIMITED
            | FailureKind.CONCURRENCY_LIMITED
            | FailureKind.SERVER
            | FailureKind.TIMEOUT
            | FailureKind.CONNECTION
            | FailureKind.OUTCOME_UNKNOWN
            | FailureKind.PROTOCOL
            | FailureKind.STORAGE_REFUSED
        ):
            return RemoteVerdict.FAILED
        case _:
            assert_never(kind)
