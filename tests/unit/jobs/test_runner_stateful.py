"""Issue 12: the runner under random interleavings, as a hypothesis state machine.

The real `Runner` and `JobStore` over a real journal file, on a `ManualClock` (no real sleeps),
against `FakeBackend` with every submit held open until a rule answers it — so a cancel, a pause
or a crash can land while a job is SUBMITTING. Rules: add jobs (and retries of ended ones),
cancel, pause, resume, reorder, approve, answer a held submit (accepted; 402; 401; 429 for
concurrency or rate; 503; a connect error; 422; a read timeout with or without the job created),
fault the next upload, poll or download, let the loop run, settle everything, and kill the
process: its tasks are cancelled with its journal connection already closed (so no `finally`
writes anything, as after SIGKILL) and a new process opens the same journal file and recovers.
The backend plays the remote API: it survives the kill and remembers every submit.

Invariants after every step:
- **an accepted remote id is never lost**: every job the API created is in the journal (read
  from the file) as its job's `remote.id`, unless its answer never reached the process (a read
  timeout, or the process died with the answer on the way), and then the job is SUBMITTING (to
  be resolved) or OUTCOME_UNKNOWN — never because of a cancel, a pause or a resume;
- **no submission is sent twice**: per job, every POST before the last was provably refused;
- **in flight never exceeds the limit**: live job tasks in UPLOADING, SUBMITTING, PENDING or
  PROCESSING (counted from the event loop, not from the runner's own bookkeeping) ≤ `limit`
  ≤ the configured concurrency;
- the engine logged no error;
and after `settle` (a rule, and the end of every run): every job is terminal with a note saying
why (completed aside), or AWAITING_APPROVAL with its note, or QUEUED behind a hold with a message.

2 000 examples in `make test` with a fixed seed; `make soak` sets LTXSTUDIO_SOAK_EXAMPLES and
draws fresh ones.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from ltxstudio.core.clock import ManualClock
from ltxstudio.core.remote import ApiFailure, FailureKind
from ltxstudio.jobs import journal as journal_module
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.model import Job, JobState
from ltxstudio.jobs.queue_state import RunnerConfig
from ltxstudio.jobs.runner import Runner
from ltxstudio.jobs.store import JobStore
from tests.support.fake_backend import FakeBackend, SubmitCall, failure
from tests.unit.jobs.conftest import spec

SOAK = "LTXSTUDIO_SOAK_EXAMPLES"
EXAMPLES = int(os.environ.get(SOAK, "2000"))

#: Thousands of journals are made and fsynced: in memory where the system offers it (the
#: journal's durability is not what this test is about; its order of writes is).
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None

#: Jobs that hold one of the account's slots while a task drives them.
DRIVEN = frozenset({JobState.UPLOADING, JobState.SUBMITTING, JobState.PENDING, JobState.PROCESSING})
#: Loop turns after each action, so the engine reacts before the next one.
TURNS = 2
#: A bound on `settle`: far more turns than any example needs (no sleeping: each is a yield).
SETTLE_TURNS = 5_000

#: What the API may answer to a submit: (error or None for accepted, whether it created the job).
ANSWERS: dict[str, Callable[[], tuple[ApiFailure | None, bool]]] = {
    "accepted": lambda: (None, True),
    "402": lambda: (
        failure(
            FailureKind.INSUFFICIENT_FUNDS,
            "Insufficient funds. Required: 64 credits",
            status=402,
            details={"required_amount": 64, "required_unit": "credits"},
        ),
        False,
    ),
    "401": lambda: (failure(FailureKind.AUTHENTICATION, "invalid key", status=401), False),
    "429-concurrency": lambda: (
        failure(FailureKind.CONCURRENCY_LIMITED, status=429, retry_after=7),
        False,
    ),
    "429-rate": lambda: (failure(FailureKind.RATE_LIMITED, status=429, retry_after=3), False),
    "503": lambda: (failure(FailureKind.SERVER, status=503), False),
    "connect-error": lambda: (failure(FailureKind.CONNECTION, "connection refused"), False),
    "422": lambda: (failure(FailureKind.INVALID_REQUEST, "bad duration", status=422), False),
    "timeout-taken": lambda: (failure(FailureKind.OUTCOME_UNKNOWN, "read timeout"), True),
    "timeout-not-taken": lambda: (failure(FailureKind.OUTCOME_UNKNOWN, "read timeout"), False),
}
#: Faults of the calls around a submit; each hits the next call of that kind.
FAULTS = {
    "prepare": (FailureKind.SERVER, FailureKind.CONNECTION),
    "status": (
        FailureKind.SERVER,
        FailureKind.TIMEOUT,
        FailureKind.RATE_LIMITED,
        FailureKind.CONNECTION,
        FailureKind.NOT_FOUND,
    ),
    "download": (FailureKind.SERVER, FailureKind.TIMEOUT, FailureKind.CONNECTION),
}
FAULT_CHOICES = [(op, kind) for op, kinds in FAULTS.items() for kind in kinds]
#: Kills: while POSTs are open (the API did not take them, or did), or just after the API
#: answered one and before the process read the answer.
KILLS = ("open-posts-lost", "open-posts-taken", "answered")


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _turns(n: int) -> None:
    for _ in range(n):
        await asyncio.sleep(0)  # noqa: TID251 - one turn of the loop, not a wait


@dataclass
class Process:
    """What one run of the app holds: its journal connection, store, runner and loop task."""

    journal: Journal
    store: JobStore
    runner: Runner
    task: asyncio.Task[None]


class RunnerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory(prefix="ltx-runner-machine-", dir=SCRATCH)
        self.dir = Path(self._tmp.name)
        self.loop = asyncio.new_event_loop()
        self.clock = ManualClock()
        self.backend = FakeBackend(self.clock)
        self.backend.hold_submits = True
        # A killed process is provably dead (as after SIGKILL on this host); the live one is not.
        self.dead: set[str] = set()
        self._dead_patch = mock.patch.object(
            journal_module, "owner_is_dead", self.dead.__contains__
        )
        self._dead_patch.start()
        self.errors = _Errors()
        logging.getLogger("ltxstudio.jobs").addHandler(self.errors)
        self.reader: sqlite3.Connection | None = None  # the journal file, read as it is
        self.config = RunnerConfig()
        self.lives = 0
        self.proc: Process | None = None  # None before `boot`
        self.ids: list[str] = []  # every job, in the order they were added
        self.job_of: dict[str, str] = {}  # prompt (one per job) → job id
        self.excused: set[str] = set()  # remote ids whose answer never reached the process

    # ------------------------------------------------------------------ the process

    @property
    def store(self) -> JobStore:
        assert self.proc is not None
        return self.proc.store

    @property
    def runner(self) -> Runner:
        assert self.proc is not None
        return self.proc.runner

    def _boot(self) -> None:
        """Start a process: open the journal, recover, run."""
        self.lives += 1
        owner = f"{socket.gethostname()}:{os.getpid()}:life{self.lives}"
        journal = Journal(self.dir / "journal.db", owner=owner)
        store = JobStore(journal, self.clock, sync_in_thread=False)
        runner = Runner(store, self.backend, self.clock, self.dir / "results", self.config)
        task = self.loop.create_task(runner.run(), name="runner")
        self.proc = Process(journal, store, runner, task)
        if self.reader is None:
            self.reader = sqlite3.connect(journal.path, isolation_level=None)
        self.turn(TURNS)

    def _kill(self, server_took_open: bool) -> None:
        """SIGKILL, as near as one process can play it: the journal connection goes first, so
        no `finally` of a dying task can write; every task of the process is then cancelled."""
        assert self.proc is not None
        for call in self.backend.held():  # POSTs on the wire: the API may have taken them
            if server_took_open:
                self.backend.create(call)
        for call in self.backend.calls:
            if call.remote_id is not None and not call.delivered:
                self.excused.add(call.remote_id)  # the process died before it heard the id
        self.dead.add(self.proc.journal.owner)
        self.proc.journal.close()
        tasks = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for t in tasks:
            t.cancel()
        self.loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        self.proc = None

    def turn(self, n: int) -> None:
        self.loop.run_until_complete(_turns(n))

    def _job(self, pick: int) -> Job | None:
        # No preconditions on rules (they cost hypothesis more than a step that does nothing).
        return self.store.get(self.ids[pick % len(self.ids)]) if self.ids else None

    def _add(self, estimate: str, retry_of: str | None = None) -> None:
        prompt = f"shot {len(self.ids)}"
        job = self.store.add(
            spec(prompt), estimate_usd=Decimal(estimate), backend="fake", retry_of=retry_of
        )
        self.ids.append(job.id)
        self.job_of[prompt] = job.id

    # ------------------------------------------------------------------ rules

    @initialize(concurrency=st.integers(1, 3), budget=st.sampled_from([None, "2.00"]))
    def boot(self, concurrency: int, budget: str | None) -> None:
        self.config = RunnerConfig(
            concurrency=concurrency,
            daily_budget_usd=Decimal(budget) if budget is not None else None,
        )
        self._boot()

    @rule(n=st.integers(1, 3), estimate=st.sampled_from(["0.64", "1.28"]))
    def add_jobs(self, n: int, estimate: str) -> None:
        for _ in range(n):
            self._add(estimate)
        self.runner.wake()
        self.turn(TURNS)

    @rule(pick=st.integers(0, 99))
    def retry(self, pick: int) -> None:
        """The user's retry: a new job (a new submission), pointing back at the old one."""
        job = self._job(pick)
        if job is not None and job.state in (
            JobState.FAILED,
            JobState.CANCELLED,
            JobState.OUTCOME_UNKNOWN,
        ):
            self._add(str(job.estimate_usd), retry_of=job.id)
            self.runner.wake()
            self.turn(TURNS)

    @rule(pick=st.integers(0, 99))
    def cancel(self, pick: int) -> None:
        job = self._job(pick)
        if job is None:
            return
        try:
            after = self.runner.cancel(job.id)
        except ValueError:
            # The one refusal: the POST may be in flight, and its answer must be journaled.
            assert job.state is JobState.SUBMITTING
        else:
            assert after.state is JobState.CANCELLED or (job.state.terminal and after == job)
        self.turn(TURNS)

    @rule(pause=st.booleans())
    def pause_or_resume(self, pause: bool) -> None:
        if pause:
            self.runner.pause()
        else:
            self.runner.resume()
        self.turn(TURNS)

    @rule(pick=st.integers(0, 99), to=st.integers(0, 20))
    def reorder(self, pick: int, to: int) -> None:
        job = self._job(pick)
        if job is None:
            return
        try:
            self.store.move(job.id, to)
        except ValueError:
            assert job.state not in (JobState.QUEUED, JobState.AWAITING_APPROVAL)
        self.turn(TURNS)

    @rule(pick=st.integers(0, 99))
    def approve(self, pick: int) -> None:
        job = self._job(pick)
        if job is None:
            return
        try:
            self.runner.approve(job.id)
        except ValueError:
            assert job.state is not JobState.AWAITING_APPROVAL
        self.turn(TURNS)

    @rule(pick=st.integers(0, 99), how=st.sampled_from(sorted(ANSWERS)))
    def answer(self, pick: int, how: str) -> None:
        held = self.backend.held()
        if not held:
            return
        error, created = ANSWERS[how]()
        call = held[pick % len(held)]
        self.backend.answer(call, error, created=created)
        if error is not None and created:
            assert call.remote_id is not None
            self.excused.add(call.remote_id)  # taken, but the answer was lost: by design unknown
        self.turn(TURNS)

    @rule(how=st.sampled_from(KILLS), pick=st.integers(0, 99))
    def kill_and_restart(self, how: str, pick: int) -> None:
        held = self.backend.held()
        if how == "answered" and held:
            # The API took a job and answered; the process dies before it reads the answer.
            self.backend.answer(held[pick % len(held)])
        self._kill(server_took_open=how == "open-posts-taken")
        self._boot()

    @rule(fault=st.sampled_from(FAULT_CHOICES))
    def fault_next_call(self, fault: tuple[str, FailureKind]) -> None:
        op, kind = fault
        self.backend.fail(op, failure(kind, f"scripted {kind.value}"))
        self.turn(TURNS)

    @rule(turns=st.integers(1, 40))
    def run(self, turns: int) -> None:
        self.turn(turns)

    @rule()
    def settle(self) -> None:
        """The API answers every submit at once from now on; run until nothing moves."""
        self.backend.hold_submits = False
        try:
            for call in self.backend.held():
                self.backend.answer(call)
            for _ in range(SETTLE_TURNS):
                if self._quiet():
                    break
                self.turn(1)
            else:
                raise AssertionError(f"the engine did not settle: {self._states()}")
            self._check_invariants()
            for job in self.store:
                self._check_ended(job)
        finally:
            self.backend.hold_submits = True

    # ------------------------------------------------------------------ invariants

    @invariant()
    def invariants_hold(self) -> None:
        if self.proc is not None:  # else before `boot`
            self._check_invariants()

    def _check_invariants(self) -> None:
        assert self.proc is not None
        if self.proc.task.done():
            self.proc.task.result()  # the runner's loop died: show why
            raise AssertionError("the runner's loop returned while nobody stopped it")
        self._accepted_ids_are_journaled()
        self._nothing_sent_twice()
        self._in_flight_within_the_limit()
        assert not self.errors.records, [r.getMessage() for r in self.errors.records]

    def _accepted_ids_are_journaled(self) -> None:
        # The journal file, as the next process would read it, not the store's memory.
        assert self.reader is not None
        rows = {
            job_id: (JobState(state), remote_id)
            for job_id, state, remote_id in self.reader.execute(
                "SELECT id, state, remote_id FROM jobs"
            )
        }
        made = {c.remote_id: c for c in self.backend.calls if c.remote_id is not None}
        for job_id, (_, remote_id) in rows.items():
            if remote_id is not None:
                assert remote_id in made, f"{job_id} holds {remote_id}, which LTX never made"
                assert self._job_of(made[remote_id]) == job_id, f"{remote_id} on the wrong job"
        for rid, call in made.items():
            job_id = self._job_of(call)
            state, journaled = rows[job_id]
            if journaled == rid:
                continue
            lost = f"LTX accepted {rid} for job {job_id}, the journal has {state.value}"
            if rid in self.excused:  # the answer never came: unknown is the truth
                assert state in (JobState.SUBMITTING, JobState.OUTCOME_UNKNOWN), lost
            else:
                assert not call.delivered, f"{lost} and no id, though the runner got the answer"
                assert state is JobState.SUBMITTING, f"{lost} before the answer arrived"

    def _nothing_sent_twice(self) -> None:
        per_job: dict[str, list[SubmitCall]] = {}
        for call in self.backend.calls:
            per_job.setdefault(self._job_of(call), []).append(call)
        for job_id, calls in per_job.items():
            again = [c for c in calls[:-1] if not c.refused]
            assert not again, f"job {job_id} was sent again after a submit that may have been taken"

    def _in_flight_within_the_limit(self) -> None:
        alive = {
            t.get_name().removeprefix("job-")
            for t in asyncio.all_tasks(self.loop)
            if t.get_name().startswith("job-") and not t.done()
        }
        for call in self.backend.held():  # every open POST has a task waiting on it
            assert self._job_of(call) in alive, "a held submit with no task: tasks renamed?"
        driven = [i for i in alive if self.store.get(i).state in DRIVEN]
        assert len(driven) <= self.runner.limit <= self.config.concurrency, (
            f"{len(driven)} in flight, limit {self.runner.limit} of {self.config.concurrency}: "
            f"{self._states()}"
        )

    # ------------------------------------------------------------------ settling

    def _quiet(self) -> bool:
        if self.backend.held():
            return False
        if any(
            t.get_name().startswith("job-") and not t.done() for t in asyncio.all_tasks(self.loop)
        ):
            return False
        held = self.runner.hold is not None
        return all(
            j.state.terminal
            or j.state is JobState.AWAITING_APPROVAL
            or (j.state is JobState.QUEUED and held)
            for j in self.store
        )

    def _check_ended(self, job: Job) -> None:
        hold = self.runner.hold
        match job.state:
            case JobState.COMPLETED:
                assert job.outputs, job
            case JobState.FAILED | JobState.CANCELLED | JobState.EXPIRED | JobState.OUTCOME_UNKNOWN:
                assert job.note, f"{job.state.value} without a reason: {job}"
            case JobState.AWAITING_APPROVAL:
                assert "needs approval" in job.note, job
            case JobState.QUEUED:
                assert hold is not None, f"queued with no hold: {job}"
                assert hold.message, hold
            case _:
                raise AssertionError(f"{job.id} ended {job.state.value}: {self._states()}")

    def _states(self) -> str:
        hold = self.runner.hold
        jobs = ", ".join(f"{j.id[:6]} {j.state.value}" for j in self.store)
        return f"[{jobs}] hold={hold.reason.value if hold else None} limit={self.runner.limit}"

    def _job_of(self, call: SubmitCall) -> str:
        return self.job_of[str(call.body["prompt"])]

    # ------------------------------------------------------------------ teardown

    def teardown(self) -> None:
        # Hypothesis tears down in a `finally`: after a failed step, only clean up (a second
        # failure would hide the first).
        failed = sys.exc_info()[0] is not None
        try:
            if self.proc is not None and not failed:
                self.settle()  # every run ends settled: terminal, or held with a reason
        finally:
            if self.proc is not None:
                self._kill(server_took_open=False)  # the quickest clean stop there is
            self.loop.close()
            if self.reader is not None:
                self.reader.close()
            self._dead_patch.stop()
            logging.getLogger("ltxstudio.jobs").removeHandler(self.errors)
            self._tmp.cleanup()


SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=20,
    deadline=None,  # the machine is shared: a wall-clock deadline would only measure it
    database=None,  # no .hypothesis/ in the work tree
    derandomize=SOAK not in os.environ,  # `make test` replays the same 2 000; soak explores
    print_blob=True,  # a soak failure prints how to replay it
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_runner_survives_random_interleavings() -> None:
    run_state_machine_as_test(RunnerMachine, settings=SETTINGS)
