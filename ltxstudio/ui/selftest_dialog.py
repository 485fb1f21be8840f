"""Help → Run self-test: the same checks as `ltxstudio selftest`, inside the running app.

Non-modal: the app stays usable while it runs. The test's window is kept off the screen and its
session lives in a temporary directory, so the user's queue, library and layout are untouched.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from PySide6.QtGui import QCloseEvent, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.ui.background import Background
from ltxstudio.ui.selftest import Report, run_selftest


class SelftestDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("selftestDialog")
        self.setWindowTitle(self.tr("Self-test"))
        self.setModal(False)
        self.resize(820, 360)
        self.status = QLabel()
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.run_button = QPushButton(self.tr("Run again"))
        self.copy_button = QPushButton(self.tr("Copy report"))
        buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.run_button.clicked.connect(self.start)
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.output.toPlainText())
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.output)
        layout.addWidget(buttons)
        self.report: Report | None = None
        self.task: asyncio.Task[Report] | None = None
        self._background = Background()

    def start(self) -> None:
        if self.task is not None and not self.task.done():
            return
        self.report = None
        self.output.clear()
        self.status.setText(self.tr("Running: one sandbox clip is generated and played…"))
        self.run_button.setEnabled(False)
        self.task = self._background.run(self._run())
        self.task.add_done_callback(self._finished)

    async def _run(self) -> Report:
        root = Path(tempfile.mkdtemp(prefix="ltxstudio-selftest-"))
        report = await run_selftest(root, on_line=self.output.appendPlainText)
        if report.passed:
            await asyncio.to_thread(shutil.rmtree, root, True)
        else:
            self.output.appendPlainText(f"files kept in {root}")
        return report

    def _finished(self, task: asyncio.Task[Report]) -> None:
        self.run_button.setEnabled(True)
        if task.cancelled():
            self.status.setText(self.tr("Stopped."))
            return
        if task.exception() is not None:  # `Background` presents the error itself
            self.status.setText(self.tr("The self-test could not run."))
            return
        self.report = task.result()
        self.output.appendPlainText(self.report.summary())
        self.status.setText(
            self.tr("All checks passed.") if self.report.passed else self.tr("Some checks failed.")
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()  # its cleanup closes the test's session and window
        super().closeEvent(event)


def show_selftest(parent: QWidget | None) -> SelftestDialog:
    dialog = SelftestDialog(parent)
    dialog.show()
    dialog.start()
    return dialog
