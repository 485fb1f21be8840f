"""Backoff as pure functions: how long to wait before trying again.

Exponential from `base`, capped, with up to `jitter` of the delay taken off at random so clients
that failed together do not retry together (API-NOTES §6.3: up to 50 % jitter). A server's
`Retry-After` wins over the formula when present, within a cap; a hint longer than the cap means
"do not retry automatically" and the caller surfaces it instead.
"""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime


def backoff_delay(
    attempt: int,
    *,
    base: float = 1.0,
    cap: float = 60.0,
    jitter: float = 0.5,
    rng: random.Random | None = None,
) -> float:
    """Delay before retry number `attempt` (1 = the first retry)."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    raw = min(cap, base * 2.0 ** (attempt - 1))
    r = (rng or random).random()
    return raw * (1.0 - jitter * r)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now)
