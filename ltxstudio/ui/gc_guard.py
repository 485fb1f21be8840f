"""Run Python's cyclic garbage collector on the GUI thread only.

The collector runs in whichever thread happens to allocate when a generation fills up: a media
decode or a sandbox render thread, say. If it then frees a Python-owned Qt object (a closed
window's widget tree, a timer), the C++ destructors run on that worker thread while the GUI
thread's event loop still holds pointers to them, and Qt crashes firing a timer at freed memory.
So automatic collection is switched off and a GUI-thread timer collects instead (the remedy
pyqtgraph's `GarbageCollector` uses). Reference counting, which frees most objects, is unaffected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    def __init__(self, interval_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def freeze(self) -> None:
        """Once the app is up: move everything alive now out of the collector's sight. Modules,
        Qt wrappers and the window live for the whole run; scanning them on every full
        collection would cost ~15 ms of UI time each time (measured on the app's own heap)."""
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()

    def collect(self) -> None:
        # Young generations often, the whole heap only when the thresholds say it is due.
        counts = gc.get_count()
        threshold0, threshold1, threshold2 = self._thresholds
        if counts[0] > threshold0:
            generation = 0
            if counts[1] > threshold1:
                generation = 2 if counts[2] > threshold2 else 1
            gc.collect(generation)
