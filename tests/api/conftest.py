"""Small input media for the client's sandbox tests, made once per session with PyAV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.media_factory import make_audio, make_image, make_video


@dataclass(frozen=True)
class Inputs:
    image: Path  # 640x360 PNG
    video: Path  # 320x180, 24 fps, 77 frames (3.2 s: retake/extend need 73), AAC-LC stereo
    audio: Path  # 3 s AAC-LC in M4A


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    folder = tmp_path_factory.mktemp("client-inputs")
    return Inputs(
        make_image(folder / "still.png", width=640, height=360, index=3),
        make_video(folder / "clip.mp4", seconds=77 / 24),
        make_audio(folder / "tone.m4a", seconds=3.0),
    )
