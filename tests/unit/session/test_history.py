from __future__ import annotations

from pathlib import Path

import pytest

from ltxstudio.session.history import Presets, PromptHistory


def test_history_dedupes_searches_and_persists(tmp_path: Path) -> None:
    h = PromptHistory(tmp_path / "h.json")
    for p in ("a red fox", "a blue whale", "a red fox", "  ", "rain on a window"):
        h.add(p)
    assert h.search() == ["rain on a window", "a red fox", "a blue whale"]
    assert h.search("RED fox") == ["a red fox"]
    assert PromptHistory(tmp_path / "h.json").search() == h.search()
    (tmp_path / "bad.json").write_text("{oops")
    assert len(PromptHistory(tmp_path / "bad.json")) == 0


def test_presets(tmp_path: Path) -> None:
    p = Presets(tmp_path / "p.json")
    p.save("Night", {"prompt": "neon rain", "model": "ltx-2-3-pro", "fps": 24})
    p.save("apple", {"prompt": "x"})
    assert p.names() == ["apple", "Night"]
    assert Presets(tmp_path / "p.json").get("Night")["fps"] == 24
    p.delete("apple")
    assert p.names() == ["Night"]
    with pytest.raises(ValueError, match="name"):
        p.save(" ", {})
