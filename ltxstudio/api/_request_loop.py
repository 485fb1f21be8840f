"""The one request loop: build → send → classify → (wait → resend) → answer or typed error.

Every HTTP exchange of the client goes through `RequestLoop.run(call, handle)`:

- `call` says what the request is (`CallKind`), where it goes, its timeout and whether it is an
  API call. Only API calls — URLs under the base URL's origin — get the `Authorization` header;
  pre-signed storage URLs never do, and a guard refuses any header carrying the key elsewhere.
- `handle(response)` consumes a 2xx answer (streaming is fine). A transport error raised while
  it reads the body is classified like any other (a download resumes; a submit becomes
  "outcome unknown").
- Failed attempts are described as an `Outcome` and decided by `_retry.decide()`; waits go
  through the injected clock, jitter through the injected RNG.
- A call with a `progress` probe (downloads) counts attempts since the last progress, so a long
  download over a flaky link is not abandoned while it still advances (the deadline still holds).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, assert_never

import httpx

from ltxstudio.api._errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    Envelope,
    SubmitOutcomeUnknown,
    parse_envelope,
    status_error,
    storage_error,
)
from ltxstudio.api._logging import Scrubber, log
from ltxstudio.api._retry import (
    CallKind,
    HttpAnswer,
    Outcome,
    Phase,
    RetryPolicy,
    TransportFailure,
    Verdict,
    decide,
    parse_retry_after,
)
from ltxstudio.api._urls import origin, redact_url
from ltxstudio.core.clock import Clock

T = TypeVar("T")


@dataclass(frozen=True)
class RetryNotice:
    """One wait before a retry, as the `retry` attribute of the INFO record the client logs
    for it (logger `ltxstudio.api`): what a log handler or a test reads, typed."""

    kind: CallKind
    attempt: int
    delay: float
    error: ApiError
    job_id: str | None = None


@dataclass(frozen=True)
class Call:
    kind: CallKind
    method: str
    url: str
    timeout: httpx.Timeout
    api: bool  # True: an API route under the base URL (gets Authorization)
    json_body: Any = None
    #: Headers per attempt (a resumed download asks for a different range each time).
    headers: Callable[[], Mapping[str, str]] = field(default=lambda: {})
    #: A fresh request body per attempt (uploads stream a file).
    content: Callable[[], AsyncIterator[bytes]] | None = None
    job_id: str | None = None
    endpoint: str | None = None  # submits: which generation endpoint
    follow_redirects: bool = False
    progress: Callable[[], int] | None = None
    #: `(status, attempt) -> True` for an error status that means success here (a create-only
    #: upload PUT sent again answers 412 when the first one landed).
    accept: Callable[[int, int], bool] | None = None
    #: Fewer attempts than the policy's (a key check should answer quickly, not patiently).
    max_attempts: int | None = None


def phase_of(exc: httpx.RequestError) -> Phase:
    """How far a request got when `exc` was raised."""
    if isinstance(
        exc,
        httpx.ConnectError
        | httpx.ConnectTimeout
        | httpx.PoolTimeout
        | httpx.ProxyError
        | httpx.UnsupportedProtocol
        | httpx.LocalProtocolError,
    ):
        return Phase.NOT_SENT
    if isinstance(exc, httpx.WriteError | httpx.WriteTimeout):
        return Phase.SENDING
    return Phase.SENT


class RequestLoop:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        api_key: str,
        base_url: str,
        clock: Clock,
        policy: RetryPolicy,
        rng: random.Random,
    ) -> None:
        self._http = http
        self._auth = f"Bearer {api_key}"
        self._key = api_key
        self._scrub = Scrubber(api_key)
        self.base_url = base_url
        self._base_origin = origin(base_url)
        self.clock = clock
        self.policy = policy
        self._rng = rng

    def __repr__(self) -> str:
        return f"RequestLoop(base_url={self.base_url!r})"

    def api_url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _build(self, call: Call) -> httpx.Request:
        headers = dict(call.headers())
        if call.api:
            if origin(call.url) != self._base_origin:
                raise RuntimeError("an API call must target the API base URL")
            headers["Authorization"] = self._auth
        elif any(self._key in v for v in headers.values()) or "authorization" in {
            k.lower() for k in headers
        }:
            # Pre-signed URLs carry their own credentials; the API key must never reach them.
            raise RuntimeError(f"refusing credentials on {redact_url(call.url)}")
        return self._http.build_request(
            call.method,
            call.url,
            json=call.json_body,
            content=call.content() if call.content is not None else None,
            headers=headers,
            timeout=call.timeout,
        )

    def _where(self, call: Call) -> str:
        if call.api:
            return f"{call.method} {httpx.URL(call.url).path}"
        return f"{call.method} {redact_url(call.url)}"

    async def run(self, call: Call, handle: Callable[[httpx.Response], Awaitable[T]]) -> T:
        started = self.clock.monotonic()
        attempt = 0
        marker = call.progress() if call.progress else 0
        where = self._where(call)
        while True:
            attempt += 1
            t0 = time.perf_counter()
            response: httpx.Response | None = None
            retry_after: float | None = None
            request_id: str | None = None
            try:
                response = await self._http.send(
                    self._build(call), stream=True, follow_redirects=call.follow_redirects
                )
                request_id = response.headers.get("x-request-id")
                accepted = call.accept is not None and call.accept(response.status_code, attempt)
                if response.is_success or accepted:
                    self._log_answer(call, where, response, t0, attempt)
                    return await handle(response)
                raw = await response.aread()
                retry_after = parse_retry_after(
                    response.headers.get("retry-after"), self.clock.time()
                )
                error: ApiError
                if call.api:
                    envelope = _envelope_of(raw)
                    if envelope is not None:
                        envelope = replace(envelope, message=self._scrub(envelope.message))
                    outcome: Outcome = HttpAnswer(
                        response.status_code, envelope.error_type if envelope else None
                    )
                    error = status_error(
                        response.status_code,
                        envelope,
                        request_id=request_id,
                        retry_after=retry_after,
                        fallback_text=self._scrub(raw[:400].decode("utf-8", "replace")),
                    )
                else:
                    # A signed-URL storage host: its own format, and nothing about our key.
                    outcome = HttpAnswer(response.status_code)
                    error = storage_error(
                        response.status_code,
                        raw[:2000],
                        what=where,
                        request_id=request_id,
                        retry_after=retry_after,
                    )
                self._log_answer(call, where, response, t0, attempt, error=error)
            except httpx.RequestError as exc:
                outcome = TransportFailure(phase_of(exc))
                detail = f"{type(exc).__name__} ({self._scrub(str(exc)) or 'no detail'})"
                error = self._connection_error(exc, f"{where}: {detail}", request_id)
                log.warning(
                    "%s failed after %.0f ms (attempt %d): %s%s",
                    where,
                    (time.perf_counter() - t0) * 1000,
                    attempt,
                    detail,
                    _job(call),
                )
            finally:
                if response is not None:
                    await response.aclose()

            if call.progress is not None and call.progress() > marker:
                marker = call.progress()
                attempt = 1  # this failure is the first since the transfer last advanced
            decision = decide(
                call.kind,
                outcome,
                attempt=attempt,
                retry_after=retry_after,
                elapsed=self.clock.monotonic() - started,
                rng=self._rng,
                policy=self.policy
                if call.max_attempts is None
                else replace(self.policy, max_attempts=call.max_attempts),
            )
            match decision.verdict:
                case Verdict.RETRY:
                    notice = RetryNotice(call.kind, attempt, decision.delay, error, call.job_id)
                    log.info(
                        "%s: retrying in %.2f s%s",
                        where,
                        decision.delay,
                        _job(call),
                        extra={"retry": notice},
                    )
                    await self.clock.sleep(decision.delay)
                case Verdict.FAIL:
                    if decision.reason:
                        log.warning("%s: %s%s", where, decision.reason, _job(call))
                    raise error
                case Verdict.UNKNOWN:
                    raise self.outcome_unknown(call, error) from error
                case _:
                    assert_never(decision.verdict)

    def outcome_unknown(self, call: Call, cause: ApiError) -> SubmitOutcomeUnknown:
        unknown = SubmitOutcomeUnknown(
            f"{self._where(call)}: {cause.message} — the server may have accepted the request",
            endpoint=call.endpoint or "",
            status=cause.status,
            error_type=cause.error_type,
            request_id=cause.request_id,
        )
        log.error("%s: outcome unknown, not re-sending (%s)", self._where(call), cause.message)
        return unknown

    @staticmethod
    def _connection_error(
        exc: httpx.RequestError, message: str, request_id: str | None
    ) -> ApiConnectionError:
        # Nothing sent (even a connect timeout) is CONNECTION: safe to send again later.
        timeout = isinstance(exc, httpx.TimeoutException) and phase_of(exc) is not Phase.NOT_SENT
        cls = ApiTimeoutError if timeout else ApiConnectionError
        return cls(message, request_id=request_id)

    def _log_answer(
        self,
        call: Call,
        where: str,
        response: httpx.Response,
        t0: float,
        attempt: int,
        *,
        error: ApiError | None = None,
    ) -> None:
        level = log.info if error is None else log.warning
        level(
            "%s -> %d in %.0f ms (attempt %d) request_id=%s%s%s",
            where,
            response.status_code,
            (time.perf_counter() - t0) * 1000,
            attempt,
            response.headers.get("x-request-id", "-"),
            _job(call),
            f": {error.error_type or 'error'}: {error.message}" if error else "",
        )


def _job(call: Call) -> str:
    return f" job={call.job_id}" if call.job_id else ""


def _envelope_of(raw: bytes) -> Envelope | None:
    try:
        return parse_envelope(json.loads(raw))
    except (ValueError, UnicodeDecodeError):
        return None
