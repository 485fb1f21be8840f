"""Issue 8: the menu entry runs `ltxstudio gui %F`; files from the desktop's Open With land in
the window (a take's .mp4.json sidecar opens its video)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from ltxstudio.cli import build_parser
from ltxstudio.session import SessionOptions
from ltxstudio.settings.model import Backend
from tests.support.media_factory import make_video
from tests.ui.conftest import until

DESKTOP = Path(__file__).resolve().parents[2] / "packaging" / "linux"


def test_the_desktop_entry_command_line_parses() -> None:
    entry = (DESKTOP / "io.github.ltxstudio.LtxStudio.desktop").read_text()
    (exec_line,) = [line for line in entry.splitlines() if line.startswith("Exec=")]
    argv = exec_line.removeprefix("Exec=").split()
    assert argv[0] == "ltxstudio"
    opened = ["/videos/a clip.mp4", "/videos/b.mp4.json"]  # what %F expands to
    args = build_parser().parse_args([a for a in argv[1:] if a != "%F"] + opened)
    assert args.command == "gui"
    assert args.files == opened


@pytest.mark.asyncio
async def test_opened_files_reach_the_window(tmp_path: Path, qapp: Any) -> None:
    from ltxstudio.app import Shell

    video = make_video(tmp_path / "take.mp4", seconds=2)
    sidecar = tmp_path / "take.mp4.json"
    sidecar.write_text('{"format": "ltxstudio.take/1"}')
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    shell = Shell(app)
    app.setQuitOnLastWindowClosed(False)  # as Shell.run does: closing must not stop the loop
    await shell.open(SessionOptions(backend=Backend.SANDBOX))
    window = shell.window
    assert window is not None
    try:
        shell.open_files([sidecar, tmp_path / "gone.mp4"])
        assert "Cannot open" in window.statusBar().currentMessage()
        await until(lambda: window.clips_model.rowCount() == 1, window.clips_model.modelReset)
        session = shell.session
        assert session is not None
        (take,) = session.library.takes_with_sha(_sha256(video))
        assert take.provenance.request == {"source": str(video)}
    finally:
        window.close()
        await shell.close_session()
        app.setQuitOnLastWindowClosed(True)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
