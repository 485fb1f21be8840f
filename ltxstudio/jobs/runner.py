# Over 400 lines on purpose: the queue's one owner; dispatch, controls, applied outcomes.
"""The queue runner: which job runs next, how many at once, and when the whole queue waits.

- **Concurrency** follows the account: at most `limit` jobs between upload and the end of
  rendering. A `concurrency_limit_error` lowers the limit to what was running; it is raised back
  one step after `RAISE_AFTER` clean submits, never above the configured maximum.
- **Holds** stop dispatch for the whole queue, not job by job: the user pausing, a 402 (with
  the amount the API asked for) or a 401. Running remote jobs keep being polled and downloaded.
- **A full queue at LTX** (429 `rate_limit_error` on a v2 submit: the organisation's queue of
  waiting jobs is full, contract §5) is not a reason to run fewer at once: further submissions
  wait until one of our pending jobs starts rendering (or ends), and at least the `Retry-After`,
  with the user's concurrency untouched; no user action is needed, so it is not a hold.
- **Budget**: a job that would take today's estimated spend over the daily budget waits in
  AWAITING_APPROVAL until the user approves it.
- **Recovery** on start: jobs another process left behind are re-attached by `(endpoint, id)`;
  an upload restarts (uploads are free); a submit that may have been sent becomes
  OUTCOME_UNKNOWN and is never resent.
- **Leases** in the journal make sure one live process drives a job at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import assert_never

from ltxstudio.core.clock import Clock
from ltxstudio.core.events import Signal
from ltxstudio.jobs.model import ACTIVE, Job, JobState
from ltxstudio.jobs.notes import UNKNOWN_NOTE
from ltxstudio.jobs.outcome import Accepted, Continue, Ended, Held, Outcome, Refused
from ltxstudio.jobs.pipeline import Pipeline
from ltxstudio.jobs.ports import Finalizer, GenerationBackend
from ltxstudio.jobs.queue_state import (
    ConcurrencyLimit,
    Hold,
    HoldReason,
    QueueGate,
    QueueStatus,
    RunnerConfig,
)
from ltxstudio.jobs.spend import spent_since, start_of_day
from ltxstudio.jobs.store import JobStore

log = logging.getLogger("ltxstudio.jobs")


class Runner:
    def __init__(
        self,
        store: JobStore,
        backend: GenerationBackend,
        clock: Clock,
        results_dir: Path,
        config: RunnerConfig | None = None,
        finalize: Finalizer | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.backend = backend
        self.clock = clock
        self.config = config or RunnerConfig()
        self._limit = ConcurrencyLimit(self.config.concurrency)
        self.queue_changed: Signal[[QueueStatus]] = Signal("queue.changed")
        self._hold: Hold | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._last_renewal = float("-inf")
        self._gate: QueueGate | None = None
        self._rng = rng or random.Random()
        self._pipeline = Pipeline(store, backend, clock, results_dir, self.poll_delay, finalize)
        store.changed.connect(self._on_job_changed)
        stored = store.journal.get_meta("hold")
        if stored and stored.get("reason") == HoldReason.USER:
            self._hold = Hold(HoldReason.USER, stored.get("message", "paused"))

    # ------------------------------------------------------------------ status

    @property
    def hold(self) -> Hold | None:
        return self._hold

    @property
    def limit(self) -> int:
        """How many jobs may be in flight now (at most the configured concurrency)."""
        return self._limit.current

    def status(self) -> QueueStatus:
        jobs = list(self.store)
        return QueueStatus(
            hold=self._hold,
            limit=self.limit,
            max_limit=self.config.concurrency,
            running=len(self._tasks),
            waiting=sum(j.state in (JobState.QUEUED, JobState.AWAITING_APPROVAL) for j in jobs),
            spent_today_usd=spent_since(jobs, start_of_day(self.clock.time()), self.backend.name),
            daily_budget_usd=self.config.daily_budget_usd,
            throttled=self._gate.reason(self.clock.time()) if self._gate else None,
        )

    def active_ids(self) -> set[str]:
        return set(self._tasks)

    # ------------------------------------------------------------------ controls

    def pause(self, message: str = "paused") -> None:
        self._set_hold(Hold(HoldReason.USER, message))

    def resume(self) -> None:
        """Lift any hold (after a top-up, a new key or freed space too) and drive everything
        again, the accepted jobs a hold stopped included."""
        self._set_hold(None)
        self.recover()
        self.wake()

    def set_concurrency(self, limit: int) -> None:
        """The user's maximum; it also resets what refusals had lowered."""
        self.config = replace(self.config, concurrency=max(1, limit))
        self._limit.set_maximum(limit)
        self._emit()
        self.wake()

    def set_budget(self, budget: Decimal | None) -> None:
        self.config = replace(self.config, daily_budget_usd=budget)
        self._emit()
        self.wake()

    def set_poll_interval(self, seconds: float) -> None:
        """From the next poll of every job on (a poll already waiting keeps its time)."""
        self.config = replace(self.config, poll_interval=seconds)

    def approve(self, job_id: str) -> None:
        job = self.store.get(job_id)
        if job.state is not JobState.AWAITING_APPROVAL:
            raise ValueError(f"job is {job.state.label}, not waiting for approval")
        self.store.update(job_id, state=JobState.QUEUED, approved=True, note="")
        self.wake()

    def cancel(self, job_id: str) -> Job:
        """Stop working on a job. LTX has no cancel endpoint: a job it accepted may still
        finish and be billed, which the note says."""
        job = self.store.get(job_id)
        if job.state.terminal:
            return job
        if job.state is JobState.SUBMITTING:
            # The POST may be in flight; cancelling it now could lose an accepted job's id.
            # Refused before its task is touched: the task must stay counted and driving, so
            # the answer is journaled and the slot is not handed to another job meanwhile.
            raise ValueError("this job is being submitted right now; cancel it in a moment")
        task = self._tasks.pop(job_id, None)
        if task is not None:
            task.cancel()
        match job.state:
            case JobState.PENDING | JobState.PROCESSING:
                note = "cancelled here; LTX has no cancel endpoint, so it may still finish and bill"
            case JobState.DOWNLOADING:
                note = "cancelled while downloading; the result was billed and is discarded"
            case _:
                note = "cancelled before it was sent; nothing was charged"
        job = self.store.update(
            job_id,
            state=JobState.CANCELLED,
            note=note,
            finished_at=self.clock.time(),
            progress=None,
            next_retry_at=None,
        )
        self.store.journal.release(job_id)
        self.wake()
        return job

    def wake(self) -> None:
        self._wake.set()

    # ------------------------------------------------------------------ running

    async def run(self) -> None:
        """Drive the queue until `stop()`. Re-attaches what an earlier run left first."""
        self.recover()
        while not self._stopping:
            self._renew_leases()
            self._dispatch()
            await self._wait(self._next_wake_in())

    def recover(self) -> None:
        now = self.clock.time()
        for job in self.store.in_state(*ACTIVE):
            if job.backend != self.backend.name or job.id in self._tasks:
                continue
            if not self.store.journal.claim(job.id, now, self.config.lease_ttl):
                continue  # another live process drives it
            job = self.store.reload(job.id)
            match job.state:
                case JobState.UPLOADING:
                    self.store.update(job.id, state=JobState.QUEUED, progress=None)
                    self.store.journal.release(job.id)
                case JobState.SUBMITTING:
                    self.store.update(
                        job.id,
                        state=JobState.OUTCOME_UNKNOWN,
                        note=f"interrupted while submitting: {UNKNOWN_NOTE}",
                        finished_at=now,
                    )
                    self.store.journal.release(job.id)
                case JobState.PENDING | JobState.PROCESSING | JobState.DOWNLOADING:
                    self._start(job)
                case _:
                    self.store.journal.release(job.id)

    async def stop(self) -> None:
        """Stop driving; remote jobs keep running at LTX and are re-attached next start."""
        self._stopping = True
        self.wake()
        submitting = [
            t
            for job_id, t in self._tasks.items()
            if self.store.get(job_id).state is JobState.SUBMITTING
        ]
        if submitting:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*submitting, return_exceptions=True), self.config.submit_grace
                )
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self.store.journal.release()

    async def drain(self, job_ids: Iterable[str]) -> list[Job]:
        """Wait until these jobs are terminal, or stuck behind a hold or an approval."""
        ids = list(job_ids)
        changed = asyncio.Event()

        def on_change(*_: object) -> None:
            changed.set()

        self.store.changed.connect(on_change)
        self.queue_changed.connect(on_change)
        try:
            while True:
                jobs = [self.store.get(i) for i in ids]
                idle = not any(i in self._tasks for i in ids)
                blocked = self._hold is not None and idle
                waiting = idle and any(j.state is JobState.AWAITING_APPROVAL for j in jobs)
                if all(j.state.terminal for j in jobs) or blocked or waiting:
                    return jobs
                changed.clear()
                await changed.wait()
        finally:
            self.store.changed.disconnect(on_change)
            self.queue_changed.disconnect(on_change)

    def poll_delay(self) -> float:
        """Seconds until the next status poll: the interval plus jitter, so many clients (and
        many jobs of one) do not poll in lockstep."""
        return self.config.poll_interval + self._rng.uniform(0.0, self.config.poll_jitter)

    # ------------------------------------------------------------------ the pipeline's outcomes

    def _apply(self, job_id: str, outcome: Outcome) -> None:
        """The one place a step's outcome changes the queue: holds, the limit, LTX's gate."""
        match outcome:
            case Continue():
                pass  # the job goes on to its next step; nothing about the queue changed
            case Accepted():
                self._submit_accepted()
            case Refused(hold=hold, lower_concurrency=lower, queue_full_for=queue_full_for):
                if hold is not None:
                    self._set_hold(hold)
                if lower:
                    self._concurrency_refused(job_id)
                if queue_full_for is not None:
                    self._queue_full(queue_full_for)
            case Held(hold=hold):
                self._set_hold(hold)
            case Ended(hold=hold):
                if hold is not None:
                    self._set_hold(hold)
            case _:
                assert_never(outcome)

    def _submit_accepted(self) -> None:
        if self._limit.accepted():
            log.info("concurrency raised back to %d", self.limit)
            self._emit()

    def _concurrency_refused(self, job_id: str) -> None:
        before = self.limit
        others = sum(1 for i in self._tasks if i != job_id and self.store.get(i).state.remote)
        if self._limit.refused(others):
            log.info("LTX refused for concurrency: limit %d → %d", before, self.limit)
            self._emit()

    def _queue_full(self, retry_after: float) -> None:
        """LTX refused a submit because its queue of waiting jobs is full (see the module)."""
        pending = frozenset(
            j.id for j in self.store.in_state(JobState.PENDING) if j.id in self._tasks
        )
        self._gate = QueueGate(self.clock.time() + retry_after, pending)
        log.info(
            "LTX's queue is full: next submit in %.0f s at the earliest%s",
            retry_after,
            f", after one of {len(pending)} pending job(s) starts" if pending else "",
        )
        self._emit()

    # ------------------------------------------------------------------ internals

    def _dispatch(self) -> None:
        if self._hold is not None:
            return
        now = self.clock.time()
        if self._gate is not None:
            if not self._gate.is_open(now, self._is_pending):
                return
            self._gate = None
            self._emit()
        budget = self.config.daily_budget_usd
        spent = (
            spent_since(self.store, start_of_day(now), self.backend.name)
            if budget is not None
            else Decimal(0)
        )
        for job in self.store.in_state(JobState.QUEUED):
            if len(self._running_slots()) >= self.limit:
                return
            if job.backend != self.backend.name or job.id in self._tasks:
                continue
            if job.next_retry_at is not None and job.next_retry_at > now:
                continue
            if budget is not None and not job.approved and spent + job.estimate_usd > budget:
                over = spent + job.estimate_usd - budget
                self.store.update(
                    job.id,
                    state=JobState.AWAITING_APPROVAL,
                    note=f"needs approval: ${over:.2f} over today's ${budget:.2f} budget",
                )
                continue
            if not self.store.journal.claim(job.id, now, self.config.lease_ttl):
                continue
            job = self.store.reload(job.id)
            if job.state is not JobState.QUEUED:
                self.store.journal.release(job.id)
                continue
            spent += job.estimate_usd
            self._start(job)

    def _running_slots(self) -> list[str]:
        """Jobs that hold one of the account's slots (or are about to: uploading)."""
        return [
            i
            for i in self._tasks
            if self.store.get(i).state in (JobState.QUEUED, JobState.UPLOADING, JobState.SUBMITTING)
            or self.store.get(i).state.remote
        ]

    def _start(self, job: Job) -> None:
        task = asyncio.get_running_loop().create_task(self._run_one(job), name=f"job-{job.id}")
        self._tasks[job.id] = task

    async def _run_one(self, job: Job) -> None:
        try:
            for step in self._pipeline.steps_for(job.state):
                outcome = await step(job)
                self._apply(job.id, outcome)
                if not isinstance(outcome, Continue | Accepted):
                    break
                job = outcome.job
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("job %s: the runner failed while driving it", job.id)
        finally:
            if self._tasks.get(job.id) is asyncio.current_task():
                del self._tasks[job.id]
            current = self.store.get(job.id)
            if current.state.terminal or current.state is JobState.QUEUED:
                self.store.journal.release(job.id)
            self.wake()

    def _renew_leases(self) -> None:
        now = self.clock.monotonic()
        if self._tasks and now - self._last_renewal >= self.config.lease_ttl / 3:
            self.store.journal.renew(self.clock.time(), self.config.lease_ttl)
            self._last_renewal = now

    def _is_pending(self, job_id: str) -> bool:
        try:
            return self.store.get(job_id).state is JobState.PENDING
        except KeyError:
            return False

    def _on_job_changed(self, index: int, old: Job, new: Job, fields: frozenset[str]) -> None:
        gate = self._gate
        if gate is not None and "state" in fields and new.id in gate.waiting_on:
            self.wake()

    def _next_wake_in(self) -> float:
        now = self.clock.time()
        delays = [self.config.lease_ttl / 3] if self._tasks else [60.0]
        if self._gate is not None:
            delays.append(max(0.0, self._gate.not_before - now))
        for job in self.store.in_state(JobState.QUEUED):
            # A retry time already past is no reason to wake: the job is eligible now and
            # waits for a slot (freed slots wake the loop) or for the gate (in the delays).
            # Counting it would spin the loop without end while no slot is free.
            due = job.next_retry_at
            if due is not None and due > now and job.backend == self.backend.name:
                delays.append(due - now)
        return min(delays)

    async def _wait(self, seconds: float) -> None:
        self._wake.clear()
        waiter = asyncio.ensure_future(self._wake.wait())
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        try:
            await asyncio.wait({waiter, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (waiter, sleeper):
                task.cancel()
            await asyncio.gather(waiter, sleeper, return_exceptions=True)

    def _set_hold(self, hold: Hold | None) -> None:
        if hold == self._hold:
            return
        self._hold = hold
        # Only a user's pause survives a restart; funds and keys are checked afresh.
        persisted = hold if hold is not None and hold.reason is HoldReason.USER else None
        self.store.journal.set_meta(
            "hold",
            {"reason": persisted.reason.value, "message": persisted.message} if persisted else None,
        )
        if hold is not None:
            log.info("queue on hold (%s): %s", hold.reason.value, hold.message)
        self._emit()

    def _emit(self) -> None:
        self.queue_changed.emit(self.status())
