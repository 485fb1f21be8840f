"""The placeholder main window shown until the full main window lands."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

SANDBOX_BADGE = "Sandbox — simulated clips, no charges"


class ShellWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("LTX Studio Desktop"))
        self.resize(1600, 1000)
        label = QLabel(self.tr("LTX Studio Desktop\n\nThe main window is under construction."))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(label)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(QApplication.quit)
        self.menuBar().addMenu(self.tr("&File")).addAction(quit_action)
        self.statusBar().showMessage(self.tr(SANDBOX_BADGE))
