"""Acceptance 4: the retry policy as a table — (call, status or exception, attempt, headers) →
retry or not, and the bounds of the wait. Pure functions: no HTTP, no clock, no sleeping."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ltxstudio.api._request_loop import phase_of
from ltxstudio.api._retry import (
    CallKind,
    HttpAnswer,
    Outcome,
    Phase,
    RetryPolicy,
    TransportFailure,
    Verdict,
    backoff_bounds,
    decide,
    parse_retry_after,
)

NOW = 1_790_000_000.0
POLICY = RetryPolicy()  # 5 attempts (3 for submits), 1 s doubling to 30 s, 50 % jitter, cap 120 s


def http_date(offset: float) -> str:
    return format_datetime(datetime.fromtimestamp(NOW + offset, tz=UTC), usegmt=True)


def _req() -> httpx.Request:
    return httpx.Request("POST", "https://api.ltx.video/v2/text-to-video")


EXC = {
    "ConnectError": httpx.ConnectError("refused", request=_req()),
    "ConnectTimeout": httpx.ConnectTimeout("slow", request=_req()),
    "PoolTimeout": httpx.PoolTimeout("pool", request=_req()),
    "WriteError": httpx.WriteError("broken pipe", request=_req()),
    "WriteTimeout": httpx.WriteTimeout("slow", request=_req()),
    "ReadTimeout": httpx.ReadTimeout("slow", request=_req()),
    "ReadError": httpx.ReadError("reset", request=_req()),
    "RemoteProtocolError": httpx.RemoteProtocolError("disconnected", request=_req()),
}

ENV = "envelope"  # marker: the answer carried the LTX error envelope (with this error.type)

S, P, D, U, T = (
    CallKind.SUBMIT,
    CallKind.POLL,
    CallKind.DOWNLOAD,
    CallKind.UPLOAD_SLOT,
    CallKind.UPLOAD_PUT,
)
R, F, X = Verdict.RETRY, Verdict.FAIL, Verdict.UNKNOWN

# (call, status or exception name, error.type or None, attempt, headers,
#  verdict, shortest wait, longest wait)
TABLE: list[tuple[CallKind, int | str, str | None, int, dict[str, str], Verdict, float, float]] = [
    # ---- safe calls: every transport failure, 408/429/5xx/529 are retried
    (P, "ConnectError", None, 1, {}, R, 0.5, 1.0),
    (P, "ConnectTimeout", None, 2, {}, R, 1.0, 2.0),
    (P, "ReadTimeout", None, 1, {}, R, 0.5, 1.0),
    (P, "ReadError", None, 3, {}, R, 2.0, 4.0),
    (P, "RemoteProtocolError", None, 4, {}, R, 4.0, 8.0),
    (P, "WriteError", None, 1, {}, R, 0.5, 1.0),
    (P, "ReadTimeout", None, 5, {}, F, 0, 0),  # the fifth attempt was the last
    (P, 429, "rate_limit_error", 1, {"Retry-After": "7"}, R, 7.0, 7.0),
    (P, 429, "rate_limit_error", 1, {"Retry-After": http_date(30)}, R, 30.0, 30.0),
    (P, 429, "rate_limit_error", 1, {"Retry-After": http_date(-30)}, R, 0.0, 0.0),
    (P, 429, "rate_limit_error", 1, {"Retry-After": "120"}, R, 120.0, 120.0),
    (P, 429, "rate_limit_error", 1, {"Retry-After": "121"}, F, 0, 0),  # over the cap: surface
    (P, 429, "rate_limit_error", 2, {"Retry-After": "soon"}, R, 1.0, 2.0),  # unreadable: backoff
    (P, 429, "concurrency_limit_error", 1, {}, R, 0.5, 1.0),
    (P, 500, "api_error", 1, {}, R, 0.5, 1.0),
    (P, 500, None, 2, {}, R, 1.0, 2.0),
    (P, 502, None, 1, {}, R, 0.5, 1.0),
    (P, 503, "service_unavailable", 1, {"Retry-After": "3"}, R, 3.0, 3.0),
    (P, 504, None, 1, {}, R, 0.5, 1.0),
    (P, 529, "overloaded_error", 1, {}, R, 0.5, 1.0),
    (P, 408, None, 1, {}, R, 0.5, 1.0),
    (P, 400, "invalid_request_error", 1, {}, F, 0, 0),
    (P, 401, "authentication_error", 1, {}, F, 0, 0),
    (P, 404, "not_found_error", 1, {}, F, 0, 0),
    (P, 503, None, 5, {}, F, 0, 0),
    (D, "ReadError", None, 1, {}, R, 0.5, 1.0),
    (D, 503, None, 2, {}, R, 1.0, 2.0),
    (D, 403, None, 1, {}, F, 0, 0),  # an expired signature does not come back
    (D, 416, None, 1, {}, F, 0, 0),
    (U, "ReadTimeout", None, 1, {}, R, 0.5, 1.0),  # a duplicate upload slot costs nothing
    (U, 503, "service_unavailable", 1, {}, R, 0.5, 1.0),
    (T, "WriteTimeout", None, 2, {}, R, 1.0, 2.0),  # PUT is idempotent
    (T, 500, None, 1, {}, R, 0.5, 1.0),
    (T, 400, None, 1, {}, F, 0, 0),
    # ---- submits: only what provably was not taken
    (S, "ConnectError", None, 1, {}, R, 0.5, 1.0),
    (S, "ConnectTimeout", None, 2, {}, R, 1.0, 2.0),
    (S, "PoolTimeout", None, 1, {}, R, 0.5, 1.0),
    (S, "ConnectError", None, 3, {}, F, 0, 0),  # three attempts for a submit
    (S, "WriteError", None, 1, {}, X, 0, 0),
    (S, "WriteTimeout", None, 1, {}, X, 0, 0),
    (S, "ReadTimeout", None, 1, {}, X, 0, 0),
    (S, "ReadError", None, 1, {}, X, 0, 0),
    (S, "RemoteProtocolError", None, 1, {}, X, 0, 0),
    (S, 429, "rate_limit_error", 1, {"Retry-After": "5"}, R, 5.0, 5.0),
    (S, 429, "concurrency_limit_error", 2, {"Retry-After": http_date(10)}, R, 10.0, 10.0),
    (S, 429, "concurrency_limit_error", 1, {"Retry-After": "600"}, F, 0, 0),
    (S, 429, "rate_limit_error", 3, {"Retry-After": "5"}, F, 0, 0),
    (S, 503, "service_unavailable", 1, {}, R, 0.5, 1.0),
    (S, 503, None, 2, {}, R, 1.0, 2.0),
    (S, 500, "api_error", 1, {}, F, 0, 0),  # an explicit failure: not billed, not resent
    (S, 500, None, 1, {}, X, 0, 0),  # not the API's own answer: may have been accepted
    (S, 502, None, 1, {}, X, 0, 0),
    (S, 504, None, 1, {}, X, 0, 0),
    (S, 529, "overloaded_error", 1, {}, X, 0, 0),
    (S, 529, None, 1, {}, X, 0, 0),
    (S, 408, None, 1, {}, F, 0, 0),
    (S, 400, "invalid_request_error", 1, {}, F, 0, 0),
    (S, 401, "authentication_error", 1, {}, F, 0, 0),
    (S, 402, "insufficient_funds_error", 1, {}, F, 0, 0),
    (S, 413, None, 1, {}, F, 0, 0),
    (S, 422, "content_filtered_error", 1, {}, F, 0, 0),
]


class _Fixed(random.Random):
    """random() always returns `value`: 0 → the longest wait, ~1 → the shortest."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self._value = value

    def random(self) -> float:
        return self._value


def _outcome(what: int | str, error_type: str | None) -> Outcome:
    if isinstance(what, str):
        return TransportFailure(phase_of(EXC[what]))
    return HttpAnswer(what, error_type)


@pytest.mark.parametrize(
    ("kind", "what", "error_type", "attempt", "headers", "verdict", "low", "high"), TABLE
)
def test_retry_table(
    kind: CallKind,
    what: int | str,
    error_type: str | None,
    attempt: int,
    headers: dict[str, str],
    verdict: Verdict,
    low: float,
    high: float,
) -> None:
    outcome = _outcome(what, error_type)
    retry_after = parse_retry_after(headers.get("Retry-After"), NOW)
    decisions = [
        decide(
            kind,
            outcome,
            attempt=attempt,
            retry_after=retry_after,
            elapsed=0.0,
            rng=rng,
            policy=POLICY,
        )
        for rng in (_Fixed(0.0), _Fixed(1.0 - 1e-12), random.Random(attempt))
    ]
    assert {d.verdict for d in decisions} == {verdict}
    if verdict is Verdict.RETRY:
        longest, shortest, seeded = (d.delay for d in decisions)
        assert longest == pytest.approx(high)
        assert shortest == pytest.approx(low)
        assert low - 1e-9 <= seeded <= high + 1e-9
    else:
        assert all(d.delay == 0 for d in decisions)


@pytest.mark.parametrize(
    ("name", "phase"),
    [
        ("ConnectError", Phase.NOT_SENT),
        ("ConnectTimeout", Phase.NOT_SENT),
        ("PoolTimeout", Phase.NOT_SENT),
        ("WriteError", Phase.SENDING),
        ("WriteTimeout", Phase.SENDING),
        ("ReadTimeout", Phase.SENT),
        ("ReadError", Phase.SENT),
        ("RemoteProtocolError", Phase.SENT),
    ],
)
def test_each_transport_exception_says_how_far_the_request_got(name: str, phase: Phase) -> None:
    assert phase_of(EXC[name]) is phase


@pytest.mark.parametrize(
    ("elapsed", "retry_after", "verdict"),
    [
        (0.0, 100.0, Verdict.RETRY),
        (200.0, 100.0, Verdict.RETRY),  # lands exactly on the 300 s deadline
        (250.0, 60.0, Verdict.FAIL),  # would pass it
        (299.9, None, Verdict.FAIL),  # even the shortest backoff (0.5 s) would pass it
    ],
)
def test_no_wait_crosses_the_overall_deadline(
    elapsed: float, retry_after: float | None, verdict: Verdict
) -> None:
    decision = decide(
        CallKind.POLL,
        HttpAnswer(503),
        attempt=1,
        retry_after=retry_after,
        elapsed=elapsed,
        rng=random.Random(1),
        policy=POLICY,
    )
    assert decision.verdict is verdict
    if verdict is Verdict.FAIL:
        assert "deadline" in decision.reason


def test_backoff_doubles_then_stays_at_the_cap() -> None:
    policy = RetryPolicy(max_attempts=20)
    highs = [backoff_bounds(n, policy)[1] for n in range(1, 9)]
    assert highs == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert backoff_bounds(8, policy) == (15.0, 30.0)  # up to 50 % taken off


@given(
    attempt=st.integers(1, 4),
    retry_after=st.none() | st.floats(0, 500, allow_nan=False),
    elapsed=st.floats(0, 400, allow_nan=False),
    seed=st.integers(0, 2**32),
)
def test_any_retry_waits_within_bounds_and_before_the_deadline(
    attempt: int, retry_after: float | None, elapsed: float, seed: int
) -> None:
    decision = decide(
        CallKind.DOWNLOAD,
        HttpAnswer(503),
        attempt=attempt,
        retry_after=retry_after,
        elapsed=elapsed,
        rng=random.Random(seed),
        policy=POLICY,
    )
    if decision.verdict is not Verdict.RETRY:
        return
    assert elapsed + decision.delay <= POLICY.deadline
    if retry_after is None:
        low, high = backoff_bounds(attempt, POLICY)
        assert low <= decision.delay <= high
    else:
        assert decision.delay == retry_after <= POLICY.retry_after_cap


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("0", 0.0),
        ("2.5", 2.5),
        (" 17 ", 17.0),
        ("-3", 0.0),
        ("soon", None),
        (http_date(45), 45.0),
        (http_date(-5), 0.0),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, NOW) == (None if seconds is None else pytest.approx(seconds))
