"""Find what blocks an event loop: a watchdog thread samples the loop thread's stack whenever
the loop has not ticked for `threshold` seconds, and counts the innermost frames of our code.

Used to explain stalls seen by the responsiveness test and the loop-lag benchmark."""

from __future__ import annotations

import collections
import sys
import threading
import time
import traceback


class StallWatch:
    def __init__(self, threshold: float = 0.03, interval: float = 0.005) -> None:
        self.threshold, self.interval = threshold, interval
        self.thread_id = threading.get_ident()  # the loop's thread: create it there
        self.last = time.perf_counter()
        self.samples: collections.Counter[str] = collections.Counter()
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def tick(self) -> None:
        self.last = time.perf_counter()

    @property
    def running(self) -> bool:
        return self._watcher.is_alive()

    def start(self) -> None:
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        self._watcher.join()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            if time.perf_counter() - self.last < self.threshold:
                continue
            frame = sys._current_frames().get(self.thread_id)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            ours = [f for f in stack if "/ltxstudio/" in f.filename or "/tests/" in f.filename]
            where = ours[-3:] if ours else stack[-3:]
            inner = stack[-1]
            key = " <- ".join(
                f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in reversed(where)
            )
            self.samples[
                f"{inner.filename.rsplit('/', 1)[-1]}:{inner.lineno} {inner.name} | {key}"
            ] += 1

    def report(self, top: int = 12) -> str:
        return "\n".join(f"{n:5d}  {k}" for k, n in self.samples.most_common(top))
