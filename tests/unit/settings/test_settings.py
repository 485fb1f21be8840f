from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import keyring
import keyring.errors
import pytest

from ltxstudio.core.catalog import API_BASE_URL, LEGACY_API_BASE_URL
from ltxstudio.settings import secrets, store
from ltxstudio.settings.model import Backend, Settings, SettingsError
from ltxstudio.settings.paths import app_paths


def test_paths_follow_xdg(isolated_home: Path) -> None:
    paths = app_paths()
    assert paths.config == isolated_home / "config" / "ltxstudio"
    assert paths.journal == isolated_home / "data" / "ltxstudio" / "journal.db"


def test_round_trip_and_atomic_save(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.json"
    s = Settings(backend=Backend.SANDBOX, daily_budget_usd=Decimal("5.50"))
    store.save(path, s)
    assert store.load(path).settings == s
    assert json.loads(path.read_text())["daily_budget_usd"] == "5.50"
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp files left


def test_a_v1_settings_file_migrates_to_v2_only_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    stored = {
        "schema_version": 1,
        "surface": "v1",
        "base_url": LEGACY_API_BASE_URL,
        "concurrency": 3,
    }
    path.write_text(json.dumps(stored))
    loaded = store.load(path)
    assert loaded.settings == Settings(concurrency=3, base_url=API_BASE_URL)
    assert API_BASE_URL == "https://api.ltx.io"
    assert any("v1" in w and "retired on 2026-10-26" in w for w in loaded.warnings)
    assert any(API_BASE_URL in w for w in loaded.warnings)
    rewritten = json.loads(path.read_text())
    assert rewritten["schema_version"] == 2
    assert "surface" not in rewritten
    assert json.loads((tmp_path / "settings.json.v1.bak").read_text()) == stored
    assert store.load(path).warnings == []  # migrated once, said once


def test_a_chosen_base_url_survives_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"schema_version": 1, "base_url": "https://ltx.example.com"}))
    assert store.load(path).settings.base_url == "https://ltx.example.com"
    # The legacy host stays valid when chosen explicitly in a current file.
    path.write_text(json.dumps({"schema_version": 2, "base_url": LEGACY_API_BASE_URL}))
    assert store.load(path).settings.base_url == LEGACY_API_BASE_URL


def test_bad_values_fall_back_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"schema_version": 1, "concurrency": "many", "theme": "neon"}))
    loaded = store.load(path)
    assert loaded.settings == Settings()
    assert any("concurrency" in w for w in loaded.warnings)
    assert any("theme" in w for w in loaded.warnings)


def test_unreadable_and_newer_files_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    loaded = store.load(path)
    assert loaded.settings == Settings()
    assert (tmp_path / "settings.json.unreadable.bak").read_text() == "{not json"
    path.write_text(json.dumps({"schema_version": 99}))
    assert "newer version" in store.load(path).warnings[0]
    assert json.loads(path.read_text()) == {"schema_version": 99}


def test_validation_names_the_field() -> None:
    with pytest.raises(SettingsError, match="concurrency"):
        Settings().with_changes(concurrency=0)
    with pytest.raises(SettingsError, match="base URL"):
        Settings().with_changes(base_url="ftp://x")


def test_base_url_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    assert store.base_url_override() is None
    monkeypatch.setenv("LTX_API_BASE_URL", "http://127.0.0.1:8765")
    assert store.base_url_override() == "http://127.0.0.1:8765"


def test_key_lives_in_the_keyring_env_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    assert secrets.load_key() is None
    saved = secrets.save_key("  sk-test-123  ")
    assert saved.value == "sk-test-123"
    assert "sk-test" not in repr(saved)
    assert "sk-test" not in str(saved)
    loaded = secrets.load_key()
    assert loaded is not None
    assert loaded.source is secrets.KeySource.KEYRING
    monkeypatch.setenv("LTX_API_KEY", "env-key")
    loaded = secrets.load_key()
    assert loaded is not None
    assert (loaded.value, loaded.source) == ("env-key", secrets.KeySource.ENVIRONMENT)
    monkeypatch.delenv("LTX_API_KEY")
    assert secrets.clear_key() is True
    assert secrets.clear_key() is False
    assert secrets.load_key() is None


def test_no_keyring_means_a_clear_error_never_a_file(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    assert not secrets.keyring_usable()
    with pytest.raises(secrets.KeyringUnavailable) as info:
        secrets.save_key("sk-secret-value")
    assert "cannot be saved" in str(info.value)
    assert "sk-secret-value" not in str(info.value)
    assert secrets.load_key() is None
    assert secrets.clear_key() is False
    written = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert not any("sk-secret-value" in p.read_text(errors="ignore") for p in written)


def test_empty_key_refused() -> None:
    with pytest.raises(Exception, match="empty"):
        secrets.save_key("   ")
    assert isinstance(keyring.errors.NoKeyringError(), keyring.errors.KeyringError)
