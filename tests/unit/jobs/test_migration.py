"""A journal written by the release before the 2026-09 contract opens, migrates and resumes.

The fixture (`tests/fixtures/journal-before-v2-only.db`, see its README) was written by main at
6880ca5: schema 1, two jobs for the retired v1 routes, fields the contract dropped, a job on the
legacy host.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

from ltxstudio.core.catalog import Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.remote import ResultKey
from ltxstudio.core.request import AudioToVideo, LocalFile, Reframe
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.journal_migrations import SCHEMA_VERSION
from ltxstudio.jobs.model import JobState
from ltxstudio.jobs.queue_state import RunnerConfig
from ltxstudio.jobs.runner import Runner
from ltxstudio.jobs.store import JobStore
from tests.support.fake_backend import FakeBackend

FIXTURE = Path(__file__).parents[2] / "fixtures" / "journal-before-v2-only.db"
V1_QUEUED, A2V, PENDING_LEGACY, REFRAME, V1_DOWNLOADED, CANCELLED = (
    "387ac8eb04514685876e6216fd4541fc",
    "0e049fcfe42d468ab168d3f4281577d1",
    "378288e11ff6499b96f069e3a11d7a7c",
    "14dd11a39c3b4df8b9a1c0ebd36f2b34",
    "29ba3c2c5e464e4c97d8a2a7d72688ac",
    "ed587c5011494f60b284f706d7ace0cd",
)


@pytest.fixture
def old_journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.db"
    shutil.copy(FIXTURE, path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    return path


def test_the_old_journal_migrates_to_v2_only_and_says_so(
    old_journal: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ltxstudio.jobs"):
        journal = Journal(old_journal)
    jobs = {j.id: j for j in journal.load_all()}
    assert len(jobs) == 6
    raw = sqlite3.connect(old_journal)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    specs = [json.loads(s) for (s,) in raw.execute("SELECT spec FROM jobs")]
    assert all(set(s) == {"request", "output_path", "lineage"} for s in specs)  # typed (3)
    a2v, reframe = jobs[A2V].spec.request, jobs[REFRAME].spec.request
    assert isinstance(a2v, AudioToVideo)  # no guidance_scale: contract §3, no longer a field
    assert a2v.audio_uri == LocalFile("/home/user/song.m4a")
    assert isinstance(reframe, Reframe)  # no model: contract §3, reframe ignores it
    assert reframe.resolution == Resolution(1080, 1920)
    assert jobs[V1_QUEUED].state is JobState.QUEUED
    assert jobs[V1_DOWNLOADED].outputs[0].path == "/results/e/video_url.mp4"
    assert jobs[V1_DOWNLOADED].outputs[0].key is ResultKey.VIDEO
    assert jobs[PENDING_LEGACY].remote is not None
    assert jobs[PENDING_LEGACY].remote.id == "remote-c"
    said = caplog.text
    assert f"job {V1_QUEUED} (queued) was for the retired v1 route; now v2" in said
    assert "2 job(s) moved off the retired v1 routes, 2 field(s)" in said
    assert "6 job(s) now hold typed requests (schema 3)" in said
    journal.close()
    Journal(old_journal).close()  # opening again migrates nothing more
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3


@pytest.mark.asyncio
async def test_the_migrated_jobs_resume_on_v2(old_journal: Path, tmp_path: Path) -> None:
    clock = ManualClock()
    journal = Journal(old_journal)
    assert journal.rename_backend("https://api.ltx.video", "https://api.ltx.io") == 2
    store = JobStore(journal, clock, sync_in_thread=False)
    backend = FakeBackend(clock, name="sandbox")
    runner = Runner(store, backend, clock, tmp_path / "results", RunnerConfig(poll_jitter=0))
    assert runner.hold is not None  # the user's pause survived the migration
    runner.resume()
    task = asyncio.get_running_loop().create_task(runner.run())
    try:
        done = {j.id: j for j in await runner.drain([V1_QUEUED, REFRAME, V1_DOWNLOADED])}
    finally:
        await runner.stop()
        await task
    assert done[V1_QUEUED].state is JobState.COMPLETED
    assert done[V1_QUEUED].remote is not None  # sent to v2 this time
    assert done[REFRAME].state is JobState.COMPLETED
    assert done[V1_DOWNLOADED].state is JobState.COMPLETED  # its v1 video was already here
    assert len(backend.accepted) == 2  # the queued v1 job and the reframe; nothing else resent
    assert store.get(PENDING_LEGACY).backend == "https://api.ltx.io"
    journal.close()
