"""Settings apply live (issue 13, item 5): concurrency, budget and theme change without closing
the window or the session; a backend change still asks for a reopen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from ltxstudio.settings import store
from ltxstudio.settings.model import Backend, Theme
from ltxstudio.ui.settings_dialog import SettingsResult

pytestmark = pytest.mark.asyncio


def _window_colour() -> int:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app.palette().color(QPalette.ColorRole.Window).lightness()


async def test_concurrency_budget_and_theme_apply_without_a_reopen(open_app) -> None:  # type: ignore[no-untyped-def]
    app = await open_app()
    window, session = app.window, app.session
    runner = session.runner  # the test looks behind the façade to see the engine change
    reopens: list[SettingsResult] = []
    window.reopen_requested.connect(reopens.append)
    new = session.settings.with_changes(
        concurrency=5, daily_budget_usd=Decimal("3.50"), theme=Theme.DARK
    )
    window.open_settings()
    window.settings_dialog.concurrency.setValue(5)
    window.settings_dialog.budget_on.setChecked(True)
    window.settings_dialog.budget.setValue(3.5)
    window.settings_dialog.theme.setCurrentIndex(window.settings_dialog.theme.findData(Theme.DARK))
    window.settings_dialog._accept()

    assert reopens == []  # no reopen was asked for
    assert app.session is session
    assert window.isVisible()
    assert runner.config.concurrency == 5
    assert session.concurrency == 5
    assert runner.config.daily_budget_usd == Decimal("3.50")
    assert session.queue_status().daily_budget_usd == Decimal("3.50")
    assert "$3.50" in window.status.spend_label.text()  # the status bar shows the new budget
    assert _window_colour() < 100  # the dark palette, now
    saved = store.load(session.paths.settings_file).settings
    assert (saved.concurrency, saved.daily_budget_usd, saved.theme) == (
        new.concurrency,
        new.daily_budget_usd,
        new.theme,
    )

    window.open_settings()
    light = window.settings_dialog.theme.findData(Theme.LIGHT)
    window.settings_dialog.theme.setCurrentIndex(light)
    window.settings_dialog._accept()
    assert _window_colour() > 150
    assert reopens == []


async def test_a_backend_change_still_reopens_the_session(open_app) -> None:  # type: ignore[no-untyped-def]
    app = await open_app()
    window = app.window
    reopens: list[SettingsResult] = []
    window.reopen_requested.connect(reopens.append)
    window.open_settings()
    dialog = window.settings_dialog
    dialog.backend.setCurrentIndex(dialog.backend.findData(Backend.LIVE))
    dialog._accept()
    (result,) = reopens
    assert result.settings.backend is Backend.LIVE
    assert app.session.settings.backend is not Backend.LIVE  # nothing applied live
