"""Issue 14, item 17: every job action is reachable from the keyboard — the Menu key and
Shift+F10 open the row's menu (open, cancel, retry, approve, remove, move up/down), Enter opens
the result, Delete cancels or removes, Ctrl+Up/Down reorder — Tab leaves the table, and each cell
reads as itself."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.request import GenerationRequest
from ltxstudio.jobs.model import JobState
from ltxstudio.session.forms import Mode, generation_request
from ltxstudio.ui.models.job_table import Column
from tests.ui.conftest import App, until

pytestmark = pytest.mark.asyncio

PROMPT = (
    "A lighthouse stands on a cliff at dusk. Its beam sweeps the fog as waves crash below. "
    "The camera slowly dollies in. We hear the foghorn and the wind."
)


def request(prompt: str = PROMPT) -> GenerationRequest:
    return generation_request(Mode.TEXT, prompt, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2)


async def test_every_job_action_is_reachable_from_the_keyboard(open_app) -> None:  # type: ignore[no-untyped-def]
    app: App = await open_app()
    s, w = app.session, app.window
    done = await s.generate(request())
    await until(lambda: s.store.get(done.id).state is JobState.COMPLETED, w.jobs_model.dataChanged)
    s.pause()
    a = await s.generate(request("A second shot. " + PROMPT))
    b = await s.generate(request("A third shot. " + PROMPT))
    table = w.queue.table
    table.setFocus()
    table.setCurrentIndex(w.jobs_model.index(2, Column.TITLE))  # b, waiting

    # Seen failing before: the Menu key and Shift+F10 opened nothing.
    for key, mods in (
        (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
    ):
        QTest.keyClick(table, key, mods)
        menu = QApplication.activePopupWidget()
        assert menu is not None
        assert menu.isVisible()
        labels = [x.text() for x in menu.actions()]
        assert {"Cancel", "Move up", "Move to the top"} <= set(labels)
        menu.close()

    QTest.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)  # reorder
    assert [j.id for j in s.store][1:] == [b.id, a.id]
    assert table.currentIndex().row() == 1  # the cursor follows the job
    QTest.keyClick(table, Qt.Key.Key_Delete)  # a waiting job: cancel
    assert s.store.get(b.id).state is JobState.CANCELLED
    QTest.keyClick(table, Qt.Key.Key_Delete)  # a finished one: remove from the list
    assert b.id not in {j.id for j in s.store}

    table.setCurrentIndex(w.jobs_model.index(0, Column.TITLE))  # the completed job
    opened: list[str] = []
    w.queue.open_job_requested.connect(opened.append)
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert opened == [done.id]
    menu = w.queue.menu_for(0)
    assert menu is not None
    assert "Open in player" in [x.text() for x in menu.actions()]
    assert "Retry as a new submission" not in [x.text() for x in menu.actions()]

    # Each cell reads as itself (before: every cell read "<title>: <state>").
    for column in Column:
        index = w.jobs_model.index(0, column)
        shown = index.data(Qt.ItemDataRole.DisplayRole)
        spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
        assert spoken == (shown or "none")

    # Tab leaves the table (before: Tab moved from cell to cell, a trap).
    assert not table.tabKeyNavigation()
    QTest.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
