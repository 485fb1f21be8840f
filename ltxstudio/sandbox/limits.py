"""The request-rate limit: a sliding window on the injected clock (API-NOTES §6.3).

The queue limit lives with the jobs (it depends on which v2 jobs are still waiting).
"""

from __future__ import annotations

from collections import deque

from ltxstudio.core.clock import Clock
from ltxstudio.sandbox.config import RateLimit
from ltxstudio.sandbox.errors import ApiError, ErrorType


class RateLimiter:
    def __init__(self, limit: RateLimit, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._stamps: deque[float] = deque()

    def admit(self) -> None:
        """Count one request, or raise 429 `rate_limit_error` with the wait until a slot frees.

        Refused requests are not counted, so a client that honours Retry-After gets through.
        """
        now = self._clock.monotonic()
        horizon = now - self.limit.window_seconds
        while self._stamps and self._stamps[0] <= horizon:
            self._stamps.popleft()
        if len(self._stamps) >= self.limit.requests:
            wait = self._stamps[0] + self.limit.window_seconds - now
            raise ApiError(
                429,
                ErrorType.RATE_LIMIT,
                "Too many requests. Please try again later.",
                retry_after=wait,
            )
        self._stamps.append(now)
