"""When to try a request again, and how long to wait first — pure functions, no I/O.

The request loop in `_request_loop.py` describes what happened to an attempt as an `Outcome`
(a transport failure and how far the request got, or an HTTP answer) and asks `decide()` what to
do. Time and randomness come in as arguments, so every row of the policy is a unit test.

The LTX API has no idempotency key (API-NOTES §2, §12.23) and every generation POST is a new,
billable job. The guiding principle is **never risk a double charge, and never silently drop a
charge either**. So submissions (v1 and v2 generation POSTs) are only re-sent when the server
provably did not take them:

========================================  ==========  ==========================================
What happened to a submit                  Verdict     Why
========================================  ==========  ==========================================
connect error / connect or pool timeout    RETRY       no byte of the request left this machine
write error / write timeout                UNKNOWN     part of the request was sent; we do not
                                                       rely on how much reached the server
read error / read timeout / disconnect     UNKNOWN     the request was sent; the job may exist
429 (rate or concurrency limit)            RETRY       an explicit refusal: nothing was accepted
503                                        RETRY       "service unavailable" is a refusal before
                                                       acceptance (the lead's rule, API-NOTES §6)
500 *with* the error envelope              FAIL        the API's own handler answered "this
                                                       request failed"; failed requests are not
                                                       billed (API-NOTES §8), so nothing is
                                                       dropped. Not re-sent automatically: with
                                                       no idempotency key a resend is a new paid
                                                       job, and nothing says it would fare better;
                                                       the user (or engine) decides, with the
                                                       x-request-id in hand
500 without the envelope, 502, 504, 529,   UNKNOWN     the answer came from something in front of
other 5xx                                              the API (a gateway, a proxy) or from an
                                                       overload path we cannot place before or
                                                       after acceptance (529 is only documented by
                                                       a third party); the job may exist
other 4xx (400 401 402 404 413 422 …)      FAIL        rejected; the same request fails again
========================================  ==========  ==========================================

A 2xx whose body cannot be read is decided by the caller (a submit raises "outcome unknown").

Safe calls — polls and downloads (GET), the free upload-slot POST and the PUT to a pre-signed
upload URL (both idempotent) — are retried on every transport failure and on 408, 429, 500, 502,
503, 504 and 529.

Waiting (the formulas are `core.backoff`'s, shared with the job engine): `Retry-After` (seconds
or an HTTP date) is honoured exactly when present; a hint longer than
`RetryPolicy.retry_after_cap` means "give up and surface it" (openai-python does the same).
Otherwise exponential backoff from `initial_backoff`, doubled per attempt, capped at
`max_backoff`, with up to `jitter` (50 %) subtracted at random (API-NOTES §6.3). A call never
waits past its overall `deadline`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, assert_never

from ltxstudio.core.backoff import backoff_delay, parse_retry_after

__all__ = [
    "CallKind",
    "Decision",
    "HttpAnswer",
    "Outcome",
    "Phase",
    "RetryPolicy",
    "TransportFailure",
    "Verdict",
    "backoff_bounds",
    "classify",
    "decide",
    "parse_retry_after",
    "retry_delay",
]


class CallKind(StrEnum):
    """What a request is for; it decides how safe a resend is."""

    SUBMIT = "submit"  # v1/v2 generation POST: billable, no idempotency key
    POLL = "poll"  # GET /v2/{endpoint}/{id}
    DOWNLOAD = "download"  # GET of a pre-signed result URL
    UPLOAD_SLOT = "upload-slot"  # POST /v1/upload: free; an unused slot costs nothing
    UPLOAD_PUT = "upload-put"  # PUT to a pre-signed upload URL: idempotent


class Phase(StrEnum):
    """How far a request got before its transport failed."""

    NOT_SENT = "not-sent"  # connect error, connect/pool timeout: nothing left this machine
    SENDING = "sending"  # write error/timeout: cut while being sent
    SENT = "sent"  # read error/timeout, server disconnect: sent, no complete answer


class Verdict(StrEnum):
    RETRY = "retry"  # safe to send again (after a delay)
    FAIL = "fail"  # surface the error as it is
    UNKNOWN = "unknown"  # a submit the server may have accepted: never resend, say so


@dataclass(frozen=True)
class TransportFailure:
    phase: Phase


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    #: `error.type` from the LTX envelope, or None when the body was not the envelope.
    error_type: str | None = None


Outcome = TransportFailure | HttpAnswer


@dataclass(frozen=True)
class RetryPolicy:
    """Limits for one call (a call is one logical request and all its retries)."""

    max_attempts: int = 5  # safe calls, counting the first attempt
    submit_max_attempts: int = 3  # submits: only refusals and connect errors get here
    initial_backoff: float = 1.0
    max_backoff: float = 30.0
    jitter: float = 0.5  # fraction of the backoff that may be subtracted at random
    retry_after_cap: float = 120.0  # a longer Retry-After means "give up and surface it"
    deadline: float = 300.0  # seconds from the first attempt; no wait may cross it

    def attempts_for(self, kind: CallKind) -> int:
        return self.submit_max_attempts if kind is CallKind.SUBMIT else self.max_attempts


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    delay: float = 0.0  # seconds to wait before the next attempt (RETRY only)
    reason: str = ""  # why a retryable outcome was not retried, for logs and errors


_SAFE_RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504, 529})
_SUBMIT_REFUSALS: Final = frozenset({429, 503})


def classify(kind: CallKind, outcome: Outcome) -> Verdict:
    """The verdict for an outcome, before attempt counts, hints and deadlines are considered."""
    if kind is CallKind.SUBMIT:
        return _classify_submit(outcome)
    if isinstance(outcome, TransportFailure):
        return Verdict.RETRY
    return Verdict.RETRY if outcome.status in _SAFE_RETRY_STATUSES else Verdict.FAIL


def _classify_submit(outcome: Outcome) -> Verdict:
    if isinstance(outcome, TransportFailure):
        match outcome.phase:
            case Phase.NOT_SENT:
                return Verdict.RETRY
            case Phase.SENDING | Phase.SENT:
                return Verdict.UNKNOWN
            case _:
                assert_never(outcome.phase)
    status = outcome.status
    if status in _SUBMIT_REFUSALS:
        return Verdict.RETRY
    if status == 500 and outcome.error_type is not None:
        return Verdict.FAIL
    if status >= 500:
        return Verdict.UNKNOWN
    return Verdict.FAIL


def backoff_bounds(attempt: int, policy: RetryPolicy) -> tuple[float, float]:
    """The (shortest, longest) wait after attempt `attempt` when the server gave no hint."""
    base = min(policy.max_backoff, policy.initial_backoff * 2 ** max(0, attempt - 1))
    return base * (1.0 - policy.jitter), base


def retry_delay(
    attempt: int, retry_after: float | None, rng: random.Random, policy: RetryPolicy
) -> float | None:
    """Seconds to wait after attempt `attempt`; None when the server's hint exceeds the cap."""
    if retry_after is not None:
        if retry_after > policy.retry_after_cap:
            return None
        return max(0.0, retry_after)
    return backoff_delay(
        attempt,
        base=policy.initial_backoff,
        cap=policy.max_backoff,
        jitter=policy.jitter,
        rng=rng,
    )


def decide(
    kind: CallKind,
    outcome: Outcome,
    *,
    attempt: int,
    retry_after: float | None,
    elapsed: float,
    rng: random.Random,
    policy: RetryPolicy,
) -> Decision:
    """The whole policy for one failed attempt.

    Args:
        kind: what the call is for.
        outcome: what happened to attempt number `attempt` (1-based).
        retry_after: the parsed `Retry-After` of that attempt's answer, if any.
        elapsed: seconds since the call's first attempt started.
        rng: source of jitter (inject a seeded one in tests).
        policy: the limits.
    """
    verdict = classify(kind, outcome)
    if verdict is not Verdict.RETRY:
        return Decision(verdict)
    if attempt >= policy.attempts_for(kind):
        return Decision(Verdict.FAIL, reason=f"gave up after {attempt} attempts")
    delay = retry_delay(attempt, retry_after, rng, policy)
    if delay is None:
        return Decision(
            Verdict.FAIL,
            reason=(
                f"Retry-After {retry_after:.0f} s exceeds the {policy.retry_after_cap:.0f} s cap"
            ),
        )
    if elapsed + delay > policy.deadline:
        return Decision(
            Verdict.FAIL,
            reason=f"waiting {delay:.1f} s more would pass the {policy.deadline:.0f} s deadline",
        )
    return Decision(Verdict.RETRY, delay=delay)
