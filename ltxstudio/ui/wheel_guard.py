"""Combo boxes and spin boxes take the mouse wheel only when they have the focus.

Scrolling a panel full of combos changed whichever one passed under the pointer (the output
resolution changed silently). Unfocused, the wheel goes to the scroll area the control sits in
(handed over here: Qt propagates only some wheel events to parents); a click or Tab gives the
control the focus, and the wheel with it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and isinstance(event, QWheelEvent)
            and not watched.hasFocus()
        ):
            area = _scroll_area(watched)
            if area is not None:
                viewport = area.viewport()
                at = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
                QApplication.sendEvent(
                    viewport,
                    QWheelEvent(
                        at,
                        event.globalPosition(),
                        event.pixelDelta(),
                        event.angleDelta(),
                        event.buttons(),
                        event.modifiers(),
                        event.phase(),
                        event.inverted(),
                    ),
                )
                event.accept()  # handed over: no parent may scroll it a second time
            else:
                event.ignore()  # Qt offers a user's wheel to the parents
            return True
        return super().eventFilter(watched, event)


def _scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def guard_wheels(root: QWidget) -> None:
    """Guard every combo and spin box under `root` (those added later are not covered)."""
    guard = root.findChild(_WheelGuard)
    if guard is None:
        guard = _WheelGuard(root)
    for widget in [*root.findChildren(QComboBox), *root.findChildren(QAbstractSpinBox)]:
        # Not WheelFocus: the wheel must not grab the focus (and then the value) on its own.
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(guard)
