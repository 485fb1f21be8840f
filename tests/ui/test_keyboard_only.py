"""Issue 14, acceptance 2: the whole core loop with the keyboard alone — write a prompt,
generate, open the result from the queue, set a 2 s selection on the timeline, retake it, switch
takes, compare. Every step is a key press on the focused widget (Tab to move); the test only
waits for what the app does in between."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from ltxstudio.jobs.model import JobState
from ltxstudio.library.model import TakeKind
from ltxstudio.ui.viewer.takes_strip import TakeChip
from ltxstudio.ui.viewer.timeline import TimelineCanvas
from tests.ui.conftest import App, until
from tests.ui.viewer.test_in_window import activate

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
PROMPT = (
    "A lighthouse stands on a cliff at dusk. Its beam sweeps the fog as waves crash below. "
    "The camera slowly dollies in. We hear the foghorn and the wind."
)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def key(k: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    QTest.keyClick(focused(), k, mods)


def tab_to(found: Any, limit: int = 120) -> QWidget:
    """Press Tab until the focused widget is the one `found` recognises."""
    for _ in range(limit):
        if found(focused()):
            return focused()
        key(Qt.Key.Key_Tab)
    raise AssertionError("Tab never reached it")


async def test_the_core_loop_with_the_keyboard_alone(open_app) -> None:  # type: ignore[no-untyped-def]
    app: App = await open_app()
    s, w = app.session, app.window
    await activate(w)
    QTest.keyClick(w, Qt.Key.Key_F, CTRL)  # Ctrl+F: into the window, at the library's search

    # Write a prompt and generate (Ctrl+Enter).
    tab_to(lambda x: x is w.generate.prompt.edit)
    QTest.keyClicks(focused(), PROMPT)
    key(Qt.Key.Key_Return, CTRL)
    await until(lambda: len(s.store) == 1, w.jobs_model.rowsInserted)
    job = s.store[0]
    await until(lambda: s.store.get(job.id).state is JobState.COMPLETED, w.jobs_model.dataChanged)

    # Open the result from the queue: Tab to the table, Enter on its row.
    table = tab_to(lambda x: x is w.queue.table)
    key(Qt.Key.Key_Down)  # the cursor on the job's row
    key(Qt.Key.Key_Return)
    panel = w.viewer_panel
    await until(lambda: panel.take is not None, panel.take_shown)
    original = panel.take
    assert table is w.queue.table

    # The timeline: Tab to it; one second on, I; two on, O: a 2 s selection.
    tab_to(lambda x: isinstance(x, TimelineCanvas))
    player = panel.player
    for target in (24, 72):
        while player.frame < target:
            key(Qt.Key.Key_Right, SHIFT)
            await until(lambda: not player.seeking, player.frame_shown)
        key(Qt.Key.Key_I if target == 24 else Qt.Key.Key_O)
    window = panel.selection.window
    assert window is not None
    assert window.duration == pytest.approx(2.0)

    # Retake it: R opens the dialog; Enter queues (its default button).
    key(Qt.Key.Key_R)
    dialog = panel.dialog
    assert dialog is not None
    await activate(dialog)
    tab_to(lambda x: x is dialog.submit_button)
    key(Qt.Key.Key_Return)
    await until(lambda: len(s.store) == 2, w.jobs_model.rowsInserted)
    await until(
        lambda: panel.take is not None and panel.take.kind is TakeKind.RETAKE,
        panel.take_shown,
        60,
    )

    # Switch takes: Tab to the original's chip, Enter makes it active.
    await activate(w)
    tab_to(lambda x: isinstance(x, TakeChip) and x.take.id == original.id)
    key(Qt.Key.Key_Return)
    await until(lambda: panel.take is not None and panel.take.id == original.id, panel.take_shown)

    # Compare the two takes (Ctrl+Shift+C).
    tab_to(lambda x: isinstance(x, TimelineCanvas))
    key(Qt.Key.Key_C, CTRL | SHIFT)
    await until(lambda: panel.view.comparing, panel.pages.currentChanged, 30)
