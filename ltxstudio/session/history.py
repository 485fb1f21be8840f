"""Prompt history and saved presets (prompt + settings), kept in the data dir as JSON.

History is newest first, de-duplicated, capped; presets are named. Both are written atomically,
so a crash while saving never loses what was there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ltxstudio.core.fsutil import atomic_write_text

HISTORY_LIMIT = 500


class PromptHistory:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._items: list[str] = []
        try:
            data = json.loads(path.read_text("utf-8"))
            self._items = [s for s in data if isinstance(s, str)][:HISTORY_LIMIT]
        except (OSError, ValueError, TypeError):
            self._items = []

    def add(self, prompt: str) -> None:
        prompt = prompt.strip()
        if not prompt:
            return
        self._items = [prompt, *(p for p in self._items if p != prompt)][:HISTORY_LIMIT]
        atomic_write_text(self.path, json.dumps(self._items, ensure_ascii=False))

    def search(self, text: str = "", limit: int = 50) -> list[str]:
        words = text.lower().split()
        return [p for p in self._items if all(w in p.lower() for w in words)][:limit]

    def __len__(self) -> int:
        return len(self._items)


class Presets:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            data = json.loads(path.read_text("utf-8"))
            self._presets: dict[str, dict[str, Any]] = {
                k: v for k, v in data.items() if isinstance(v, dict)
            }
        except (OSError, ValueError, TypeError, AttributeError):
            self._presets = {}

    def names(self) -> list[str]:
        return sorted(self._presets, key=str.lower)

    def get(self, name: str) -> dict[str, Any]:
        return dict(self._presets[name])

    def save(self, name: str, values: Mapping[str, Any]) -> None:
        name = name.strip()
        if not name:
            raise ValueError("a preset needs a name")
        self._presets[name] = dict(values)
        self._write()

    def delete(self, name: str) -> None:
        self._presets.pop(name, None)
        self._write()

    def _write(self) -> None:
        atomic_write_text(self.path, json.dumps(self._presets, indent=2, ensure_ascii=False))
