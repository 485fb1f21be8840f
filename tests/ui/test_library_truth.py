"""Issue 14, item 12: File → Import refuses a file that is no video (with the media layer's
sentence); a clip can be removed (Delete, its menu, Edit → Remove clip) to the trash and Edit →
Undo brings it back; deleting a take is undoable too, and a clip with no take left is not shown
as a "0 takes" shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ltxstudio.library.model import Provenance, TakeKind
from tests.support.media_factory import make_video
from tests.ui.conftest import App, until

pytestmark = pytest.mark.asyncio


async def test_a_text_file_named_mp4_is_refused_with_the_media_layers_sentence(
    open_app,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    app: App = await open_app()
    w = app.window
    fake = tmp_path / "holiday.mp4"
    fake.write_text("this is a shopping list, not a video")
    w.take_in(fake)  # what File → Import and a drop do
    bar = w.statusBar()
    await until(
        lambda: "holiday.mp4" in bar.currentMessage() or w.clips_model.rowCount() > 0,
        bar.messageChanged,
    )
    # Seen failing before: the text file became a clip in the library.
    assert w.clips_model.rowCount() == 0
    assert bar.currentMessage() == (
        "Not imported: holiday.mp4 is a text file, not an image, video or audio file."
    )


async def test_clips_can_be_removed_and_brought_back_and_take_deletion_undoes(
    open_app,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    app: App = await open_app()
    s, w = app.session, app.window
    lib = s.library
    take = await s.take_for_file(make_video(tmp_path / "shot.mp4", seconds=1.0))
    second = lib.add_take(
        take.clip_id,
        make_video(tmp_path / "other.mp4", seconds=1.0, fps=25),
        kind=TakeKind.RETAKE,
        provenance=Provenance(endpoint="retake", request={}, backend="sandbox"),
        sha256="0" * 64,
    )
    await until(lambda: w.clips_model.rowCount() == 1, w.clips_model.modelReset)
    view = w.library.view
    view.setFocus()
    view.setCurrentIndex(w.library.proxy.index(0, 0))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    # Seen failing before: Delete did nothing (there was no way to remove a clip at all).
    await until(lambda: w.clips_model.rowCount() == 0, w.clips_model.modelReset)
    assert lib.take_counts().get(take.clip_id, 0) == 0  # both takes in the trash
    assert "Edit → Undo brings it back" in w.statusBar().currentMessage()
    assert w.undo_action.text() == "Undo remove clip"
    w.undo_action.trigger()  # one step brings the whole clip back
    await until(lambda: w.clips_model.rowCount() == 1, w.clips_model.modelReset)
    assert lib.take_counts()[take.clip_id] == 2
    w.redo_action.trigger()
    await until(lambda: w.clips_model.rowCount() == 0, w.clips_model.modelReset)
    w.undo_action.trigger()
    await until(lambda: w.clips_model.rowCount() == 1, w.clips_model.modelReset)

    # Deleting takes (the takes strip's Delete) is undoable; the last one gone hides the clip.
    lib.delete_take(second.id)
    lib.delete_take(take.id)
    await until(lambda: w.clips_model.rowCount() == 0, w.clips_model.modelReset)
    assert w.undo_action.text() == "Undo delete take"
    w.undo_action.trigger()
    await until(lambda: w.clips_model.rowCount() == 1, w.clips_model.modelReset)
    index = w.clips_model.index(0)
    assert index.data().endswith("1 take")
    w.undo_action.trigger()
    await until(lambda: w.clips_model.index(0).data().endswith("2 takes"), w.clips_model.modelReset)
