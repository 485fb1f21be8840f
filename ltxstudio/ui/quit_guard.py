"""Quitting while jobs run: say what happens to them before the window goes.

LTX has no cancel endpoint and keeps working on what it accepted, so quitting never stops a
job: it goes on at the service and the next start re-attaches it and downloads the result (LTX
keeps results 24 h). The user asked to quit (File → Quit, the window's close button): ask once,
non-modally (`open()`, never `exec()`), with the count. A quit the user did not ask for here (a
logout, SIGTERM, a settings reopen) closes without asking.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def quit_question(running: int, simulated: bool) -> str:
    jobs = "1 job is" if running == 1 else f"{running} jobs are"
    where = "in the sandbox" if simulated else "at LTX"
    then = (
        "The sandbox keeps their state: they continue when the app starts again."
        if simulated
        else "They continue on the service, which keeps their results for 24 hours."
    )
    return (
        f"{jobs} still running {where}. Quitting does not stop or cancel them. {then} "
        "At the next start they are picked up and their results downloaded."
    )


def ask_before_quitting(
    parent: QWidget, running: int, simulated: bool, quit_now: Callable[[], None]
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("quitQuestion")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(parent.tr("Quit LTX Studio Desktop"))
    box.setText(parent.tr("Jobs are still running"))
    box.setInformativeText(quit_question(running, simulated))
    quit_button = box.addButton(parent.tr("Quit"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(parent.tr("Keep open"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)

    def finished() -> None:
        if box.clickedButton() is quit_button:
            quit_now()

    box.finished.connect(finished)
    box.open()
    return box
