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

from ltxstudio.core.fsutil import atomic_write_text
from ltxstudio.settings.model import SCHEMA_VERSION, Settings, from_json, to_json

BASE_URL_ENV = "LTX_API_BASE_URL"

#: version → function upgrading a dict from that version to the next.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


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
    if version < SCHEMA_VERSION:
        _backup(path, f"v{version}")
        try:
            for step in range(version, SCHEMA_VERSION):
                data = MIGRATIONS[step](data)
        except Exception as exc:  # noqa: BLE001 - a broken migration must not lose the file
            return Loaded(Settings(), [f"settings migration failed: {exc}"])
    settings, warnings = from_json(data)
    return Loaded(settings, warnings)


def save(path: Path, settings: Settings) -> None:
    atomic_write_text(path, json.dumps(to_json(settings), indent=2, sort_keys=True) + "\n")


def base_url_override() -> str | None:
    """`LTX_API_BASE_URL` wins over the stored base URL for this process (never saved)."""
    return os.environ.get(BASE_URL_ENV, "").strip() or None


def _backup(path: Path, tag: str) -> Path:
    backup = path.with_name(f"{path.name}.{tag}.bak")
    backup.write_bytes(path.read_bytes())
    return backup
