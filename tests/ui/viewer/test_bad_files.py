"""A damaged file never fails silently (issue 13): Compare and "Use this frame" on a take whose
file cannot be read show the error presenter's sentence, and the viewer stays as it was."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ltxstudio import media
from ltxstudio.library.model import TakeKind
from ltxstudio.ui.errors import ErrorPresenter
from tests.ui.viewer.conftest import Controller, open_panel

pytestmark = [pytest.mark.gui, pytest.mark.asyncio]


@pytest.fixture
def presenter(monkeypatch: pytest.MonkeyPatch) -> Iterator[ErrorPresenter]:
    """The app's error presenter, installed as the app installs it (`sys.excepthook`)."""
    shown = ErrorPresenter(lambda: None, None)
    monkeypatch.setattr(sys, "excepthook", shown.excepthook)
    yield shown
    for box in shown._open:
        box.close()


def damage(path: Path) -> None:
    """Keep the first 4 KB of the file: the header, without the index a player needs. A new
    file, so the player and the scrubber keep the one they opened, as after a bad copy."""
    head = path.read_bytes()[:4000]
    path.unlink()
    path.write_bytes(head)


def reason(path: Path) -> str:
    """What the media layer says about the damaged file."""
    with pytest.raises(media.MediaError) as caught:
        media.probe(path)
    return str(caught.value)


async def test_compare_with_a_damaged_take_shows_why(
    qtbot: QtBot,
    controller: Controller,
    presenter: ErrorPresenter,
    clip_a: Path,
    clip_b: Path,
    tmp_path: Path,
) -> None:
    clip = controller.library.add_clip("lighthouse")
    good = controller.add_take(clip.id, clip_a)
    bad = controller.add_take(clip.id, clip_b, TakeKind.RETAKE, parent=good.id, activate=False)
    damage(controller.library.path_of(bad))
    panel = await open_panel(qtbot, controller, good)

    task = panel.compare(good.id, bad.id)
    await asyncio.gather(task, return_exceptions=True)

    assert presenter.shown == [reason(controller.library.path_of(bad))]
    assert panel.pages.currentIndex() == 0  # still the single viewer
    assert panel.take is not None
    assert panel.take.id == good.id


async def test_use_this_frame_of_a_damaged_file_shows_why(
    qtbot: QtBot, controller: Controller, presenter: ErrorPresenter, clip_a: Path
) -> None:
    clip = controller.library.add_clip("lighthouse")
    take = controller.add_take(clip.id, clip_a)
    panel = await open_panel(qtbot, controller, take)
    path = controller.library.path_of(take)
    damage(path)  # after it was loaded: e.g. the disk or another program spoiled it
    chosen: list[Path] = []
    panel.start_frame_chosen.connect(chosen.append)

    task = panel.use_current_frame()
    assert task is not None
    await asyncio.gather(task, return_exceptions=True)

    assert chosen == []
    assert len(presenter.shown) == 1, f"the presenter showed {presenter.shown}"
    message = presenter.shown[0]
    assert message.startswith(f"{path.name} cannot be opened")
    assert not message.startswith("Sorry")  # the media layer's sentence, not an apology
