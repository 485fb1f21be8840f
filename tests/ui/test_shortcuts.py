"""Issue 14, item 21: Help → Keyboard shortcuts lists every shortcut (J/K/L, the arrows,
Shift+arrows, Home/End were listed nowhere), and Settings → Keyboard remaps them, refusing a
conflict before it is applied; the new key works at once and after a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from tests.ui.conftest import App

pytestmark = pytest.mark.asyncio


async def test_help_lists_every_key_and_settings_remaps_them_without_conflicts(
    open_app,  # type: ignore[no-untyped-def]
) -> None:
    app: App = await open_app()
    w = app.window
    # Seen failing before: there was no Help → Keyboard shortcuts (nor Settings → Keyboard).
    help_action = next(a for a in w.menuBar().actions() if a.text() == "&Help").menu()
    assert "Keyboard shortcuts" in [a.text() for a in help_action.actions()]
    dialog = w.show_keyboard_help()
    rows = {(group, command): keys for group, command, keys in dialog.rows()}
    for command, keys in (
        ("Play backwards (again: faster)", "J"),
        ("Stop", "K"),
        ("Play forwards (again: faster)", "L"),
        ("One frame back", "Left"),
        ("One frame forward", "Right"),
        ("One second back", "Shift+Left"),
        ("One second forward", "Shift+Right"),
        ("Go to start", "Home"),
        ("Go to end", "End"),
        ("Set selection in", "I"),
        ("Generate", "Ctrl+Return, Ctrl+Enter"),
    ):
        found = [k for (_g, c), k in rows.items() if c == command]
        assert found == [keys], command
    assert rows[("Queue", "Cancel a running job, remove a finished one")] == "Del"
    dialog.filter.setText("second")
    visible = [r for r in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(r)]
    assert len(visible) == 2
    dialog.close()

    # Settings → Keyboard opens the editor.
    w.open_settings()
    settings = w.settings_dialog
    button = next(b for b in settings.findChildren(QPushButton) if "keyboard" in b.text())
    button.click()
    editor = w.shortcut_editor
    ok = editor.buttons.button(QDialogButtonBox.StandardButton.Ok)
    editor.select("viewer.frame_forward")
    editor.set_keys(("Left",))  # Left is One frame back's
    assert not ok.isEnabled()
    assert "Left is also the key of: One frame back" in editor.problem.text()
    editor.set_keys(("Tab",))  # reserved for moving between controls
    assert "Tab is reserved" in editor.problem.text()
    assert not ok.isEnabled()
    editor.set_keys((".",))
    assert ok.isEnabled()
    ok.click()
    forward = w.viewer_panel.actions_.step_forward
    assert forward.shortcut() == QKeySequence(Qt.Key.Key_Period)  # live
    settings.reject()

    second: App = await open_app()  # the next start keeps the user's key
    again = second.window.viewer_panel.actions_.step_forward
    assert again.shortcut() == QKeySequence(Qt.Key.Key_Period)
