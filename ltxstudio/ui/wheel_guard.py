"""Combo boxes and spin boxes take the mouse wheel only when they have the focus.

Scrolling a panel full of combos changed whichever one passed under the pointer (the output
resolution changed silently). Unfocused, the wheel event is ignored here and Qt hands it to the
parents, so the scroll area scrolls; a click or Tab gives the control the focus, and the wheel.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            event.ignore()  # QApplication then offers it to the parents (the scroll area)
            return True
        return super().eventFilter(watched, event)


def guard_wheels(root: QWidget) -> None:
    """Guard every combo and spin box under `root` (those added later are not covered)."""
    guard = root.findChild(_WheelGuard)
    if guard is None:
        guard = _WheelGuard(root)
    for widget in [*root.findChildren(QComboBox), *root.findChildren(QAbstractSpinBox)]:
        # Not WheelFocus: the wheel must not grab the focus (and then the value) on its own.
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(guard)
