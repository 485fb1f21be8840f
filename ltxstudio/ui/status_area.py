"""The main window's status bar and notifications: which backend is in use (always visible —
the sandbox must never pass for the real API) and whether it can be reached, today's spend
against the budget, and job outcomes as transient messages, notifications and announcements
for assistive technology."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QStatusBar, QSystemTrayIcon, QToolButton

from ltxstudio.core.pricing import format_usd
from ltxstudio.jobs.model import Job, JobState
from ltxstudio.jobs.queue_state import Hold, HoldReason, QueueStatus
from ltxstudio.session import DrainSummary
from ltxstudio.ui.announcer import Announcer
from ltxstudio.ui.money import job_money, money
from ltxstudio.ui.plain_errors import plain_reason, scrub
from ltxstudio.ui.session_view import Connection, ConnectionState, SessionView
from ltxstudio.ui.theme import AMBER, GREEN

SANDBOX_TEXT = "Sandbox — simulated clips, no charges"
OFFLINE_TEXT = "LTX API — offline, retrying"


class StatusArea(QObject):
    def __init__(self, bar: QStatusBar, view: SessionView, icon: QIcon) -> None:
        super().__init__(bar)
        self.bar, self.view = bar, view
        session = view.session
        self.backend_label = QLabel()
        self.backend_label.setObjectName("backendBadge")
        self.connect_button = QToolButton()
        self.connect_button.setText(self.tr("Connect LTX account…"))
        self.spend_label = QLabel()
        self.spend_label.setObjectName("spendToday")
        self.announcer = Announcer(bar)
        # Permanent widgets: a transient message never hides which backend this is.
        bar.addPermanentWidget(self.backend_label)
        bar.addPermanentWidget(self.connect_button)
        bar.addPermanentWidget(self.spend_label)
        self.connect_button.setVisible(session.simulated)
        self.show_connection(view.connection)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("LTX Studio Desktop")
            self.tray.show()
        view.connection_changed.connect(self._on_connection_changed)
        view.job_settled.connect(self.job_changed)
        view.hold_changed.connect(self.hold_changed)

    # ------------------------------------------------------------------ backend

    def show_connection(self, connection: Connection) -> None:
        session = self.view.session
        if session.simulated:
            self.backend_label.setText(f"{_dot(AMBER)} {self.tr(SANDBOX_TEXT)}")
            self.backend_label.setToolTip(
                self.tr("No API key is set: clips are simulated offline and nothing is charged.")
            )
        else:
            self._show_live(connection)
        self.backend_label.setAccessibleName(_plain(self.backend_label.text()))

    def _show_live(self, connection: Connection) -> None:
        session = self.view.session
        match connection.state:
            case ConnectionState.ONLINE:
                limit = session.concurrency
                self.backend_label.setText(f"{_dot(GREEN)} LTX API · {limit} at once")
                self.backend_label.setToolTip(session.backend_name)
            case ConnectionState.OFFLINE:
                self.backend_label.setText(f"{_dot(AMBER)} {self.tr(OFFLINE_TEXT)}")
                self.backend_label.setToolTip(offline_sentence(connection.reason))

    def _on_connection_changed(self, connection: Connection) -> None:
        self.show_connection(connection)
        match connection.state:
            case ConnectionState.OFFLINE:
                self.announcer.announce(offline_sentence(connection.reason), assertive=True)
            case ConnectionState.ONLINE:
                self.announcer.announce(self.tr("LTX can be reached again."))

    # ------------------------------------------------------------------ queue

    def show_queue(self, status: QueueStatus) -> None:
        text = f"Today {format_usd(status.spent_today_usd)}"
        if status.daily_budget_usd is not None:
            text += f" / {format_usd(status.daily_budget_usd)}"
        if self.view.session.simulated:
            text += " (simulated)"
        self.spend_label.setText(text)
        self.show_connection(self.view.connection)  # "N at once" follows a live change

    def job_changed(self, new: Job) -> None:
        title = new.spec.title[:60]
        match new.state:
            case JobState.COMPLETED:
                self.notify(self.tr("Done: %1").replace("%1", title), new.note)
            case JobState.FAILED:
                why = plain_reason(new.error) if new.error else scrub(new.note)
                self.notify(self.tr("Failed: %1").replace("%1", title), why, assertive=True)
            case JobState.AWAITING_APPROVAL:
                self.notify(self.tr("Needs approval: %1").replace("%1", title), new.note, True)
            case JobState.EXPIRED | JobState.OUTCOME_UNKNOWN:
                self.notify(self.tr("Check: %1").replace("%1", title), scrub(new.note), True)
            case JobState.CANCELLED:
                self.announcer.announce(self.tr("Cancelled: %1").replace("%1", title))
            case (
                JobState.DRAFT
                | JobState.QUEUED
                | JobState.UPLOADING
                | JobState.SUBMITTING
                | JobState.PENDING
                | JobState.PROCESSING
                | JobState.DOWNLOADING
            ):
                pass

    def hold_changed(self, hold: Hold | None) -> None:
        if hold is None:
            self.announcer.announce(self.tr("The queue runs again."))
            return
        match hold.reason:
            case HoldReason.USER:
                self.announcer.announce(self.tr("Queue paused: nothing new starts."))
            case HoldReason.FUNDS:
                self.announcer.announce(
                    self.tr("Queue held: not enough funds. %1").replace("%1", hold.message),
                    assertive=True,
                )
            case HoldReason.AUTH:
                self.announcer.announce(
                    self.tr("Queue held: the API key was refused."), assertive=True
                )
            case HoldReason.DISK:
                self.announcer.announce(
                    self.tr("Queue held: results cannot be saved. %1").replace("%1", hold.message),
                    assertive=True,
                )

    def drained(self, summary: DrainSummary) -> None:
        self.notify(
            self.tr("Queue finished"),
            f"{summary.completed} done, {summary.failed} not, "
            + (
                money(summary.spent_usd, simulated=True)
                if self.view.session.simulated
                else f"{format_usd(summary.spent_usd)} estimated"
            ),
        )

    def resumed(self, count: int) -> None:
        """At start: the jobs an earlier run left at LTX are being picked up again."""
        if count:
            text = (
                self.tr("Resumed 1 job from the last run")
                if count == 1
                else self.tr("Resumed %1 jobs from the last run").replace("%1", str(count))
            )
            self.bar.showMessage(text, 15000)
            self.announcer.announce(text)

    def notify(self, title: str, message: str, assertive: bool = False) -> None:
        if self.tray is not None and self.view.session.settings.notifications:
            self.tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, 5000)
        line = f"{title} — {message}" if message else title
        self.bar.showMessage(line, 8000)
        self.announcer.announce(line, assertive=assertive)

    def show_queued(self, job: Job) -> None:
        text = (
            self.tr("Queued: %1 · estimated %2")
            .replace("%1", job.spec.title[:60])
            .replace("%2", job_money(job))
        )
        self.bar.showMessage(text, 5000)
        self.announcer.announce(text)


def offline_sentence(reason: str) -> str:
    return (
        f"LTX cannot be reached: {reason or 'no answer'}. Queued jobs wait and are sent again "
        "when the network is back; nothing is lost or charged twice."
    )


def _dot(colour: str) -> str:
    return f'<span style="color:{colour}">●</span>'


def _plain(html: str) -> str:
    return html.split("</span>", 1)[-1].strip()
