"""The job store: the one place jobs change. Ordered, evented, journaled.

Every mutation goes through `add`, `update`, `move` or `remove`; each validates, writes the
journal, then emits exactly one event, so the queue panel, the CLI's progress lines and the
runner all see the same sequence. Views never mutate jobs; they call the session.

Events come in before/after pairs where a list view must know in advance (Qt's begin/end row
calls, napari's EventedList): `adding(index)` / `added(index, job)`, `moving(src, dst)` /
`moved(src, dst, job)`, `removing(index, job)` / `removed(index, job)`; and
`changed(index, old, new, fields)` after a job was replaced.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ltxstudio.core.clock import Clock
from ltxstudio.core.events import Signal
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.model import Job, JobSpec, JobState, check_transition

#: Fields that change many times a second and are not worth a disk write each time.
VOLATILE = frozenset({"progress"})
#: Fields the store owns; callers cannot set them through `update`.
_OWNED = frozenset({"id", "seq", "created_at", "updated_at"})


class UnknownJob(KeyError):
    pass


class JobStore:
    def __init__(self, journal: Journal, clock: Clock, *, sync_in_thread: bool = True) -> None:
        self.journal = journal
        self.clock = clock
        # Tests of the runner's logic on a fake backend and a manual clock sync inline, so
        # the order in which concurrent jobs reach their side effects stays deterministic.
        self._sync_in_thread = sync_in_thread
        self.adding: Signal[[int]] = Signal("jobs.adding")
        self.added: Signal[[int, Job]] = Signal("jobs.added")
        self.moving: Signal[[int, int]] = Signal("jobs.moving")
        self.removing: Signal[[int, Job]] = Signal("jobs.removing")
        self.changed: Signal[[int, Job, Job, frozenset[str]]] = Signal("jobs.changed")
        self.moved: Signal[[int, int, Job]] = Signal("jobs.moved")
        self.removed: Signal[[int, Job]] = Signal("jobs.removed")
        self._jobs: list[Job] = journal.load_all()
        self._index = {job.id: i for i, job in enumerate(self._jobs)}
        self._data_version = journal.data_version()

    # ---------------------------------------------------------------- reading

    def __len__(self) -> int:
        return len(self._jobs)

    def __iter__(self) -> Iterator[Job]:
        return iter(list(self._jobs))

    def __getitem__(self, index: int) -> Job:
        return self._jobs[index]

    def get(self, job_id: str) -> Job:
        try:
            return self._jobs[self._index[job_id]]
        except KeyError:
            raise UnknownJob(job_id) from None

    def index_of(self, job_id: str) -> int:
        return self._index[job_id]

    def in_state(self, *states: JobState) -> list[Job]:
        return [j for j in self._jobs if j.state in states]

    # ---------------------------------------------------------------- mutations

    def add(
        self,
        spec: JobSpec,
        *,
        estimate_usd: Decimal,
        backend: str,
        state: JobState = JobState.QUEUED,
        retry_of: str | None = None,
    ) -> Job:
        now = self.clock.time()
        job = Job(
            id=uuid.uuid4().hex,
            seq=max(self.journal.max_seq(), self._jobs[-1].seq if self._jobs else 0) + 1,
            spec=spec,
            state=state,
            created_at=now,
            updated_at=now,
            estimate_usd=estimate_usd,
            backend=backend,
            retry_of=retry_of,
        )
        self.journal.insert([job])
        self.adding.emit(len(self._jobs))
        self._jobs.append(job)
        self._index[job.id] = len(self._jobs) - 1
        self.added.emit(len(self._jobs) - 1, job)
        return job

    def add_many(
        self,
        items: list[tuple[JobSpec, Decimal]],
        *,
        backend: str,
        state: JobState = JobState.QUEUED,
    ) -> list[Job]:
        """Journal several jobs in one transaction: a crash leaves all of them or none."""
        now = self.clock.time()
        first = max(self.journal.max_seq(), self._jobs[-1].seq if self._jobs else 0) + 1
        jobs = [
            Job(
                id=uuid.uuid4().hex,
                seq=first + i,
                spec=spec,
                state=state,
                created_at=now,
                updated_at=now,
                estimate_usd=estimate,
                backend=backend,
            )
            for i, (spec, estimate) in enumerate(items)
        ]
        self.journal.insert(jobs)
        for job in jobs:
            self.adding.emit(len(self._jobs))
            self._jobs.append(job)
            self._index[job.id] = len(self._jobs) - 1
            self.added.emit(len(self._jobs) - 1, job)
        return jobs

    def update(self, job_id: str, **changes: Any) -> Job:
        """Replace fields of a job; state changes are checked against the transition table."""
        if _OWNED & changes.keys():
            raise ValueError(f"the store owns {sorted(_OWNED & changes.keys())}")
        old = self.get(job_id)
        fields = frozenset(k for k, v in changes.items() if getattr(old, k) != v)
        if not fields:
            return old
        if "state" in fields:
            check_transition(job_id, old.state, changes["state"])
        now = self.clock.time()
        persistent = fields - VOLATILE
        new = dataclasses.replace(old, **changes, updated_at=now if persistent else old.updated_at)
        if persistent:
            self.journal.save(new, now)
        index = self._index[job_id]
        self._jobs[index] = new
        self.changed.emit(index, old, new, fields)
        return new

    async def update_durably(self, job_id: str, **changes: Any) -> Job:
        """`update`, then wait until the journal has it on disk (fsynced in a worker thread, so
        the loop keeps running): for a write a power cut must not undo, before the side effect
        it guards (the submit intent before the POST, the remote id before anything else)."""
        job = self.update(job_id, **changes)
        await self.flush()
        return job

    async def flush(self) -> None:
        """Wait until every journal write so far survives a power cut."""
        if self._sync_in_thread:
            await asyncio.to_thread(self.journal.sync)
        else:
            self.journal.sync()

    def move(self, job_id: str, to_index: int) -> None:
        """Reorder a job that has not started; positions are indexes into the whole list."""
        job = self.get(job_id)
        if job.state not in (JobState.DRAFT, JobState.QUEUED, JobState.AWAITING_APPROVAL):
            raise ValueError(f"only waiting jobs can be reordered, not a {job.state.label} one")
        src = self._index[job_id]
        to_index = max(0, min(len(self._jobs) - 1, to_index))
        if src == to_index:
            return
        jobs = list(self._jobs)
        jobs.insert(to_index, jobs.pop(src))
        # Renumber so seq follows list order; only rows whose seq changed are written.
        now = self.clock.time()
        renumbered = []
        for i, j in enumerate(jobs):
            seq = i + 1
            if j.seq != seq:
                j = dataclasses.replace(j, seq=seq, updated_at=now)
                renumbered.append(j)
            jobs[i] = j
        self.journal.save_many(renumbered, now)
        self.moving.emit(src, to_index)
        self._jobs = jobs
        self._index = {j.id: i for i, j in enumerate(jobs)}
        self.moved.emit(src, to_index, jobs[to_index])

    def remove(self, job_id: str) -> None:
        job = self.get(job_id)
        if not (job.state.terminal or job.state is JobState.DRAFT):
            raise ValueError(f"cancel the job before removing it (it is {job.state.label})")
        self.journal.delete(job_id, self.clock.time())
        self.removing.emit(self._index[job_id], job)
        index = self._index.pop(job_id)
        del self._jobs[index]
        self._index = {j.id: i for i, j in enumerate(self._jobs)}
        self.removed.emit(index, job)

    # ---------------------------------------------------------------- other processes

    def reload(self, job_id: str) -> Job:
        """Take the journal's row as the truth for one job (after claiming its lease)."""
        fresh = self.journal.load(job_id)
        if fresh is None:
            raise UnknownJob(job_id)
        old = self.get(job_id)
        fields = frozenset(
            f.name
            for f in dataclasses.fields(Job)
            if getattr(old, f.name) != getattr(fresh, f.name)
        )
        if fields:
            index = self._index[job_id]
            self._jobs[index] = fresh
            self.changed.emit(index, old, fresh, fields)
        return fresh

    def sync(self) -> bool:
        """Pick up jobs another process added or changed since we last looked; True if any."""
        version = self.journal.data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        since = max((j.updated_at for j in self._jobs), default=0.0)
        changed = False
        for fresh in self.journal.load_updated_since(since):
            if fresh.id in self._index:
                self.reload(fresh.id)
            else:
                self.adding.emit(len(self._jobs))
                self._jobs.append(fresh)
                self._index[fresh.id] = len(self._jobs) - 1
                self.added.emit(len(self._jobs) - 1, fresh)
            changed = True
        return changed
