"""P2's baseline: the least a PySide6 app does before its first paint. An empty 1600x1000
QMainWindow, the same size as the app's; prints `first-paint <time.monotonic()>` as the app's
probe does (LTXSTUDIO_EXIT_ON_FIRST_PAINT), then quits."""

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False


def done() -> None:
    print(f"first-paint {time.monotonic():.6f}", flush=True)
    QApplication.quit()


app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1600, 1000)
probe = FirstPaint()
window.installEventFilter(probe)
window.show()
sys.exit(app.exec())
