from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from ltxstudio.core.clock import ManualClock
from ltxstudio.library.model import Provenance, TakeKind
from ltxstudio.library.store import Library
from ltxstudio.ui.library_panel import ClipIdRole, ClipListModel, LibraryPanel


def test_clips_model_search_sort_and_empty_state(
    qtbot: QtBot, qtmodeltester: Any, tmp_path: Path
) -> None:
    clock = ManualClock()
    lib = Library(tmp_path / "l.db", tmp_path / "lib", clock)
    model = ClipListModel(lib)
    panel = LibraryPanel(model)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.empty.isVisible()
    with qtbot.waitSignal(panel.example_chosen) as chosen:
        panel.empty.findChildren(type(panel.sort.parent()))
        from PySide6.QtWidgets import QPushButton

        panel.empty.findChildren(QPushButton)[0].click()
    assert chosen.args[0].startswith("A lighthouse")

    src = tmp_path / "a.mp4"
    src.write_bytes(b"x")
    prov = Provenance("text-to-video", {"prompt": "p"}, "sandbox")
    for title in ("Fox in snow", "Whale song", "Red fox at dawn"):
        clock.advance(10)
        clip = lib.add_clip(title)
        lib.add_take(clip.id, src, kind=TakeKind.GENERATED, provenance=prov, sha256="0" * 64)
    # A burst of library events makes one reload, on the next turn of the event loop.
    qtbot.waitUntil(lambda: model.rowCount() == 3 and panel.view.isVisible())
    qtmodeltester.check(model, force_py=True)
    proxy = panel.proxy
    titles = lambda: [proxy.index(r, 0).data().split("\n")[0] for r in range(proxy.rowCount())]  # noqa: E731
    assert titles() == ["Red fox at dawn", "Whale song", "Fox in snow"]
    panel.search.setText("fox")
    assert titles() == ["Red fox at dawn", "Fox in snow"]
    panel.sort.setCurrentIndex(2)
    assert titles() == ["Fox in snow", "Red fox at dawn"]
    assert proxy.index(0, 0).data().endswith("\n1 take")
    with qtbot.waitSignal(panel.clip_activated) as activated:
        panel.view.activated.emit(proxy.index(0, 0))
    assert activated.args[0] == proxy.index(0, 0).data(ClipIdRole)
