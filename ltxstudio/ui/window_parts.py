"""Parts of the main window that are only built and sized: its docks (movable, floatable,
closable, and their own buttons within Tab's reach), the placeholder viewer, and the docks'
proportions on a first start or View → Reset layout."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from ltxstudio.ui.keyboard_reach import dock_buttons_reachable

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def make_dock(
    window: QMainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea
) -> QDockWidget:
    dock = QDockWidget(window.tr(title), window)
    dock.setObjectName(f"{title.lower()}Dock")
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    window.addDockWidget(area, dock)
    dock_buttons_reachable(dock)
    return dock


def empty_viewer(window: QMainWindow) -> QWidget:
    label = QLabel(window.tr("Generate a clip or drop a video here"))
    label.setObjectName("emptyViewer")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("font-size: 16px; color: palette(mid);")
    return label


def fit_docks(
    window: QMainWindow, library: QDockWidget, generate: QDockWidget, queue: QDockWidget
) -> None:
    """Docks in proportion to the window, so the viewer keeps room for its picture on a small
    screen too (first launch, and View → Reset layout)."""
    width, height = window.width(), window.height()
    sides = [round(width * 0.17), round(width * 0.28)]
    window.resizeDocks([library, generate], sides, Qt.Orientation.Horizontal)
    window.resizeDocks([queue], [round(height * 0.2)], Qt.Orientation.Vertical)
