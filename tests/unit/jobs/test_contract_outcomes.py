"""How the engine answers what the 2026-09 contract says the API (and its storage) can answer.

Each test scripts the engine's port (`FakeBackend`) on a ManualClock: storage refusing a result
URL, a 403 `permission_error`, a 429 `rate_limit_error` (a full queue at LTX), a declined
payment, a 402 inside a failed job's status, and uploads that outlive their 24 h.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ltxstudio.core.clock import ManualClock
from ltxstudio.core.remote import (
    Completed,
    Downloaded,
    Failed,
    FailureKind,
    JobRef,
    JobStatus,
    Progress,
    ResultKey,
)
from ltxstudio.core.request import ImageToVideo, LocalFile, Request
from ltxstudio.jobs.model import JobSpec, JobState
from ltxstudio.jobs.queue_state import HoldReason, RunnerConfig
from tests.support.fake_backend import FakeBackend, failure
from tests.unit.jobs.conftest import Engine

pytestmark = pytest.mark.asyncio

Make = Callable[..., Engine]
NO_JITTER = {"poll_jitter": 0.0}


class SigningBackend(FakeBackend):
    """Hands out a freshly signed result URL on every status, like LTX's storage does."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.signed = 0
        self.prepared = 0
        self.failed_with: dict[str, Failed] = {}  # remote id → the status it ends with
        self.tried: list[str] = []  # every URL a download was attempted from

    async def status(self, ref: JobRef) -> JobStatus:
        found = await super().status(ref)
        if ref.id in self.failed_with:
            return self.failed_with[ref.id]
        if isinstance(found, Completed):
            self.signed += 1
            return Completed(
                {ResultKey.VIDEO: f"https://storage.example/{ref.id}.mp4?sig={self.signed}"}
            )
        return found

    async def prepare(self, request: Request, progress: Progress) -> Request:
        self.prepared += 1
        return await super().prepare(request, progress)

    async def download(self, url: str, dest: Path, progress: Progress) -> Downloaded:
        self.tried.append(url)
        return await super().download(url, dest, progress)


def refused_url(code: str = "ExpiredToken") -> Any:
    return failure(FailureKind.STORAGE_REFUSED, f"the signed URL has expired ({code})", status=400)


@pytest.fixture
def signing(clock: ManualClock) -> SigningBackend:
    return SigningBackend(clock)


async def test_an_expired_result_url_is_fetched_again_from_a_fresh_status(
    make_engine: Make, signing: SigningBackend
) -> None:
    e = make_engine(RunnerConfig(**NO_JITTER), signing)
    signing.fail("download", refused_url(), refused_url("AccessDenied"))
    (job,) = e.add(1)
    (done,) = await e.run_until_settled([job])
    assert done.state is JobState.COMPLETED
    assert e.runner.hold is None  # storage said nothing about the key
    # One status to learn it finished, then one fresh URL per refusal.
    assert done.remote is not None
    remote = done.remote.id
    assert signing.tried == [f"https://storage.example/{remote}.mp4?sig={n}" for n in (1, 2, 3)]
    assert len(signing.accepted) == 1  # never re-submitted


async def test_a_refused_url_whose_status_is_gone_expires_the_job_saying_why(
    make_engine: Make, signing: SigningBackend
) -> None:
    e = make_engine(RunnerConfig(**NO_JITTER), signing)
    signing.fail("download", refused_url())
    signing.fail("status", None, None, None, failure(FailureKind.NOT_FOUND, status=404))
    (job,) = e.add(1)
    (done,) = await e.run_until_settled([job])
    assert done.state is JobState.EXPIRED
    assert "the result expired before it was downloaded" in done.note
    assert e.runner.hold is None


async def test_a_permission_error_fails_that_job_alone(make_engine: Make) -> None:
    e = make_engine(RunnerConfig(concurrency=1, **NO_JITTER))
    e.backend.fail(
        "submit",
        failure(
            FailureKind.PERMISSION,
            "This endpoint is not available for your account",
            status=403,
            request_id="req-403",
        ),
    )
    jobs = e.add(3)
    done = await e.run_until_settled(jobs)
    assert [j.state for j in done] == [JobState.FAILED, JobState.COMPLETED, JobState.COMPLETED]
    assert "not available for your account" in done[0].note
    assert "req-403" in done[0].note
    assert e.runner.hold is None  # the queue kept running: no "key refused"
    assert not done[0].charged


async def test_a_full_queue_at_ltx_waits_for_one_of_ours_without_lowering_concurrency(
    make_engine: Make, clock: ManualClock
) -> None:
    e = make_engine(RunnerConfig(concurrency=2, **NO_JITTER))
    sent_at: list[float] = []
    submit = e.backend.submit

    async def timed(request: Request) -> JobRef:
        sent_at.append(clock.time())
        return await submit(request)

    e.backend.submit = timed  # type: ignore[method-assign]
    e.backend.fail(
        "submit",
        None,
        failure(FailureKind.RATE_LIMITED, "Queue limit exceeded", status=429, retry_after=30),
    )
    throttled: list[str] = []
    e.runner.queue_changed.connect(lambda s: throttled.append(s.throttled or ""))
    jobs = e.add(3)
    done = await e.run_until_settled(jobs)
    assert [j.state for j in done] == [JobState.COMPLETED] * 3
    refused_at = sent_at[1]
    assert all(t >= refused_at + 30 for t in sent_at[2:])  # Retry-After honoured
    assert len(sent_at) == 4  # the refused one once more, and the third
    assert e.runner.limit == 2  # not a concurrency refusal: the user's setting stands
    assert any("queue for your organisation is full" in t for t in throttled)
    assert e.runner.status().throttled is None  # lifted once one of ours started


async def test_a_declined_payment_holds_the_queue_with_its_own_sentence(make_engine: Make) -> None:
    e = make_engine(RunnerConfig(concurrency=1, **NO_JITTER))
    e.backend.fail("submit", failure(FailureKind.PAYMENT_DECLINED, "Card declined", status=402))
    jobs = e.add(2)
    settled = await e.run_until_settled(jobs)
    hold = e.runner.hold
    assert hold is not None
    assert hold.reason is HoldReason.FUNDS
    assert "declined" in hold.message
    assert [j.state for j in settled] == [JobState.QUEUED, JobState.QUEUED]
    assert "declined" in settled[0].note


async def test_a_402_in_a_failed_status_holds_the_queue_like_on_submit(
    make_engine: Make, signing: SigningBackend
) -> None:
    e = make_engine(RunnerConfig(concurrency=1, **NO_JITTER), signing)
    (first, second) = e.add(2)
    ended = Failed(
        "insufficient_funds_error",
        "Insufficient funds. Required: 64 credits",
        kind=FailureKind.INSUFFICIENT_FUNDS,
    )
    signing.failed_with["r1"] = ended
    settled = await e.run_until_settled([first, second])
    hold = e.runner.hold
    assert hold is not None
    assert hold.reason is HoldReason.FUNDS
    assert settled[0].state is JobState.FAILED
    assert "not billed" in settled[0].note
    assert not settled[0].charged
    assert settled[1].state is JobState.QUEUED  # behind the hold, not sent
    assert len(signing.accepted) == 1


@pytest.mark.parametrize(
    ("held_for", "prepares"),
    [
        (23 * 3600 + 60, 2),  # the user tops up the next day: the uploads would die at 24 h
        (3600, 1),  # an hour later the prepared body is still good: nothing is uploaded again
    ],
)
async def test_uploads_older_than_23_hours_are_made_again_before_the_submit(
    make_engine: Make, signing: SigningBackend, clock: ManualClock, held_for: int, prepares: int
) -> None:
    e = make_engine(RunnerConfig(concurrency=1, **NO_JITTER), signing)
    signing.fail(
        "submit", failure(FailureKind.INSUFFICIENT_FUNDS, "Insufficient funds", status=402)
    )
    job = e.store.add(
        JobSpec(ImageToVideo(prompt="p", image_uri=LocalFile("/tmp/first.png"))),
        estimate_usd=Decimal("0.64"),
        backend="fake",
    )
    (held,) = await e.run_until_settled([job])
    assert held.state is JobState.QUEUED
    assert signing.prepared == 1
    clock.advance(held_for)
    e.runner.resume()
    (done,) = await e.run_until_settled([job])
    assert done.state is JobState.COMPLETED
    assert signing.prepared == prepares


async def test_polls_are_five_to_six_seconds_apart(make_engine: Make, clock: ManualClock) -> None:
    e = make_engine(RunnerConfig(poll_interval=5.0))
    (job,) = e.add(1)
    await e.run_until_settled([job])
    polls = [s for s in clock.sleeps if 5.0 <= s <= 6.0]
    assert len(polls) >= 2
    assert len(set(polls)) > 1  # jittered, not in lockstep
