"""The Qt binding must not lose references to None (PySide6 6.12.0 on Python 3.11 does: each
"nothing" Qt hands back to Python drops None's refcount by one, until the process aborts)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QButtonGroup, QComboBox, QToolButton


def _delta(fn: Callable[[], object], n: int = 500) -> int:
    before = sys.getrefcount(None)
    for _ in range(n):
        fn()
    return sys.getrefcount(None) - before


@pytest.mark.usefixtures("qapp")
def test_qt_returning_nothing_keeps_none_alive() -> None:
    combo = QComboBox()
    combo.addItem("none", None)
    group = QButtonGroup()
    button = QToolButton()
    cases = {
        "combo.currentData() of None": combo.currentData,
        "QButtonGroup.checkedButton() of nothing": group.checkedButton,
        "missing property": lambda: button.property("nope"),
        "invalid QModelIndex.data()": lambda: QModelIndex().data(0),
    }
    leaks = {name: d for name, fn in cases.items() if (d := _delta(fn)) < -10}
    assert not leaks, f"the Qt binding drops references to None: {leaks}"


def test_garbage_is_collected_on_the_gui_thread_only(qapp: object) -> None:
    import gc
    import weakref

    from ltxstudio.ui.gc_guard import GuiThreadCollector

    assert not gc.isenabled()  # the UI session's collector switched automatic collection off

    class Node:
        other: object

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle only the cyclic collector frees
    probe = weakref.ref(a)
    del a, b
    collector = GuiThreadCollector()
    kept: list[list[object]] = []  # live objects: the young count is allocations - frees
    ticks = 0
    while probe() is not None and ticks < 1000:  # older generations are collected less often
        kept.append([[] for _ in range(800)])  # push generation 0 past its threshold
        collector.collect()
        ticks += 1
    assert probe() is None, "the GUI-thread collector never reached the cycle"
