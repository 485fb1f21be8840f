"""The main window's status bar and notifications: which backend is in use (always visible —
the sandbox must never pass for the real API), today's spend against the budget, and job
outcomes as transient messages and, when the desktop has a tray, notifications."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QStatusBar, QSystemTrayIcon, QToolButton

from ltxstudio.core.pricing import format_usd
from ltxstudio.core.remote import FailureKind
from ltxstudio.jobs.model import Job, JobState
from ltxstudio.jobs.queue_state import QueueStatus
from ltxstudio.session import DrainSummary, Session
from ltxstudio.ui.theme import AMBER, GREEN

SANDBOX_TEXT = "Sandbox — simulated clips, no charges"


class StatusArea(QObject):
    def __init__(self, bar: QStatusBar, session: Session, icon: QIcon) -> None:
        super().__init__(bar)
        self.bar, self.session = bar, session
        self.backend_label = QLabel()
        self.backend_label.setObjectName("backendBadge")
        self.connect_button = QToolButton()
        self.connect_button.setText(self.tr("Connect LTX account…"))
        self.spend_label = QLabel()
        self.spend_label.setObjectName("spendToday")
        # Permanent widgets: a transient message never hides which backend this is.
        bar.addPermanentWidget(self.backend_label)
        bar.addPermanentWidget(self.connect_button)
        bar.addPermanentWidget(self.spend_label)
        if session.simulated:
            self.backend_label.setText(
                f'<span style="color:{AMBER}">●</span> {self.tr(SANDBOX_TEXT)}'
            )
            self.backend_label.setToolTip(
                self.tr("No API key is set: clips are simulated offline and nothing is charged.")
            )
        else:
            limit = session.runner.config.concurrency
            self.backend_label.setText(
                f'<span style="color:{GREEN}">●</span> LTX API · {limit} at once'
            )
            self.backend_label.setToolTip(session.backend_name)
        self.connect_button.setVisible(session.simulated)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("LTX Studio Desktop")
            self.tray.show()

    def show_queue(self, status: QueueStatus) -> None:
        text = f"Today {format_usd(status.spent_today_usd)}"
        if status.daily_budget_usd is not None:
            text += f" / {format_usd(status.daily_budget_usd)}"
        if self.session.simulated:
            text += " (simulated)"
        self.spend_label.setText(text)

    def job_changed(self, new: Job) -> None:
        title = new.spec.title[:60]
        if new.state is JobState.COMPLETED:
            self.notify(self.tr("Done: %1").replace("%1", title), new.note)
        elif new.state is JobState.FAILED:
            kind = new.error.kind if new.error else FailureKind.SERVER
            self.notify(self.tr("Failed: %1").replace("%1", title), f"{kind.value}: {new.note}")

    def drained(self, summary: DrainSummary) -> None:
        self.notify(
            self.tr("Queue finished"),
            f"{summary.completed} done, {summary.failed} not, {format_usd(summary.spent_usd)} "
            + ("simulated" if self.session.simulated else "estimated"),
        )

    def notify(self, title: str, message: str) -> None:
        if self.tray is not None and self.session.settings.notifications:
            self.tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, 5000)
        self.bar.showMessage(f"{title} — {message}", 8000)

    def show_queued(self, job: Job) -> None:
        self.bar.showMessage(
            self.tr("Queued: %1 · estimated %2")
            .replace("%1", job.spec.title[:60])
            .replace("%2", format_usd(job.estimate_usd)),
            5000,
        )


def _dot(colour: str) -> str:
    return f'<span style="color:{colour}">●</span>'
