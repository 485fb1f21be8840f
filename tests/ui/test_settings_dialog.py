from __future__ import annotations

from decimal import Decimal

from pytestqt.qtbot import QtBot

from ltxstudio.settings.model import Backend, Settings, Surface
from ltxstudio.ui.settings_dialog import KeyState, SettingsDialog, SettingsResult


def test_settings_round_trip_and_key_handling(qtbot: QtBot) -> None:
    results: list[SettingsResult] = []
    key = KeyState(stored=True, source="keyring", keyring_usable=True, keyring_name="SecretService")
    dialog = SettingsDialog(None, Settings(), key, results.append)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "stored in the system keyring (SecretService)" in dialog.key_status.text()
    assert dialog.key_edit.text() == ""  # a stored key is never shown
    dialog.key_edit.setText("sk-new-key-123")
    dialog.surface.setCurrentIndex(dialog.surface.findData(Surface.V1))
    dialog.budget_on.setChecked(True)
    dialog.budget.setValue(7.5)
    dialog.concurrency.setValue(3)
    dialog._accept()
    (result,) = results
    assert result.new_key == "sk-new-key-123"
    assert result.remember_key
    assert dialog.key_edit.text() == ""
    assert result.settings.surface is Surface.V1
    assert result.settings.daily_budget_usd == Decimal("7.50")
    assert result.settings.concurrency == 3


def test_no_keyring_offers_a_session_key_only(qtbot: QtBot) -> None:
    results: list[SettingsResult] = []
    key = KeyState(stored=False, source="none", keyring_usable=False, keyring_name="fail.Keyring")
    dialog = SettingsDialog(None, Settings(backend=Backend.SANDBOX), key, results.append)
    qtbot.addWidget(dialog)
    assert "cannot be saved" in dialog.key_status.text()
    assert not dialog.remember.isEnabled()
    assert not dialog.remember.isChecked()
    dialog.base_url.setText("ftp://nope")
    dialog._accept()
    assert not results
    assert "base URL" in dialog.error.text()
