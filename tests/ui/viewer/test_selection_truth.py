"""Issue 14, items 15 and 19: a drag under 2 s snaps visibly and says why, in the words I/O marks
get; the retake dialog has the prompt editor's hints and counter and says why the model is
LTX-2.3 Pro; the timeline is focusable, readable as an accessible value (playhead, selection,
clip length), adjustable from the keyboard, and says what changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.ui.viewer.conftest import Controller, mouse, open_panel

pytestmark = [pytest.mark.asyncio, pytest.mark.gui]


async def test_a_short_drag_snaps_visibly_and_says_what_marks_say(
    qtbot: QtBot, controller: Controller, clip_long: Path
) -> None:
    clip = controller.library.add_clip("lighthouse")
    take = controller.add_take(clip.id, clip_long)
    panel = await open_panel(qtbot, controller, take)
    canvas, scale = panel.canvas, panel.scale
    y = 60  # across the thumbnails: draws a window
    mouse(canvas, "press", scale.x_of(1.0), y)
    mouse(canvas, "move", scale.x_of(1.5), y)
    mouse(canvas, "move", scale.x_of(2.0), y)  # 1 s asked: the rule is 2 s
    mouse(canvas, "release", scale.x_of(2.0), y)
    window = panel.selection.window
    assert window is not None
    assert window.duration == pytest.approx(2.0)
    label = panel.selection_label.text()
    # Seen failing before: the window silently became 2 s; the label said nothing about it.
    assert "the window is 1.00 s; a retake needs at least 2 s — snapped to 2.00 s" in label
    # The same rule, marked with I/O, is refused in the same words (without a snap).
    panel.player.seek_seconds(1.0)
    panel.selection.set_window(type(window)(1.0, 2.0))
    assert "the window is 1.00 s; a retake needs at least 2 s" in panel.selection_label.text()
    assert "snapped" not in panel.selection_label.text()

    panel.selection.set_window(type(window)(1.0, 3.0))
    dialog = panel.open_retake()
    assert dialog is not None
    # The generate panel's prompt editor: the same hints and the 5,000-character count.
    assert dialog.prompt_editor.count.text().endswith("/ 5,000")
    assert dialog.prompt_editor.lint_label.text()
    model = dialog.findChild(type(panel.selection_label), "editModel")
    assert model is not None
    assert model.text() == "LTX-2.3 Pro\nthe only model the LTX API offers for this edit"
    dialog.close()


async def test_the_timeline_is_focusable_readable_and_driven_from_the_keyboard(
    qtbot: QtBot, controller: Controller, clip_long: Path
) -> None:
    clip = controller.library.add_clip("lighthouse")
    take = controller.add_take(clip.id, clip_long)
    panel = await open_panel(qtbot, controller, take)
    canvas = panel.canvas
    # Seen failing before: the canvas had Qt.NoFocus, no value and no description.
    assert canvas.focusPolicy() & Qt.FocusPolicy.TabFocus
    canvas.setFocus()
    iface = QAccessible.queryAccessibleInterface(canvas)
    assert iface is not None
    assert iface.text(QAccessible.Text.Name) == "Timeline"
    value = iface.valueInterface()
    assert value is not None
    facts = panel.facts
    assert value.maximumValue() == round(facts.duration * 1000)  # the clip's length, in ms
    said: list[str] = []
    canvas.announcer.announced.connect(lambda text, _assertive: said.append(text))

    # The viewer's keys work with the timeline focused: a second on, mark in, two on, mark out.
    QTest.keyClick(canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    await _settle(panel)
    assert value.currentValue() == 1000
    QTest.keyClick(canvas, Qt.Key.Key_I)
    QTest.keyClick(canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    await _settle(panel)
    QTest.keyClick(canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    await _settle(panel)
    QTest.keyClick(canvas, Qt.Key.Key_O)
    window = panel.selection.window
    assert window is not None
    assert (window.start, window.end) == pytest.approx((1.0, 3.0))
    description = iface.text(QAccessible.Text.Description)
    assert "Playhead 00:00:03:00 (3.00 s)" in description
    assert f"of {facts.duration:.2f} s" in description
    assert "selection 1.00 to 3.00 s, 2.00 s · 48 frames, est. $" in description
    assert said[-1].startswith("selection 1.00 to 3.00 s")
    # Ctrl+Shift+Left: the out point one frame earlier — now under 2 s, refused, and said so.
    QTest.keyClick(
        canvas,
        Qt.Key.Key_Left,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert panel.selection.window.end == pytest.approx(3.0 - 1 / 24)
    assert "a retake needs at least 2 s" in said[-1]
    QTest.keyClick(canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # in: later
    assert panel.selection.window.start == pytest.approx(1.0 + 1 / 24)


async def _settle(panel: object) -> None:
    """Until the player has landed on the frame it was sent to."""
    from tests.ui.viewer.conftest import until

    player = panel.player  # type: ignore[attr-defined]
    await until(player.frame_shown, lambda: not player.seeking)
