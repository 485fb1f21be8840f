from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pytestqt.qtbot import QtBot

from ltxstudio.core.clock import ManualClock
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.model import JobState
from ltxstudio.jobs.queue_state import Hold, HoldReason, QueueStatus
from ltxstudio.jobs.store import JobStore
from ltxstudio.ui.models.job_table import JobTableModel
from ltxstudio.ui.queue_panel import QueuePanel
from tests.unit.jobs.conftest import spec


class Controller:
    simulated = False

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def add_simulated_credit(self) -> None:
        self.calls.append(("add_simulated_credit", ""))

    def cancel(self, job_id: str) -> None:
        self.calls.append(("cancel", job_id))

    def retry(self, job_id: str) -> None:
        self.calls.append(("retry", job_id))

    def approve(self, job_id: str) -> None:
        self.calls.append(("approve", job_id))

    def remove(self, job_id: str) -> None:
        self.calls.append(("remove", job_id))

    def pause(self) -> None:
        self.calls.append(("pause", ""))

    def resume(self) -> None:
        self.calls.append(("resume", ""))


def _status(hold: Hold | None = None, budget: str | None = None) -> QueueStatus:
    return QueueStatus(hold, 2, 2, 0, 0, Decimal("1.24"), Decimal(budget) if budget else None)


def test_empty_state_hold_banner_and_actions(qtbot: QtBot, tmp_path: Path) -> None:
    store = JobStore(Journal(tmp_path / "j.db"), ManualClock())
    controller = Controller()
    panel = QueuePanel(JobTableModel(store, store.clock, reorder=store.move), controller)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.empty.isVisible()
    assert "Ctrl+Enter" in panel.empty.text()

    job = store.add(spec(), estimate_usd=Decimal("0.64"), backend="b")
    assert panel.table.isVisible()

    panel.show_status(_status(budget="5.00"))
    assert panel.spend.text() == "spent today $1.24 / $5.00"
    assert not panel.banner.isVisible()

    funds = Hold(HoldReason.FUNDS, "Insufficient funds. Required: 64 credits", 64, "credits")
    panel.show_status(_status(funds))
    assert panel.banner.isVisible()
    assert "64 credits required" in panel.banner.text()
    assert "no job failed" in panel.banner.text()
    assert panel.pause_button.text() == "Resume queue"
    panel.pause_button.click()
    assert controller.calls[-1] == ("resume", "")

    disk = Hold(HoldReason.DISK, "cannot write /media/full/v.mp4: No space left on device")
    panel.show_status(_status(disk))
    assert "No space left on device" in panel.banner.text()
    assert "no job failed" in panel.banner.text()
    assert "API key" not in panel.banner.text()

    labels = [a.text() for a in panel.actions_for(store.get(job.id))]
    assert labels[0] == "Cancel"
    store.update(job.id, state=JobState.UPLOADING)
    store.update(job.id, state=JobState.CANCELLED)
    actions = {a.text(): a for a in panel.actions_for(store.get(job.id))}
    assert "Retry as a new submission" in actions
    assert not actions["Copy x-request-id"].isEnabled()
    actions["Retry as a new submission"].trigger()
    assert controller.calls[-1] == ("retry", job.id)
