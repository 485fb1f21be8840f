from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.remote import FailureKind, JobRef
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.model import Job, JobState
from ltxstudio.jobs.queue_state import HoldReason, RunnerConfig
from ltxstudio.jobs.runner import Runner
from ltxstudio.jobs.store import JobStore
from tests.support.fake_backend import failure
from tests.unit.jobs.conftest import Engine

pytestmark = pytest.mark.asyncio
Make = Callable[..., Engine]


async def test_happy_path_respects_concurrency_and_keeps_results(make_engine: Make) -> None:
    e = make_engine(RunnerConfig(concurrency=2))
    jobs = e.add(5)
    done = await e.run_until_settled(jobs)
    assert [j.state for j in done] == [JobState.COMPLETED] * 5
    assert e.backend.max_remote_active == 2
    assert len(e.backend.accepted) == 5
    for job in done:
        assert job.remote is not None
        assert job.remote.request_id == f"req-{job.remote.id}"
        (out,) = job.outputs
        assert (
            Path(out.path).read_bytes() == f"https://storage.example/{job.remote.id}.mp4".encode()
        )
        assert len(out.sha256) == 64
        assert {"upload", "submit", "render", "download"} <= job.timings.keys()
        assert job.charged


async def test_concurrency_refusal_lowers_the_limit_and_requeues(make_engine: Make) -> None:
    e = make_engine(RunnerConfig(concurrency=3))
    e.backend.fail("submit", None, None, failure(FailureKind.CONCURRENCY_LIMITED, retry_after=7))
    retry_in: list[float] = []  # each time a job is given a retry time: how far ahead

    def on_change(index: int, old: Job, new: Job, fields: frozenset[str]) -> None:
        if "next_retry_at" in fields and new.next_retry_at is not None:
            retry_in.append(new.next_retry_at - e.clock.time())

    e.store.changed.connect(on_change)
    jobs = e.add(4)
    done = await e.run_until_settled(jobs)
    assert all(j.state is JobState.COMPLETED for j in done)
    assert e.backend.attempted_submits == 5
    assert len(e.backend.accepted) == 4  # the refused one was not accepted, then sent once more
    # Retry-After was waited out: the retry was set 7 s ahead, and not sent before that.
    assert retry_in == [7.0]
    refused = next(c for c in e.backend.calls if c.refused)
    (again,) = [c for c in e.backend.calls if c.body == refused.body and c is not refused]
    assert again.sent_at - refused.sent_at >= 7
    assert e.runner.limit == 2  # lowered to what was running; raised only after clean submits


async def test_insufficient_funds_pauses_the_queue_not_the_jobs(make_engine: Make) -> None:
    e = make_engine(RunnerConfig(concurrency=1))
    e.backend.fail(
        "submit",
        None,
        failure(
            FailureKind.INSUFFICIENT_FUNDS,
            "Insufficient funds. Required: 64 credits",
            status=402,
            details={"required_amount": 64, "required_unit": "credits"},
        ),
    )
    jobs = e.add(3)
    settled = await e.run_until_settled(jobs)
    hold = e.runner.hold
    assert hold is not None
    assert (hold.reason, hold.required_amount, hold.required_unit) == (
        HoldReason.FUNDS,
        64,
        "credits",
    )
    assert [j.state for j in settled] == [JobState.COMPLETED, JobState.QUEUED, JobState.QUEUED]
    assert settled[1].submitted_at is None  # refused: not billed, not counted as spend
    e.runner.resume()
    done = await e.run_until_settled(jobs)
    assert all(j.state is JobState.COMPLETED for j in done)
    assert len(e.backend.accepted) == 3


async def test_a_full_disk_pauses_the_queue_and_loses_no_paid_result(make_engine: Make) -> None:
    e = make_engine(RunnerConfig(concurrency=1))
    full = OSError(28, "No space left on device")
    e.backend.fail("download", full)  # type: ignore[arg-type]
    jobs = e.add(2)
    settled = await e.run_until_settled(jobs)
    hold = e.runner.hold
    assert hold is not None
    assert hold.reason is HoldReason.DISK
    assert "No space left on device" in hold.message
    assert [j.state for j in settled] == [JobState.DOWNLOADING, JobState.QUEUED]
    assert "No space left on device" in settled[0].note
    e.runner.resume()  # space freed: the attached job is downloaded, not submitted again
    done = await e.run_until_settled(jobs)
    assert [j.state for j in done] == [JobState.COMPLETED] * 2
    assert len(e.backend.accepted) == 2


async def test_unclear_submit_is_never_resent(make_engine: Make) -> None:
    e = make_engine()
    e.backend.fail("submit", failure(FailureKind.OUTCOME_UNKNOWN, "read timeout after sending"))
    (job,) = e.add(1)
    (done,) = await e.run_until_settled([job])
    assert done.state is JobState.OUTCOME_UNKNOWN
    assert "check before resubmitting" in done.note
    assert e.backend.attempted_submits == 1
    assert done.charged  # counted as possibly billed


async def test_invalid_request_fails_without_charge(make_engine: Make) -> None:
    e = make_engine()
    e.backend.fail("submit", failure(FailureKind.INVALID_REQUEST, "duration 7 s is not available"))
    (job,) = e.add(1)
    (done,) = await e.run_until_settled([job])
    assert done.state is JobState.FAILED
    assert done.note == "duration 7 s is not available"
    assert not done.charged


async def test_poll_blips_are_retried_and_404_expires(make_engine: Make) -> None:
    e = make_engine()
    e.backend.fail(
        "status",
        failure(FailureKind.SERVER, status=503),
        failure(FailureKind.TIMEOUT),
        failure(FailureKind.RATE_LIMITED, retry_after=30),
    )
    e.backend.fail("download", failure(FailureKind.CONNECTION))
    (job,) = e.add(1)
    (done,) = await e.run_until_settled([job])
    assert done.state is JobState.COMPLETED
    assert 30 in e.clock.sleeps  # Retry-After was honoured through the injected clock
    e.backend.fail("status", failure(FailureKind.NOT_FOUND, status=404))
    (job2,) = e.add(1)
    (gone,) = await e.run_until_settled([job2])
    assert gone.state is JobState.EXPIRED
    assert "404" in gone.note


async def test_budget_holds_a_job_for_approval(make_engine: Make) -> None:
    e = make_engine(RunnerConfig(daily_budget_usd=Decimal("1.00")))
    jobs = e.add(2)
    settled = await e.run_until_settled(jobs)
    assert settled[0].state is JobState.COMPLETED
    assert settled[1].state is JobState.AWAITING_APPROVAL
    assert "$0.28 over" in settled[1].note
    assert e.runner.status().spent_today_usd == Decimal("0.64")
    e.runner.approve(jobs[1].id)
    done = await e.run_until_settled(jobs)
    assert done[1].state is JobState.COMPLETED


async def test_user_pause_survives_a_restart_and_cancel_says_what_it_means(
    make_engine: Make, tmp_path: Path
) -> None:
    e = make_engine()
    e.runner.pause()
    jobs = e.add(2)
    settled = await e.run_until_settled(jobs)
    assert all(j.state is JobState.QUEUED for j in settled)
    await e.stop()
    again = Runner(e.store, e.backend, e.clock, tmp_path / "results")
    assert again.hold is not None
    assert again.hold.reason is HoldReason.USER
    cancelled = again.cancel(jobs[0].id)
    assert cancelled.state is JobState.CANCELLED
    assert "nothing was charged" in cancelled.note


async def test_cancel_of_an_accepted_job_warns_it_may_bill(make_engine: Make) -> None:
    e = make_engine()
    e.backend.render_seconds = 1e9
    (job,) = e.add(1)
    e.start()
    await e.reach(job.id, JobState.PROCESSING)
    cancelled = e.runner.cancel(job.id)
    assert "may still finish and bill" in cancelled.note
    assert cancelled.charged


async def test_reorder_changes_what_runs_first(make_engine: Make) -> None:
    e = make_engine(RunnerConfig(concurrency=1))
    jobs = e.add(3)
    e.store.move(jobs[2].id, 0)
    assert [j.id for j in e.store] == [jobs[2].id, jobs[0].id, jobs[1].id]
    await e.run_until_settled(jobs)
    order = sorted(e.store, key=lambda j: j.submitted_at or 0)
    assert order[0].id == jobs[2].id


async def test_recovery_after_a_crash(make_engine: Make, tmp_path: Path) -> None:
    e = make_engine()
    uploading, submitting, pending = e.add(3)
    e.store.update(uploading.id, state=JobState.UPLOADING)
    e.store.update(submitting.id, state=JobState.UPLOADING, prepared=submitting.spec.request)
    e.store.update(submitting.id, state=JobState.SUBMITTING, submitted_at=e.clock.time())
    e.backend.remote["r-old"] = e.clock.time()
    for state in (JobState.UPLOADING, JobState.SUBMITTING):
        e.store.update(pending.id, state=state, submitted_at=e.clock.time())
    e.store.update(
        pending.id, state=JobState.PENDING, remote=JobRef(Endpoint.TEXT_TO_VIDEO, "r-old")
    )
    # a new process opens the same journal
    journal = Journal(tmp_path / "journal.db")
    store = JobStore(journal, e.clock)
    runner = Runner(store, e.backend, e.clock, tmp_path / "results")
    task = asyncio.get_running_loop().create_task(runner.run())
    try:
        done = await asyncio.wait_for(runner.drain([uploading.id, submitting.id, pending.id]), 30)
    finally:
        await runner.stop()
        await task
        journal.close()
    states = {j.id: j.state for j in done}
    assert states[uploading.id] is JobState.COMPLETED
    assert states[submitting.id] is JobState.OUTCOME_UNKNOWN
    assert states[pending.id] is JobState.COMPLETED
    assert "r-old" not in e.backend.accepted  # re-attached, not resubmitted
    assert len(e.backend.accepted) == 1  # only the requeued upload was submitted


async def test_a_job_leased_by_a_live_process_is_left_alone(
    make_engine: Make, tmp_path: Path
) -> None:
    e = make_engine()
    (job,) = e.add(1)
    other = Journal(tmp_path / "journal.db")
    try:
        assert other.claim(job.id, e.clock.time(), ttl=3600)  # a live process drives it
        e.start()
        # Let the runner idle through ten minutes of simulated time: it must not touch the job.
        target = e.clock.time() + 600
        while e.clock.time() < target:
            await e.clock.sleep(60)
        assert e.store.get(job.id).state is JobState.QUEUED
        assert e.backend.attempted_submits == 0
        other.release(job.id)  # that process finished with it
        e.runner.wake()
        (done,) = await e.run_until_settled([job])
        assert done.state is JobState.COMPLETED
        assert e.backend.attempted_submits == 1
    finally:
        other.close()


async def test_finalizer_failure_keeps_the_result(make_engine: Make) -> None:
    async def broken(job: object) -> None:
        raise RuntimeError("library schema mismatch")

    e = make_engine(finalize=broken)
    (job,) = e.add(1)
    (done,) = await e.run_until_settled([job])
    assert done.state is JobState.FAILED
    assert "the result is safe at" in done.note
    assert "library schema mismatch" in done.note  # the note says why, too
    assert Path(done.outputs[0].path).exists()
    assert done.charged


async def test_a_disk_error_while_filing_holds_and_files_again(make_engine: Make) -> None:
    filed: list[str] = []

    async def flaky(job: Job) -> None:
        if not filed:
            filed.append("refused")
            raise OSError(28, "No space left on device", "/library/take.mp4")
        filed.append(job.id)

    e = make_engine(finalize=flaky)
    (job,) = e.add(1)
    (held,) = await e.run_until_settled([job])
    assert held.state is JobState.DOWNLOADING
    assert e.runner.hold is not None
    assert e.runner.hold.reason is HoldReason.DISK
    assert "/library/take.mp4: No space left on device" in held.note
    e.runner.resume()
    (done,) = await e.run_until_settled([job])
    assert done.state is JobState.COMPLETED
    assert filed == ["refused", job.id]
    assert len(e.backend.downloads) == 1  # filed again from the result already on disk


async def test_a_cancel_while_submitting_is_refused_and_the_answer_is_kept(
    make_engine: Make,
) -> None:
    """Issue 12: the refusal used to drop the job's task first, so the slot went to the next
    job and a resume() then marked the in-flight submit unknown, losing LTX's id."""
    e = make_engine(RunnerConfig(concurrency=1))
    e.backend.hold_submits = True
    first, second = e.add(2)
    e.start()
    await e.reach(first.id, JobState.SUBMITTING)
    (call,) = e.backend.held()
    with pytest.raises(ValueError, match="being submitted right now"):
        e.runner.cancel(first.id)
    assert e.runner.active_ids() == {first.id}  # still driven, still holding the one slot
    e.runner.resume()
    for _ in range(20):  # let the loop turn: nothing else may start, nothing may be resolved
        await e.clock.sleep(0)
    assert e.store.get(first.id).state is JobState.SUBMITTING
    assert e.store.get(second.id).state is JobState.QUEUED
    e.backend.hold_submits = False
    e.backend.answer(call)
    done = await e.run_until_settled([first, second])
    assert [j.state for j in done] == [JobState.COMPLETED] * 2
    assert done[0].remote is not None
    assert done[0].remote.id == call.remote_id
    assert e.backend.max_remote_active == 1
