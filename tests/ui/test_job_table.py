from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from ltxstudio.core.clock import ManualClock
from ltxstudio.core.remote import FailureInfo, FailureKind
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.model import JobState
from ltxstudio.jobs.store import JobStore
from ltxstudio.ui.models.job_table import Column, JobIdRole, JobTableModel
from tests.unit.jobs.conftest import spec


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    return JobStore(Journal(tmp_path / "j.db"), ManualClock())


def test_model_passes_qtmodeltester_through_adds_updates_moves_removes(
    qtmodeltester: Any, store: JobStore
) -> None:
    model = JobTableModel(store, store.clock, reorder=store.move)
    qtmodeltester.check(model, force_py=True)
    jobs = [store.add(spec(f"p{i}"), estimate_usd=Decimal("0.64"), backend="b") for i in range(4)]
    store.update(jobs[0].id, state=JobState.UPLOADING, progress=0.42)
    store.move(jobs[3].id, 0)
    store.move(jobs[3].id, 2)
    store.update(jobs[1].id, state=JobState.CANCELLED, note="cancelled before it was sent")
    store.remove(jobs[1].id)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3
    assert [model.data(model.index(r, 0), JobIdRole) for r in range(3)] == [j.id for j in store]


def test_rows_read_like_the_ui_guide(store: JobStore) -> None:
    model = JobTableModel(store, store.clock)
    a, b, c = (
        store.add(spec(f"p{i}"), estimate_usd=Decimal("0.64"), backend="b") for i in range(3)
    )
    text = lambda row, col=Column.STATE: model.data(model.index(row, col))  # noqa: E731
    assert text(1) == "queued (#2)"
    store.update(a.id, state=JobState.UPLOADING, progress=0.42)
    assert text(0) == "uploading 42 %"
    assert text(1) == "queued (#1)"
    store.update(
        b.id, next_retry_at=store.clock.time() + 8, note="retry in 8 s (429 concurrency limit)"
    )
    assert text(1) == "retry in 8 s (429 concurrency limit)"
    store.update(
        c.id,
        state=JobState.FAILED,
        error=FailureInfo(FailureKind.CONTENT_FILTERED, "Content rejected", request_id="req-9"),
        note="Content rejected",
    )
    assert text(2) == "Content rejected"
    assert "x-request-id: req-9" in model.data(
        model.index(2, Column.STATE), Qt.ItemDataRole.ToolTipRole
    )
    assert text(0, Column.COST) == "$0.64"
    assert text(0, Column.MODEL) == "2-3-pro"
    assert model.headerData(Column.COST, Qt.Orientation.Horizontal) == "Est. cost"
    assert model.rowCount(model.index(0, 0)) == 0
    assert not model.index(5, 0).isValid() or model.data(QModelIndex()) is None


def test_drag_reorder_goes_through_the_callback(store: JobStore) -> None:
    calls: list[tuple[str, int]] = []

    def reorder(job_id: str, to: int) -> None:
        calls.append((job_id, to))
        store.move(job_id, to)

    model = JobTableModel(store, store.clock, reorder=reorder)
    jobs = [store.add(spec(f"p{i}"), estimate_usd=Decimal(1), backend="b") for i in range(3)]
    mime = model.mimeData([model.index(2, 0)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex()) is False
    assert calls == [(jobs[2].id, 0)]
    assert next(j.id for j in store) == jobs[2].id
    assert model.data(model.index(0, 0), JobIdRole) == jobs[2].id
