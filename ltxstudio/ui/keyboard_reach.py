"""Every control on screen within reach of Tab, in reading order (UI-GUIDE §6a).

- `reachable(button)`: a tool button the mouse used to own (the transport, the edit row) takes
  Tab focus — not click focus, so a click still leaves the keys with the viewer — and keeps
  Space and Enter for itself while focused (else the viewer's Space, play/pause, would win over
  the button the user is on).
- `own_keys(widget, keys)`: a focused control keeps these keys from the window's shortcuts (the
  volume slider its arrows).
- `TabOrder`: the window's regions in reading order — library, viewer, generate, queue, status
  bar — each in its own order; re-applied when widgets are made later (the takes' chips).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QDockWidget, QToolButton, QWidget

_PRESS_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
ARROWS = (
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
)


class _OwnKeys(QObject):
    def __init__(self, keys: Iterable[Qt.Key], press: bool, parent: QObject) -> None:
        super().__init__(parent)
        self.keys = frozenset(keys)
        self.press = press  # Enter/Return click the button (Qt only does Space)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            )
            if plain and event.key() in self.keys:
                event.accept()  # ours: the window's shortcut for this key does not fire
        elif (
            self.press
            and kind == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QAbstractButton)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            watched.animateClick()
            return True
        return super().eventFilter(watched, event)


def own_keys(widget: QWidget, keys: Iterable[Qt.Key], *, press: bool = False) -> None:
    widget.installEventFilter(_OwnKeys(keys, press, widget))


def reachable(button: QToolButton) -> QToolButton:
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    own_keys(button, _PRESS_KEYS, press=True)
    action = button.defaultAction()
    if action is not None:
        # A glyph (⇤, ⇥) or an icon is no name: the action's words are.
        button.setAccessibleName(action.text().replace("&", "").removesuffix("…"))
    return button


def dock_buttons_reachable(dock: QDockWidget) -> None:
    """The dock's own float and close buttons: Qt leaves them out of the Tab order."""
    title = dock.windowTitle()
    names = {
        "qt_dockwidget_floatbutton": dock.tr("Float or dock %1").replace("%1", title),
        "qt_dockwidget_closebutton": dock.tr("Close %1").replace("%1", title),
    }
    for button in dock.findChildren(QAbstractButton):
        if button.objectName() in names:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAccessibleName(names[button.objectName()])
            own_keys(button, _PRESS_KEYS, press=True)


def _chain(root: QWidget) -> list[QWidget]:
    """The Tab-reachable widgets under `root`, in the order Qt's focus chain holds them."""
    found: list[QWidget] = []
    seen: set[int] = set()
    current = root.nextInFocusChain()
    while current is not None and id(current) not in seen and current is not root:
        seen.add(id(current))
        if root.isAncestorOf(current) and current.focusPolicy() & Qt.FocusPolicy.TabFocus:
            found.append(current)
        current = current.nextInFocusChain()
    return found


class TabOrder:
    def __init__(self, regions: Callable[[], list[QWidget]]) -> None:
        self._regions = regions

    def apply(self) -> list[QWidget]:
        """Chain every region's controls, regions in reading order; returns the chain."""
        chain: list[QWidget] = []
        for region in self._regions():
            ordered = sorted(_chain(region), key=lambda w: _reading_position(region, w))
            chain.extend(w for w in ordered if w not in chain)
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        return chain


def _reading_position(region: QWidget, widget: QWidget) -> tuple[int, int]:
    """Top to bottom, then left to right, in the region (rows of 12 px count as one line)."""
    at = widget.mapTo(region, widget.rect().topLeft())
    return (at.y() // 12, at.x())
