"""The simulated account: a balance, reservations for running generations, and a ledger.

A submit reserves its estimate (so two concurrent jobs cannot both spend the last dollar), a
completed generation turns the reservation into a charge, and a failed one releases it: failed
jobs are not billed (API-NOTES §8). Prices come from `core.pricing`, the table the client's
estimate uses too, so "estimated" and "charged" agree in the sandbox by construction.

With a state dir every entry is also appended to its database, and a restart replays them: the
balance, the reservations and the charge totals are a function of the opening balance and the
entries, so nothing else needs saving and two writers cannot lose each other's updates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ltxstudio.core.pricing import usd_to_credits
from ltxstudio.sandbox.errors import ApiError, ErrorType
from ltxstudio.sandbox.statedb import StateDb


def money(amount: Decimal) -> str:
    """Dollars as text with at least two decimals: `9.94`, `0.0125`, `25.00`."""
    text = f"{amount.quantize(Decimal('0.0001')):f}"
    whole, _, cents = text.partition(".")
    return f"{whole}.{cents.rstrip('0').ljust(2, '0')}"


class EntryKind(StrEnum):
    RESERVE = "reserve"
    CHARGE = "charge"
    RELEASE = "release"
    DEPOSIT = "deposit"
    SET = "set"


@dataclass(frozen=True)
class LedgerEntry:
    at: float
    kind: EntryKind
    amount_usd: Decimal
    balance_usd: Decimal
    job_id: str | None = None
    endpoint: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "at": self.at,
            "kind": self.kind.value,
            "amount_usd": money(self.amount_usd),
            "balance_usd": money(self.balance_usd),
            "job_id": self.job_id,
            "endpoint": self.endpoint,
        }


class Ledger:
    def __init__(self, balance_usd: Decimal, db: StateDb | None = None) -> None:
        self.balance_usd = balance_usd
        self._reserved: dict[str, tuple[str, Decimal]] = {}
        self.entries: list[LedgerEntry] = []
        self.charges = 0
        self.charged_usd = Decimal(0)
        self._db = db

    @classmethod
    def restore(cls, opening_usd: Decimal, db: StateDb) -> Ledger:
        """The ledger a state dir's entries describe, writing on to that database."""
        ledger = cls(opening_usd)
        for at, kind, amount, balance, job_id, endpoint in db.load_entries():
            ledger._replay(
                LedgerEntry(
                    at, EntryKind(kind), Decimal(amount), Decimal(balance), job_id, endpoint
                )
            )
        ledger._db = db
        return ledger

    def _replay(self, entry: LedgerEntry) -> None:
        """Apply an entry as the live methods did; a charge counts only while its job is still
        reserved, so two processes that both settled one job (see `statedb.py`) bill it once."""
        match entry.kind:
            case EntryKind.RESERVE:
                if entry.job_id is None or entry.endpoint is None:
                    raise ValueError("a reserve entry without a job or an endpoint")
                self._reserved[entry.job_id] = (entry.endpoint, entry.amount_usd)
            case EntryKind.CHARGE:
                if entry.job_id is None or entry.job_id not in self._reserved:
                    return
                del self._reserved[entry.job_id]
                self.balance_usd -= entry.amount_usd
                self.charges += 1
                self.charged_usd += entry.amount_usd
            case EntryKind.RELEASE:
                if entry.job_id is None or entry.job_id not in self._reserved:
                    return
                del self._reserved[entry.job_id]
            case EntryKind.DEPOSIT:
                self.balance_usd += entry.amount_usd
            case EntryKind.SET:
                self.balance_usd = entry.amount_usd
        self.entries.append(entry)

    def reserved_ids(self) -> list[str]:
        return list(self._reserved)

    @property
    def reserved_usd(self) -> Decimal:
        return sum((amount for _, amount in self._reserved.values()), Decimal(0))

    @property
    def available_usd(self) -> Decimal:
        return self.balance_usd - self.reserved_usd

    def reserve(self, job_id: str, endpoint: str, amount: Decimal, now: float) -> None:
        """Hold `amount` for a new generation, or raise 402 when the balance cannot cover it."""
        self.require(amount)
        self._reserved[job_id] = (endpoint, amount)
        self._log(now, EntryKind.RESERVE, amount, job_id, endpoint)

    def require(self, amount: Decimal) -> None:
        """Raise 402 `insufficient_funds_error` when the available balance cannot cover `amount`."""
        if amount > self.available_usd:
            raise ApiError(
                402,
                ErrorType.INSUFFICIENT_FUNDS,
                f"Insufficient funds. Required: {usd_to_credits(amount)} credits",
            )

    def charge(self, job_id: str, now: float) -> Decimal:
        """Bill a finished generation; idempotent (a second call charges nothing)."""
        if job_id not in self._reserved:
            return Decimal(0)
        endpoint, amount = self._reserved.pop(job_id)
        self.balance_usd -= amount
        self.charges += 1
        self.charged_usd += amount
        self._log(now, EntryKind.CHARGE, amount, job_id, endpoint)
        return amount

    def release(self, job_id: str, now: float) -> None:
        """Drop the hold of a failed generation: nothing is billed."""
        if job_id in self._reserved:
            endpoint, amount = self._reserved.pop(job_id)
            self._log(now, EntryKind.RELEASE, amount, job_id, endpoint)

    def deposit(self, amount: Decimal, now: float) -> None:
        self.balance_usd += amount
        self._log(now, EntryKind.DEPOSIT, amount)

    def set_balance(self, amount: Decimal, now: float) -> None:
        self.balance_usd = amount
        self._log(now, EntryKind.SET, amount)

    def _log(
        self,
        now: float,
        kind: EntryKind,
        amount: Decimal,
        job_id: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        entry = LedgerEntry(now, kind, amount, self.balance_usd, job_id, endpoint)
        self.entries.append(entry)
        if self._db is not None:
            self._db.append_entry(
                now, kind.value, str(amount), str(self.balance_usd), job_id, endpoint
            )
