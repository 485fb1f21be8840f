"""What a killed export left beside its target goes at the next start (not only at the next
write of that same target, which an export that finished on resume never makes)."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from ltxstudio.core.catalog import Model
from ltxstudio.core.request import TextToVideo
from ltxstudio.jobs.model import Job, JobSpec, JobState
from ltxstudio.session.session import sweep_export_temps

NOW = 1_790_000_000.0


def _job(target: Path, finished_at: float | None) -> Job:
    spec = JobSpec(TextToVideo(prompt="p", model=Model.LTX_2_3_FAST), output_path=str(target))
    job = Job("j", 1, spec, JobState.COMPLETED, NOW, NOW, Decimal(0), "sandbox")
    return replace(job, finished_at=finished_at)


def test_stale_temps_of_recent_exports_go_and_fresh_ones_stay(tmp_path: Path) -> None:
    target = tmp_path / "shot.mp4"
    target.write_bytes(b"video")
    stale = tmp_path / ".shot.mp4.abc123.tmp"
    fresh = tmp_path / ".shot.mp4.def456.tmp"  # maybe another writer's, still at work
    other = tmp_path / ".notes.txt.ghi789.tmp"  # not ours: another file's temp
    for path in (stale, fresh, other):
        path.write_bytes(b"half")
    os.utime(stale, (0, 0))
    os.utime(other, (0, 0))
    sweep_export_temps([_job(target, finished_at=NOW - 60)], NOW)
    assert not stale.exists()
    assert fresh.exists()
    assert other.exists()
    assert target.read_bytes() == b"video"


def test_old_history_is_not_walked(tmp_path: Path) -> None:
    target = tmp_path / "old.mp4"
    stale = tmp_path / ".old.mp4.abc123.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    sweep_export_temps([_job(target, finished_at=NOW - 3 * 24 * 3600)], NOW)
    assert stale.exists()  # a job finished days ago: its folder is not the app's to tidy now
