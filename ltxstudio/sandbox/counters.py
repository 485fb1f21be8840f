"""The counters behind `/_sandbox/stats`, persisted as increments when there is a state dir.

Increments and maxima (never absolute writes) keep two processes on one state dir from undoing
each other's counts. Thread-safe: the renderer counts from its worker threads.
"""

from __future__ import annotations

import threading
from collections import Counter

from ltxstudio.sandbox.statedb import StateDb

REQUEST_PREFIX = "request:"


class Counters:
    def __init__(self, db: StateDb | None = None) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._values: Counter[str] = Counter(db.load_counters() if db is not None else {})

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._values[name] += amount
        if self._db is not None:
            self._db.bump(name, amount)

    def raise_to(self, name: str, value: int) -> None:
        """Keep the largest value seen (a high-water mark such as the peak in flight)."""
        with self._lock:
            if value <= self._values[name]:
                return
            self._values[name] = value
        if self._db is not None:
            self._db.raise_to(name, value)

    def __getitem__(self, name: str) -> int:
        with self._lock:
            return self._values[name]

    def count_request(self, label: str) -> None:
        self.add(REQUEST_PREFIX + label)

    def requests(self) -> dict[str, int]:
        """Requests by route label, sorted by label."""
        with self._lock:
            found = {
                name.removeprefix(REQUEST_PREFIX): value
                for name, value in self._values.items()
                if name.startswith(REQUEST_PREFIX) and value
            }
        return dict(sorted(found.items()))
