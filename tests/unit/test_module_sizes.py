"""House rule (docs/DEVELOPERS.md): a module in `ltxstudio/` stays within ~400 lines, or its
first line says why not (`# Over 400 lines on purpose: …`)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400


def test_long_modules_say_why_at_the_top() -> None:
    modules = sorted((ROOT / "ltxstudio").rglob("*.py"))
    unexplained = []
    for path in modules:
        lines = path.read_text().splitlines()
        if len(lines) > LIMIT and not lines[0].startswith("# Over 400 lines on purpose: "):
            unexplained.append(f"{path.relative_to(ROOT)}: {len(lines)} lines")
    assert not unexplained, unexplained
