"""The benchmark convention: ratios against a baseline measured in the same run.

Each `tests/benchmarks/bench_*.py` module defines `run() -> list[Result]`. `python -m
tests.benchmarks` (what `make bench`) runs them all, prints one line per figure as
`name value unit target pass|fail`, writes the table to docs/PERFORMANCE.md with a description
of the machine, and exits 1 if any target is missed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    target: str  # human form, e.g. "<= 0.5" or "<= 33 ms"
    passed: bool | None  # None: informational figure with no target
    note: str = ""

    def line(self) -> str:
        verdict = {True: "pass", False: "fail", None: "info"}[self.passed]
        return f"{self.name} {self.value:.4g} {self.unit} {self.target or '-'} {verdict}"


def at_most(name: str, value: float, unit: str, limit: float, note: str = "") -> Result:
    return Result(name, value, unit, f"<= {limit:g}", value <= limit, note)


def at_least(name: str, value: float, unit: str, limit: float, note: str = "") -> Result:
    return Result(name, value, unit, f">= {limit:g}", value >= limit, note)


def info(name: str, value: float, unit: str, note: str = "") -> Result:
    return Result(name, value, unit, "", None, note)


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Median wall seconds of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]
