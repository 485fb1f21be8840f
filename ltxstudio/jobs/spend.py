"""What the queue has (maybe) spent: estimates of jobs the API may have billed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from ltxstudio.jobs.model import Job


def spent_since(jobs: Iterable[Job], since: float, backend: str) -> Decimal:
    """Estimated spend on `backend` of jobs it may have billed since `since` (epoch seconds).

    Per backend: the sandbox's play money must not count against the live account's budget,
    nor the live spend show up as sandbox money (the journal holds both)."""
    return sum(
        (
            j.estimate_usd
            for j in jobs
            if j.backend == backend and j.charged and (j.submitted_at or 0) >= since
        ),
        Decimal(0),
    )


def start_of_day(now: float) -> float:
    """Local midnight before `now`: the daily budget follows the user's calendar day."""
    local = dt.datetime.fromtimestamp(now).astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
