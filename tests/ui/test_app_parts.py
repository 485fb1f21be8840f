"""The app's plumbing: the error presenter, the single-instance guard, media previews."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ltxstudio.core.errors import UserFacingError
from ltxstudio.core.logsetup import RedactSecrets
from ltxstudio.media import Role
from ltxstudio.ui.errors import ErrorPresenter
from ltxstudio.ui.media_bridge import inspector
from ltxstudio.ui.single_instance import SingleInstance
from tests.support.media_factory import make_audio

pytestmark = pytest.mark.usefixtures("qapp")


def test_unexpected_errors_are_logged_and_shown_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    RedactSecrets.register("sk-presenter-secret-123")
    presenter = ErrorPresenter(lambda: None, None)
    try:
        raise RuntimeError("upload failed for sk-presenter-secret-123")
    except RuntimeError:
        presenter.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    presenter.excepthook(UserFacingError, UserFacingError("the audio is 1.4 s"), None)
    assert presenter.shown[0].startswith(
        "Sorry, something went wrong: upload failed for <redacted>"
    )
    assert "keeps running" in presenter.shown[0]
    assert presenter.shown[1] == "the audio is 1.4 s"
    assert "unexpected error" in caplog.text
    for box in presenter._open:
        assert not box.isModal()
        box.close()


def test_a_second_instance_asks_the_first_to_come_forward(qtbot: QtBot, tmp_path: Path) -> None:
    first = SingleInstance(tmp_path / "app.lock", f"ltxstudio-test-{tmp_path.name}")
    second = SingleInstance(tmp_path / "app.lock", f"ltxstudio-test-{tmp_path.name}")
    assert first.acquire()
    try:
        with qtbot.waitSignal(first.raise_requested, timeout=5000):
            assert not second.acquire()
    finally:
        first.release()
    assert second.acquire()  # free again once the first let go
    second.release()


@pytest.mark.asyncio
async def test_an_audio_pick_shows_its_waveform_and_length(tmp_path: Path) -> None:
    audio = make_audio(tmp_path / "song.m4a", seconds=3.0)
    result = await inspector(Role.SOUNDTRACK, tmp_path)(audio)
    assert result.preview is not None
    assert (result.preview.width(), result.preview.height()) == (192, 54)
    assert result.seconds == pytest.approx(3.0, abs=0.05)
    assert "AAC" in result.summary
    assert not [i for i in result.issues if i.blocking]
