"""`python -m tests.benchmarks [NAME ...]`: run the benchmarks, print and record the figures."""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from pathlib import Path

from tests.benchmarks.harness import Result

HERE = Path(__file__).parent
DOC = HERE.parents[1] / "docs" / "PERFORMANCE.md"
MARK = "<!-- figures -->"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def main(names: list[str]) -> int:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if any(n in m for n in names)]
    results: list[Result] = []
    for name in modules:
        module = importlib.import_module(f"tests.benchmarks.{name}")
        for result in module.run():
            print(result.line(), flush=True)
            results.append(result)
    write_doc(results)
    return 1 if any(r.passed is False for r in results) else 0


def write_doc(results: list[Result]) -> None:
    if not results:
        return
    rows = [
        "| figure | value | unit | target | verdict | note |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        verdict = {True: "pass", False: "**fail**", None: "info"}[r.passed]
        rows.append(
            f"| {r.name} | {r.value:.4g} | {r.unit} | {r.target or '-'} | {verdict} | {r.note} |"
        )
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = f"{MARK}\nLast run {stamp} on {machine()}.\n\n" + "\n".join(rows) + "\n"
    text = DOC.read_text() if DOC.exists() else "# Performance\n\n"
    head = text.split(MARK)[0] if MARK in text else text.rstrip() + "\n\n"
    DOC.write_text(head + block)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
