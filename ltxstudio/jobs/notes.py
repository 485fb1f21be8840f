"""The sentences a job's note carries when the API refuses or fails it: one wording each."""

from __future__ import annotations

from ltxstudio.core.remote import ApiFailure, FailureInfo, FailureKind

UNKNOWN_NOTE = (
    "ltxstudio cannot tell whether LTX accepted this submission (it may be billed); "
    "check before resubmitting"
)


def refusal_note(failure: ApiFailure, delay: float) -> str:
    match failure.kind:
        case FailureKind.INSUFFICIENT_FUNDS | FailureKind.PAYMENT_DECLINED:
            return funds_sentence(failure.info())
        case FailureKind.AUTHENTICATION:
            return "the API key was refused"
        case FailureKind.CONCURRENCY_LIMITED:
            return f"retry in {delay:.0f} s (429 concurrency limit)"
        case FailureKind.RATE_LIMITED:
            return f"LTX's queue for your organisation is full; retry in {delay:.0f} s or sooner"
        case FailureKind.STORAGE_REFUSED:
            return f"the upload was refused by storage; retry in {delay:.0f} s"
        case _:
            return f"retry in {delay:.0f} s ({failure.kind.value})"


def funds_sentence(info: FailureInfo) -> str:
    if info.kind is FailureKind.PAYMENT_DECLINED:
        return f"the payment method was declined: {info.message}"
    return f"not enough funds: {info.message}"


def permission_sentence(message: str, request_id: str | None) -> str:
    where = f" (x-request-id {request_id})" if request_id else ""
    return f"this endpoint is not available for your account: {message}{where}"
