"""The session is the UI's façade (issue 13, item 4).

import-linter forbids the UI the engine's modules (pyproject's "The UI reaches the engine only
through the session" contract); these tests keep that list complete as modules are added, and
catch what an import contract cannot see: an attribute path through the session to its parts.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: What the UI may import from the engine: the items it displays and the read-only views.
ALLOWED = {
    "ltxstudio.jobs",
    "ltxstudio.jobs.model",
    "ltxstudio.jobs.queue_state",
    "ltxstudio.jobs.view",
    "ltxstudio.library",
    "ltxstudio.library.model",
    "ltxstudio.library.view",
}
#: The session's parts the UI must not reach through it.
REACH = re.compile(
    r"\bsession\.(runner|store|journal|library|undo_stack|undo_groups|client|sandbox)\b"
)


def _facade_contract() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (found,) = [c for c in contracts if c["name"].startswith("The UI reaches the engine only")]
    return dict(found)


def _modules(package: str) -> set[str]:
    folder = ROOT / package.replace(".", "/")
    out = {package}
    for path in folder.glob("*.py"):
        if path.stem != "__init__":
            out.add(f"{package}.{path.stem}")
    return out


def test_every_engine_module_is_either_an_item_or_forbidden_to_the_ui() -> None:
    contract = _facade_contract()
    assert contract["source_modules"] == ["ltxstudio.ui", "ltxstudio.app"]
    forbidden = set(contract["forbidden_modules"])  # type: ignore[call-overload]
    engine = _modules("ltxstudio.jobs") | _modules("ltxstudio.library")
    unlisted = sorted(engine - ALLOWED - forbidden)
    assert not unlisted, f"add to the façade contract or to ALLOWED: {unlisted}"
    assert "ltxstudio.api" in forbidden


def reaches(source: str) -> list[str]:
    return [m.group(0) for m in REACH.finditer(source)]


def test_the_scan_sees_a_reach_through() -> None:
    assert reaches("self.session.runner.pause()\nview.session.store.get(x)") == [
        "session.runner",
        "session.store",
    ]
    assert reaches("self.session.jobs\nsession.clips.take(t)\nsession_runner.x") == []


def test_the_ui_never_reaches_through_the_session_to_its_parts() -> None:
    found = []
    for path in [*sorted((ROOT / "ltxstudio/ui").rglob("*.py")), ROOT / "ltxstudio/app.py"]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}: {hit}" for hit in reaches(line)]
    assert not found, found
