"""Spending is tallied per backend (issue 14, item 2): the sandbox's play money never counts
against the live account's daily budget, and the live spend is not shown as sandbox money."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from ltxstudio.core.clock import ManualClock
from ltxstudio.jobs.model import JobState
from ltxstudio.jobs.queue_state import RunnerConfig
from ltxstudio.jobs.spend import spent_since
from ltxstudio.jobs.store import JobStore
from tests.support.fake_backend import FakeBackend
from tests.unit.jobs.conftest import Engine, spec

Make = Callable[..., Engine]

pytestmark = pytest.mark.asyncio


def _charged(store: JobStore, backend: str, usd: str) -> None:
    """A job that backend accepted (so it may be billed), done."""
    job = store.add(spec(f"on {backend}"), estimate_usd=Decimal(usd), backend=backend)
    store.update(job.id, state=JobState.UPLOADING)
    store.update(job.id, state=JobState.SUBMITTING, submitted_at=store.clock.time())
    store.update(job.id, state=JobState.PENDING)
    store.update(job.id, state=JobState.PROCESSING)
    store.update(job.id, state=JobState.DOWNLOADING)
    store.update(job.id, state=JobState.COMPLETED, finished_at=store.clock.time())


async def test_the_sandbox_spend_is_not_the_accounts(make_engine: Make, clock: ManualClock) -> None:
    live = FakeBackend(clock, name="https://api.ltx.io")
    e = make_engine(RunnerConfig(daily_budget_usd=Decimal("5.00")), live)
    _charged(e.store, "sandbox", "12.78")  # an afternoon of sandbox play money
    _charged(e.store, "https://api.ltx.io", "1.50")
    assert spent_since(e.store, 0, "sandbox") == Decimal("12.78")
    assert spent_since(e.store, 0, "https://api.ltx.io") == Decimal("1.50")
    assert e.runner.status().spent_today_usd == Decimal("1.50")

    (job,) = [e.store.add(spec("real"), estimate_usd=Decimal("3.00"), backend=live.name)]
    (done,) = await e.run_until_settled([job])
    # $1.50 + $3.00 stays under the $5 budget: the sandbox's $12.78 is not in the sum.
    assert done.state is JobState.COMPLETED
    assert e.runner.status().spent_today_usd == Decimal("4.50")
