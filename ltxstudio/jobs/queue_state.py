"""What the queue as a whole is doing: its holds, LTX's queue gate, its configuration and the
status the UI shows. Plain values, shared by the runner (which owns them) and the pipeline
(which proposes holds in its outcomes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ltxstudio.core.catalog import DEFAULT_CONCURRENCY, POLL_INTERVAL_SECONDS, POLL_JITTER_SECONDS
from ltxstudio.core.remote import ApiFailure, FailureKind


class HoldReason(StrEnum):
    USER = "user"
    FUNDS = "funds"
    AUTH = "auth"
    DISK = "disk"  # results cannot be written here (disk full, read-only): LTX keeps them 24 h


@dataclass(frozen=True)
class Hold:
    reason: HoldReason
    message: str
    required_amount: float | None = None
    required_unit: str | None = None


def funds_hold(
    message: str, kind: FailureKind, amount: float | None = None, unit: str | None = None
) -> Hold:
    """A 402 (on a submit, or in a failed job's status): nothing more is sent until the user
    resumes. A declined payment says so; insufficient funds give the amount when LTX does."""
    if kind is FailureKind.PAYMENT_DECLINED:
        message = f"the payment method was declined: {message}"
    return Hold(HoldReason.FUNDS, message, amount, unit)


def funds_hold_for(failure: ApiFailure) -> Hold:
    amount = failure.details.get("required_amount")
    unit = failure.details.get("required_unit")
    return funds_hold(
        failure.message,
        failure.kind,
        float(amount) if isinstance(amount, int | float) else None,
        str(unit) if unit else None,
    )


def auth_hold(failure: ApiFailure) -> Hold:
    return Hold(HoldReason.AUTH, f"the API key was refused: {failure.message}")


@dataclass(frozen=True)
class QueueGate:
    """Submissions wait after LTX said its queue is full: until `not_before`, and until one of
    `waiting_on` (our jobs that were pending then) has left `pending`."""

    not_before: float
    waiting_on: frozenset[str]

    def is_open(self, now: float, is_pending: Callable[[str], bool]) -> bool:
        if now < self.not_before:
            return False
        # Open once any job we waited on has left `pending` (rendering, ended, or removed).
        return not self.waiting_on or any(not is_pending(i) for i in self.waiting_on)

    def reason(self, now: float) -> str:
        wait = max(0.0, self.not_before - now)
        after = " and one of ours starts rendering" if self.waiting_on else ""
        return f"LTX's queue for your organisation is full: next submit in {wait:.0f} s{after}"


@dataclass(frozen=True)
class RunnerConfig:
    concurrency: int = DEFAULT_CONCURRENCY
    poll_interval: float = POLL_INTERVAL_SECONDS
    #: Up to this much is added to each poll wait at random (contract §5: every 5–6 s).
    poll_jitter: float = POLL_JITTER_SECONDS
    lease_ttl: float = 30.0
    daily_budget_usd: Decimal | None = None
    #: How long `stop()` lets in-flight submits finish before cancelling them (then unknown).
    submit_grace: float = 15.0


@dataclass(frozen=True)
class QueueStatus:
    hold: Hold | None
    limit: int
    max_limit: int
    running: int
    waiting: int
    spent_today_usd: Decimal
    daily_budget_usd: Decimal | None
    #: Why queued jobs wait although nothing holds the queue (LTX's queue is full), or None.
    throttled: str | None = None


class ConcurrencyLimit:
    """How many jobs may be in flight: the user's maximum, lowered to what was running when LTX
    refuses for concurrency, and raised back one step after `RAISE_AFTER` clean submits."""

    RAISE_AFTER = 3

    def __init__(self, maximum: int) -> None:
        self.maximum = max(1, maximum)
        self.current = self.maximum
        self._clean = 0

    def set_maximum(self, maximum: int) -> None:
        """The user's maximum; it also resets what refusals had lowered."""
        self.maximum = self.current = max(1, maximum)
        self._clean = 0

    def accepted(self) -> bool:
        """A clean submit; True when the limit went up."""
        self._clean += 1
        if self.current < self.maximum and self._clean >= self.RAISE_AFTER:
            self.current += 1
            self._clean = 0
            return True
        return False

    def refused(self, others_running: int) -> bool:
        """LTX refused for concurrency while `others_running` of ours were at LTX; True when
        the limit went down."""
        self._clean = 0
        lowered = max(1, min(self.current, others_running))
        changed = lowered != self.current
        self.current = lowered
        return changed
