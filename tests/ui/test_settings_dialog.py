from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from ltxstudio.session.keycheck import KeyCheck, KeyVerdict
from ltxstudio.settings.model import Backend, Settings
from ltxstudio.ui.settings_dialog import KeyState, SettingsDialog, SettingsResult
from tests.ui.conftest import until


def test_settings_round_trip_and_key_handling(qtbot: QtBot) -> None:
    results: list[SettingsResult] = []
    key = KeyState(stored=True, source="keyring", keyring_usable=True, keyring_name="SecretService")
    dialog = SettingsDialog(None, Settings(), key, results.append)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "stored in the system keyring (SecretService)" in dialog.key_status.text()
    assert dialog.key_edit.text() == ""  # a stored key is never shown
    dialog.key_edit.setText("sk-new-key-123")
    dialog.budget_on.setChecked(True)
    dialog.budget.setValue(7.5)
    dialog.concurrency.setValue(3)
    dialog._accept()
    (result,) = results
    assert result.new_key == "sk-new-key-123"
    assert result.remember_key
    assert dialog.key_edit.text() == ""
    assert not hasattr(dialog, "surface")  # v1 was retired: no API surface choice
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


@pytest.mark.asyncio
async def test_check_key_asks_the_api_and_says_what_it_found(qtbot: QtBot) -> None:
    asked: list[tuple[str | None, str]] = []
    verdicts = [
        KeyCheck(KeyVerdict.REFUSED, "the API refused the key: Invalid API key", 401),
        KeyCheck(KeyVerdict.VALID, "the API accepted the key", 404),
    ]

    async def check(typed: str | None, base_url: str) -> KeyCheck:
        asked.append((typed, base_url))
        return verdicts.pop(0)

    key = KeyState(stored=True, source="keyring", keyring_usable=True, keyring_name="SecretService")
    dialog = SettingsDialog(None, Settings(), key, lambda _r: None, check)
    qtbot.addWidget(dialog)
    ticks = QTimer()
    ticks.start(5)  # re-check the label as the loop turns; nothing is timed
    dialog.key_edit.setText("sk-typed")
    dialog.check_button.click()
    await until(lambda: "refused" in dialog.check_result.text(), ticks.timeout)
    dialog.key_edit.clear()
    dialog.check_button.click()
    await until(lambda: "The key works" in dialog.check_result.text(), ticks.timeout)
    ticks.stop()
    assert asked == [("sk-typed", "https://api.ltx.io"), (None, "https://api.ltx.io")]
    assert "sk-typed" not in dialog.check_result.text()
