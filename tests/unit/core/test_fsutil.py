"""Atomic writes: whole or absent, and with the mode a plain open() would give."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ltxstudio.core.fsutil import NEW_FILE_MODE, atomic_writer


def test_a_written_file_gets_the_umask_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    target = tmp_path / "export.mp4"
    with atomic_writer(target) as out:
        out.write(b"data")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask == NEW_FILE_MODE
    assert target.read_bytes() == b"data"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old")

    def write_half() -> None:
        with atomic_writer(target) as out:
            out.write(b"half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_half()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
