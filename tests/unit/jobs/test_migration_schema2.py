"""A journal written by the release before the typed requests (issue 13, acceptance 4) opens,
migrates to schema 3 and resumes its jobs.

The fixture (`tests/fixtures/journal-schema-2.db`, see its README) was written by main at
7510bdf (schema 2: `JobSpec(endpoint, params, media, lineage: dict)`): two queued jobs (one with
a local image), a retake LTX had accepted (pending, with its prepared body and segment), an
extend it was processing, a completed job with its output and a failed one with its error.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from ltxstudio.core.catalog import ExtendMode, Model, Resolution, RetakeMode
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.lineage import ExtendSegment, RetakeSegment
from ltxstudio.core.remote import FailureKind, ResultKey
from ltxstudio.core.request import Extend, ImageToVideo, LocalFile, RemoteUri, Retake, TextToVideo
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.model import JobState
from ltxstudio.jobs.queue_state import RunnerConfig
from ltxstudio.jobs.runner import Runner
from ltxstudio.jobs.store import JobStore
from ltxstudio.library.model import TakeKind
from tests.support.fake_backend import FakeBackend

FIXTURE = Path(__file__).parents[2] / "fixtures" / "journal-schema-2.db"
QUEUED_T2V = "1c018985749241f39bcfc7baddae3973"
QUEUED_I2V = "335c7fa24bdd42aeb012a42f02e09f04"
PENDING_RETAKE = "c6636e02ab974d79bcb3d61fd8a8e5b8"
PROCESSING_EXTEND = "e1eb3a46f6614d31a406bb347ccff00b"
COMPLETED = "72759fd856644f6d93c75a4be5c8d850"
FAILED = "aa8dc3ea3f6d44ca9b9603b0c4bc1361"


@pytest.fixture
def old_journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.db"
    shutil.copy(FIXTURE, path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 2
    return path


def test_a_schema_2_journal_migrates_to_typed_requests(old_journal: Path) -> None:
    journal = Journal(old_journal)
    jobs = {j.id: j for j in journal.load_all()}
    assert sqlite3.connect(old_journal).execute("PRAGMA user_version").fetchone()[0] == 3
    assert len(jobs) == 6

    t2v = jobs[QUEUED_T2V]
    assert t2v.spec.request == TextToVideo(
        prompt="A lighthouse at dusk. The beam sweeps the fog.",
        model=Model.LTX_2_3_PRO,
        resolution=Resolution(1920, 1080),
        duration=6,
        fps=24,
    )
    assert t2v.spec.output_path == "/home/user/out/lighthouse.mp4"
    assert t2v.estimate_usd == Decimal("0.96")

    i2v = jobs[QUEUED_I2V].spec.request
    assert isinstance(i2v, ImageToVideo)
    assert i2v.image_uri == LocalFile("/home/user/first.png")

    retake = jobs[PENDING_RETAKE]
    assert isinstance(retake.spec.request, Retake)
    assert retake.spec.request.mode is RetakeMode.AUDIO_AND_VIDEO
    assert retake.spec.request.video_uri == LocalFile("/home/user/lib/clip-1/take-1.mp4")
    lineage = retake.spec.lineage
    assert (lineage.kind, lineage.clip_id, lineage.parent_take_id) == (
        TakeKind.RETAKE,
        "clip-1",
        "take-1",
    )
    assert lineage.segment == RetakeSegment(1.5, 2.0, RetakeMode.AUDIO_AND_VIDEO)
    assert isinstance(retake.prepared, Retake)  # the body as sent, typed, its upload remote
    assert retake.prepared.video_uri == RemoteUri("https://storage.example/uploads/u-1?sig=x")
    assert retake.remote is not None
    assert retake.remote.id == "remote-retake"

    extend = jobs[PROCESSING_EXTEND]
    assert isinstance(extend.spec.request, Extend)
    assert extend.spec.lineage.segment == ExtendSegment(3, ExtendMode.END, 5)

    done = jobs[COMPLETED]
    assert done.result_urls == {ResultKey.VIDEO: "https://storage.example/results/r.mp4?sig=y"}
    (output,) = done.outputs
    assert output.key is ResultKey.VIDEO  # was a file stem; now a typed key
    assert output.sha256 == "ab" * 32

    failed = jobs[FAILED]
    assert failed.error is not None
    assert failed.error.kind is FailureKind.INVALID_REQUEST
    assert failed.error.status == 422
    journal.close()


@pytest.mark.asyncio
async def test_the_migrated_jobs_resume(old_journal: Path, tmp_path: Path) -> None:
    clock = ManualClock()
    journal = Journal(old_journal)
    store = JobStore(journal, clock, sync_in_thread=False)
    backend = FakeBackend(clock, name="sandbox")
    for remote_id in ("remote-retake", "remote-extend"):  # LTX has them, accepted long ago
        backend.remote[remote_id] = clock.time() - 3600
    runner = Runner(store, backend, clock, tmp_path / "results", RunnerConfig(poll_jitter=0))
    task = asyncio.get_running_loop().create_task(runner.run())
    try:
        ids = [QUEUED_T2V, QUEUED_I2V, PENDING_RETAKE, PROCESSING_EXTEND]
        done = {j.id: j for j in await runner.drain(ids)}
    finally:
        await runner.stop()
        await task
    assert all(j.state is JobState.COMPLETED for j in done.values()), done
    assert len(backend.accepted) == 2  # the two queued jobs; the accepted ones re-attached
    assert done[PENDING_RETAKE].remote is not None
    assert done[PENDING_RETAKE].remote.id == "remote-retake"  # polled, never sent again
    assert store.get(COMPLETED).state is JobState.COMPLETED
    assert store.get(FAILED).state is JobState.FAILED
    journal.close()
