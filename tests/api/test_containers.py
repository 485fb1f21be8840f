"""The light MP4/ZIP structure checks the client verifies downloads with (no decoding)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ltxstudio.api._containers import Container, container_problem, mp4_problem, sniff, zip_problem
from tests.support.media_factory import make_video


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(
        tmp_path_factory.mktemp("clip") / "clip.mp4", seconds=1.0, width=160, height=90
    )


def test_a_whole_mp4_passes(clip: Path) -> None:
    assert sniff(clip) is Container.MP4
    assert mp4_problem(clip) is None
    assert container_problem(clip, None) is None


@pytest.mark.parametrize("keep", [0.999, 0.5, 0.02])
def test_a_truncated_mp4_fails(clip: Path, tmp_path: Path, keep: float) -> None:
    data = clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * keep)])
    problem = mp4_problem(cut)
    assert problem is not None
    assert "truncated" in problem or "moov" in problem


def test_trailing_garbage_fails(clip: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(clip.read_bytes() + b"\x00\x00\x00")
    assert mp4_problem(bad) is not None


def test_an_mp4_without_moov_fails(clip: Path, tmp_path: Path) -> None:
    data = bytearray(clip.read_bytes())
    at = data.find(b"moov")
    data[at : at + 4] = b"free"  # same sizes, but no index any more
    bad = tmp_path / "nomoov.mp4"
    bad.write_bytes(bytes(data))
    assert "moov" in (mp4_problem(bad) or "")


def test_an_error_page_is_not_a_video(tmp_path: Path) -> None:
    page = tmp_path / "page.mp4"
    page.write_bytes(b"<html><body>AccessDenied</body></html>")
    assert sniff(page) is None
    assert mp4_problem(page) is not None
    assert container_problem(page, None) == "neither an MP4 nor a ZIP"
    assert container_problem(page, Container.ANY) is None


def test_zip_checks(tmp_path: Path) -> None:
    archive = tmp_path / "frames.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(3):
            z.writestr(f"frame_{i:04d}.exr", bytes(range(256)) * 40)
    assert sniff(archive) is Container.ZIP
    assert zip_problem(archive) is None
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[:-30])
    assert zip_problem(cut) is not None
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    assert zip_problem(empty) == "the ZIP is empty"
    assert container_problem(archive, Container.MP4) is not None  # wrong kind is caught
