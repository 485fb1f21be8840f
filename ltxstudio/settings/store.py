"""Load and save `settings.json`: atomic writes, versioned migrations with a backup.

A settings file from a newer or broken version never stops the app: the file is kept as a backup,
defaults are used, and the reason is returned for the UI to show once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ltxstudio.core.catalog import API_BASE_URL, LEGACY_API_BASE_URL
from ltxstudio.core.fsutil import atomic_write_text
from ltxstudio.settings.model import (
    SCHEMA_VERSION,
    Settings,
    from_json,
    to_json,
)

BASE_URL_ENV = "LTX_API_BASE_URL"


def _v1_to_v2(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The v1 generation routes were retired on 2026-10-26: the API surface choice goes (every
    job is v2). Schema 1 stored its default host with every save, so the old default becomes
    the new one; the legacy host keeps working, and jobs sent to it are still found."""
    out = {k: v for k, v in data.items() if k != "surface"}
    notes = []
    if data.get("surface") == "v1":
        notes.append(
            "the API surface setting was v1 (synchronous), retired on 2026-10-26: using v2"
        )
    if data.get("base_url") == LEGACY_API_BASE_URL:
        out["base_url"] = API_BASE_URL
        notes.append(f"API base URL {LEGACY_API_BASE_URL} (the old default) is now {API_BASE_URL}")
    out["schema_version"] = 2
    return out, notes


#: version → function upgrading a dict from that version to the next (with what it changed).
MIGRATIONS: dict[int, Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]] = {
    1: _v1_to_v2,
}


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    warnings: list[str] = field(default_factory=list)


def load(path: Path) -> Loaded:
    if not path.exists():
        return Loaded(Settings())
    try:
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        backup = _backup(path, "unreadable")
        return Loaded(Settings(), [f"settings file was unreadable ({exc}); saved as {backup}"])
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        return Loaded(
            Settings(),
            [f"settings file is from a newer version ({version}); using defaults, file untouched"],
        )
    notes: list[str] = []
    if version < SCHEMA_VERSION:
        _backup(path, f"v{version}")
        try:
            for step in range(version, SCHEMA_VERSION):
                data, changed = MIGRATIONS[step](data)
                notes += changed
        except Exception as exc:  # noqa: BLE001 - a broken migration must not lose the file
            return Loaded(Settings(), [f"settings migration failed: {exc}"])
    settings, warnings = from_json(data)
    if notes:
        save(path, settings)  # migrated once: the notes are said once
    return Loaded(settings, notes + warnings)


def save(path: Path, settings: Settings) -> None:
    atomic_write_text(path, json.dumps(to_json(settings), indent=2, sort_keys=True) + "\n")


def base_url_override() -> str | None:
    """`LTX_API_BASE_URL` wins over the stored base URL for this process (never saved)."""
    return os.environ.get(BASE_URL_ENV, "").strip() or None


def _backup(path: Path, tag: str) -> Path:
    backup = path.with_name(f"{path.name}.{tag}.bak")
    backup.write_bytes(path.read_bytes())
    return backup
