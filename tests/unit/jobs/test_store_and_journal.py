from __future__ import annotations

import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.lineage import Lineage, RetakeSegment, TakeKind
from ltxstudio.core.remote import FailureInfo, FailureKind, JobRef, ResultKey
from ltxstudio.core.request import ImageToVideo, LocalFile, RemoteUri
from ltxstudio.jobs.journal import Journal, LeaseConflict, owner_is_dead
from ltxstudio.jobs.model import TRANSITIONS, IllegalTransition, JobOutput, JobSpec, JobState
from ltxstudio.jobs.store import JobStore
from tests.unit.jobs.conftest import spec


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    return JobStore(Journal(tmp_path / "j.db"), ManualClock())


def test_every_state_is_in_the_table_and_terminals_are_final() -> None:
    assert set(TRANSITIONS) == set(JobState)
    for state in JobState:
        assert (not TRANSITIONS[state]) == state.terminal


def test_one_event_per_mutation_and_illegal_transitions_refused(store: JobStore) -> None:
    events: list[str] = []
    store.added.connect(lambda i, j: events.append(f"added {i}"))
    store.changed.connect(lambda i, old, new, f: events.append(f"changed {i} {sorted(f)}"))
    store.moved.connect(lambda a, b, j: events.append(f"moved {a}->{b}"))
    store.removed.connect(lambda i, j: events.append(f"removed {i}"))
    a = store.add(spec("a"), estimate_usd=Decimal("0.64"), backend="fake")
    b = store.add(spec("b"), estimate_usd=Decimal("0.64"), backend="fake")
    store.update(a.id, state=JobState.UPLOADING, progress=0.5)
    store.update(a.id, progress=0.5)  # no change: no event
    with pytest.raises(IllegalTransition, match="uploading → completed"):
        store.update(a.id, state=JobState.COMPLETED)
    store.move(b.id, 0)
    store.update(b.id, state=JobState.CANCELLED)
    store.remove(b.id)
    assert events == [
        "added 0",
        "added 1",
        "changed 0 ['progress', 'state']",
        "moved 1->0",
        "changed 0 ['state']",
        "removed 0",
    ]
    with pytest.raises(ValueError, match="cancel the job before removing"):
        store.remove(a.id)


def test_rows_round_trip_exactly(tmp_path: Path, store: JobStore) -> None:
    request = ImageToVideo(prompt="p", image_uri=LocalFile("/home/me/first.png"))
    lineage = Lineage(TakeKind.RETAKE, "clip-1", "take-1", RetakeSegment(2.0, 2.5))
    spec = JobSpec(request, "/out/a.mp4", lineage)
    job = store.add(spec, estimate_usd=Decimal("2.1042"), backend="sandbox")
    uploaded = request.with_media({"image_uri": RemoteUri("ltx://u/1")})
    store.update(job.id, state=JobState.UPLOADING, prepared=uploaded, prepared_at=11.0)
    store.update(job.id, state=JobState.SUBMITTING, submitted_at=12.5)
    store.update(
        job.id,
        state=JobState.PENDING,
        remote=JobRef(Endpoint.RETAKE, "abc", "2026-11-23T10:00:00Z", "req-1"),
        error=FailureInfo(FailureKind.RATE_LIMITED, "slow down", 429, "rate_limit_error", "req-0"),
        timings={"upload": 1.5},
    )
    store.update(job.id, state=JobState.DOWNLOADING, result_urls={ResultKey.VIDEO: "https://x/y"})
    store.update(job.id, outputs=(JobOutput(ResultKey.VIDEO, "/tmp/a.mp4", 10, "f" * 64),))
    reopened = JobStore(Journal(tmp_path / "j.db"), ManualClock())
    assert reopened.get(job.id) == store.get(job.id)


def test_progress_is_not_written_to_disk(tmp_path: Path, store: JobStore) -> None:
    job = store.add(spec(), estimate_usd=Decimal(1), backend="fake")
    store.update(job.id, state=JobState.UPLOADING)
    before = store.journal.load(job.id)
    store.update(job.id, progress=0.42)
    assert store.journal.load(job.id) == before
    assert store.get(job.id).progress == 0.42


def test_schema_version_and_newer_journal_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    Journal(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.execute("PRAGMA user_version=99")
    db.commit()
    db.close()
    with pytest.raises(RuntimeError, match="newer ltxstudio"):
        Journal(path)


def test_leases_block_other_live_processes_but_not_dead_ones(tmp_path: Path) -> None:
    clock = ManualClock()
    mine = JobStore(Journal(tmp_path / "j.db"), clock)
    job = mine.add(spec(), estimate_usd=Decimal(1), backend="fake")
    theirs = Journal(tmp_path / "j.db")
    assert theirs.claim(job.id, clock.time(), ttl=30)
    assert not mine.journal.claim(job.id, clock.time(), ttl=30)
    with pytest.raises(LeaseConflict):
        mine.update(job.id, state=JobState.UPLOADING)
    clock.advance(31)
    assert mine.journal.claim(job.id, clock.time(), ttl=30)
    # a dead process on this host loses its lease at once
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    corpse = f"{theirs.owner.split(':')[0]}:{dead.stdout.strip()}:00000000"
    assert owner_is_dead(corpse)
    assert not owner_is_dead(theirs.owner)
    assert not owner_is_dead("another-host:1:00")


def test_sync_sees_another_process(tmp_path: Path) -> None:
    clock = ManualClock()
    gui = JobStore(Journal(tmp_path / "j.db"), clock)
    cli = JobStore(Journal(tmp_path / "j.db"), clock)
    seen: list[str] = []
    gui.added.connect(lambda i, j: seen.append(j.id))
    assert not gui.sync()
    job = cli.add(spec(), estimate_usd=Decimal(1), backend="fake")
    clock.advance(1)
    cli.update(job.id, state=JobState.UPLOADING)
    assert gui.sync()
    assert seen == [job.id]
    assert gui.get(job.id).state is JobState.UPLOADING


@pytest.mark.asyncio
async def test_only_writes_a_power_cut_must_not_undo_are_fsynced_and_off_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    journal = Journal(tmp_path / "j.db")
    store = JobStore(journal, ManualClock())
    level = lambda: journal._db.execute("PRAGMA synchronous").fetchone()[0]  # noqa: E731
    synced: list[tuple[str, str]] = []  # (thread that fsynced, state on disk by then)
    real_sync = journal.sync

    def sync() -> None:
        real_sync()
        row = sqlite3.connect(tmp_path / "j.db").execute("SELECT state FROM jobs").fetchone()
        synced.append((threading.current_thread().name, row[0]))

    monkeypatch.setattr(journal, "sync", sync)
    job = store.add(spec(), estimate_usd=Decimal(1), backend="fake")
    store.update(job.id, state=JobState.UPLOADING)
    assert synced == []  # routine: committed (survives a killed process), not fsynced
    await store.update_durably(job.id, state=JobState.SUBMITTING, submitted_at=1.0)
    assert len(synced) == 1
    thread, state = synced[0]
    assert state == "submitting"  # the intent was committed before the fsync was awaited
    assert thread != threading.main_thread().name  # the loop did not wait on the disk
    assert level() == 1  # NORMAL throughout: no fsync inside a commit on the loop thread
    journal.sync()  # and the real fsync works on the WAL
