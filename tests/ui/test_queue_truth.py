"""Issue 14, items 5 and 6: the queue says what is true — its header counts what waits under a
pause, new rows come into view, and running jobs show their elapsed time and a learned ETA that
counts down (never "ETA 0:00", "longer than usual" once late)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.model import JobState
from ltxstudio.jobs.store import JobStore
from ltxstudio.session.forms import Mode, generation_request
from ltxstudio.ui.models.job_table import Column, JobTableModel
from tests.ui.conftest import App, until
from tests.unit.jobs.conftest import spec

PROMPT = (
    "A lighthouse stands on a cliff at dusk. Its beam sweeps the fog as waves crash below. "
    "The camera slowly dollies in. We hear the foghorn and the wind."
)
REQUEST = generation_request(Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2)


@pytest.mark.asyncio
async def test_header_counts_jobs_waiting_under_a_pause_and_new_rows_come_into_view(
    open_app,  # type: ignore[no-untyped-def]
) -> None:
    app: App = await open_app()
    s, w = app.session, app.window
    w.queue.pause_button.click()
    for _ in range(2):
        await s.generate(REQUEST)
    # Seen failing before: "0 running · 0 queued" (the header only followed state changes).
    assert w.queue.summary.text().startswith("0 running · 2 queued")
    assert "paused" in w.queue.summary.text()


@pytest.mark.asyncio
async def test_new_rows_come_into_view_and_states_never_go_back(
    open_app,  # type: ignore[no-untyped-def]
) -> None:
    app: App = await open_app()
    s, w = app.session, app.window
    w.queue.pause_button.click()
    for _ in range(16):
        await s.generate(REQUEST)
    table = w.queue.table
    last = w.jobs_model.index(w.jobs_model.rowCount() - 1, Column.TITLE)
    # Seen failing before: the 16th row sat below the visible rows.
    assert table.viewport().rect().intersects(table.visualRect(last))
    assert w.queue.summary.text().startswith("0 running · 16 queued")
    # The states a row shows never go back while it runs.
    order = [JobState.QUEUED, JobState.UPLOADING, JobState.SUBMITTING, JobState.PENDING]
    order += [JobState.PROCESSING, JobState.DOWNLOADING, JobState.COMPLETED]
    shown: dict[str, list[int]] = {}

    def record(*_: object) -> None:
        for row in range(w.jobs_model.rowCount()):
            job = w.jobs_model.job_at(row)
            steps = shown.setdefault(job.id, [])
            rank = order.index(job.state) if job.state in order else len(order)
            if not steps or steps[-1] != rank:
                steps.append(rank)

    w.jobs_model.dataChanged.connect(record)
    first = s.store[0].id
    for job in list(s.store)[1:]:
        s.cancel(job.id)
    w.queue.pause_button.click()
    await until(lambda: s.store.get(first).state.terminal, w.jobs_model.dataChanged, 60)
    assert shown[first] == sorted(shown[first])


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    return JobStore(Journal(tmp_path / "j.db"), ManualClock())


def _finished(store: JobStore, prompt: str, *, submit: float, render: float) -> None:
    job = store.add(spec(prompt), estimate_usd=Decimal(1), backend="sandbox")
    clock = store.clock
    assert isinstance(clock, ManualClock)
    store.update(job.id, state=JobState.UPLOADING)
    store.update(job.id, state=JobState.SUBMITTING, submitted_at=clock.time())
    clock.advance(submit + render)
    store.update(
        job.id,
        state=JobState.PENDING,
        timings={"submit": submit, "render": render},
    )
    store.update(job.id, state=JobState.DOWNLOADING)
    store.update(job.id, state=JobState.COMPLETED, finished_at=clock.time())


def _running(store: JobStore, prompt: str, **params: object) -> str:
    job = store.add(spec(prompt, **params), estimate_usd=Decimal(1), backend="sandbox")
    store.update(job.id, state=JobState.UPLOADING)
    store.update(job.id, state=JobState.SUBMITTING, submitted_at=store.clock.time())
    store.update(job.id, state=JobState.PENDING)
    store.update(job.id, state=JobState.PROCESSING)
    return job.id


def test_running_jobs_show_elapsed_time_and_a_learned_eta_that_counts_down(
    store: JobStore,
) -> None:
    clock = store.clock
    assert isinstance(clock, ManualClock)
    _finished(store, "earlier", submit=1.0, render=19.0)  # this kind takes 20 s
    model = JobTableModel(store, clock)
    job_id = _running(store, "now")
    row = store.index_of(job_id)

    def cell(column: Column) -> str:
        return str(model.index(row, column).data())

    clock.advance(5)
    model.tick()
    # Seen failing before: "processing · ETA 0:19" (a 5 s queue guess on top, no elapsed time,
    # an empty Progress column, and no tick: nothing moved between job events).
    assert cell(Column.STATE) == "processing · 0:05 · about 0:15 left"
    assert cell(Column.PROGRESS) == "0:05"
    assert cell(Column.ETA) == "0:15"
    clock.advance(14.6)  # 0.4 s left: the clock rounds up, never shows 0:00
    model.tick()
    assert cell(Column.ETA) == "0:01"
    assert "0:00" not in cell(Column.STATE)
    clock.advance(10)
    model.tick()
    assert cell(Column.STATE) == "processing · 0:29 · longer than usual"
    assert cell(Column.ETA) == "late"
    # Before: "processing" with ETA "0:00" once the time had passed.
    # A kind never seen (another model) has no estimate, only the elapsed time (before: a
    # rule of thumb, 5 s + 12 s per output second = 1:41 for this 8 s clip).
    other = _running(store, "other", model="ltx-2-3-fast")
    clock.advance(3)
    assert model.index(store.index_of(other), Column.STATE).data() == "processing · 0:03"
    assert model.index(store.index_of(other), Column.ETA).data() == ""
    # Each cell is its own accessible text (issue 14, item 17).
    accessible = model.index(row, Column.ETA).data(Qt.ItemDataRole.AccessibleTextRole)
    assert accessible == "late"
