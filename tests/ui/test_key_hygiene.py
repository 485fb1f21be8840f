"""Issue 6, acceptance 4: the API key never reaches QSettings, config, data, cache, logs or a
screenshot. A recognisable key is typed into Settings; the app reopens on a loopback sandbox
that demands exactly that key, runs a real job, and every file the app wrote is scanned."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ltxstudio.app import Shell
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.logsetup import configure
from ltxstudio.jobs.model import JobState
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.session import SessionOptions
from ltxstudio.session.forms import Mode, generation_request
from ltxstudio.settings import secrets
from ltxstudio.settings.model import Backend
from ltxstudio.settings.paths import app_paths
from tests.support.cli_runner import fast_settings
from tests.support.sandbox_server import serve_sandbox

pytestmark = [pytest.mark.asyncio, pytest.mark.loopback, pytest.mark.slow]

KEY = "ltx-KEYHYGIENE-7f3a9c2e41b8d605"
PROMPT = "A paper boat drifts down a gutter stream; the camera tracks low; we hear water."


async def test_the_key_is_nowhere_on_disk(qtbot, isolated_home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fast_settings(isolated_home / "config")
    paths = app_paths()
    root = logging.getLogger()
    handlers = list(root.handlers)
    configure(paths.log, level=logging.DEBUG)  # everything the app logs, at DEBUG, to its file
    app = QApplication.instance()
    shell = Shell(app)  # type: ignore[arg-type]
    try:
        with serve_sandbox(SandboxConfig(api_key=KEY, speed=20.0)) as served:
            await shell.open(SessionOptions(backend=Backend.SANDBOX))
            window = shell.window
            assert window is not None
            window.open_settings()
            dialog = window.settings_dialog
            dialog.key_edit.setText(KEY)
            dialog.backend.setCurrentIndex(dialog.backend.findData(Backend.LIVE))
            dialog.base_url.setText(served.base_url)
            dialog._accept()  # what OK does: the shell reopens on the live backend
            assert shell.reopening is not None
            await shell.reopening
            session = shell.session
            assert session is not None
            assert not session.simulated
            assert secrets.load_key() is not None  # stored in the (test) keyring
            request = generation_request(
                Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2
            )
            job = await session.generate(request)
            (done,) = await session.wait([job])
            assert done.state is JobState.COMPLETED, done.note
            assert shell.window is not None
            shot = tmp_path / "window.png"
            shell.window.grab().save(str(shot))
            shell.window.close()
            await shell.close_session()
    finally:
        for handler in root.handlers[len(handlers) :]:
            handler.flush()
            root.removeHandler(handler)
            handler.close()
    QSettings().sync()
    scanned = [p for p in isolated_home.rglob("*") if p.is_file()] + [shot]
    leaks = [str(p) for p in scanned if KEY.encode() in p.read_bytes()]
    assert len(scanned) > 10  # journal, library, settings, logs, results, QSettings…
    assert any(p.suffix == ".log" for p in scanned)
    assert not leaks, f"the API key was written to {leaks}"
