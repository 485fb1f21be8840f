"""Issue 14, item 7: with a key but no network, the app says "offline — retrying" with the plain
reason, and no raw transport error (ConnectError, Errno) reaches a tooltip."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.remote import FailureInfo, FailureKind
from ltxstudio.session import Session, SessionOptions
from ltxstudio.session.forms import Mode, generation_request
from ltxstudio.settings.model import Backend
from ltxstudio.settings.paths import app_paths
from ltxstudio.settings.secrets import ApiKey, KeySource
from ltxstudio.ui.main_window import MainWindow
from ltxstudio.ui.models.job_table import Column
from tests.ui.conftest import until, wait_signal

PROMPT = (
    "A lighthouse stands on a cliff at dusk. Its beam sweeps the fog as waves crash below. "
    "The camera slowly dollies in. We hear the foghorn and the wind."
)


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_name_lookup_failure_reads_as_a_sentence() -> None:
    from ltxstudio.ui.plain_errors import plain_reason

    dns = FailureInfo(
        FailureKind.CONNECTION,
        "POST /v2/text-to-video: ConnectError ([Errno -3] Temporary failure in name resolution)",
    )
    assert plain_reason(dns) == (
        "the LTX server's name could not be looked up: there is no network, or no DNS"
    )


@pytest.mark.asyncio
async def test_unreachable_api_shows_offline_retrying_with_the_plain_reason(
    isolated_home: Path, qtbot: Any
) -> None:
    clock = ManualClock()
    session = await Session.open(
        SessionOptions(
            backend=Backend.LIVE,
            base_url=f"http://127.0.0.1:{_closed_port()}",
            api_key=ApiKey("ltx-test-key-0000", KeySource.SESSION),
            clock=clock,
            paths=app_paths(),
        )
    )
    session.start()
    window = MainWindow(session, viewer=False)
    qtbot.addWidget(window)
    window.show()
    try:
        assert "LTX API ·" in window.backend_label.text()
        await session.generate(
            generation_request(Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 6)
        )
        # Seen failing before: the badge stayed a green "LTX API · 2 at once".
        await until(
            lambda: "offline" in window.backend_label.text(), window.jobs_model.dataChanged, 30
        )
        assert "offline, retrying" in window.backend_label.text()
        tip = window.backend_label.toolTip()
        assert "no connection to the server could be made" in tip
        assert "nothing is lost" in tip
        tips = [tip]
        for column in Column:
            index = window.jobs_model.index(0, column)
            tips.append(str(index.data(Qt.ItemDataRole.ToolTipRole)))
            tips.append(str(index.data(Qt.ItemDataRole.DisplayRole)))
        # Before: the row's tooltip read "connection: POST …: ConnectError ([Errno 111] …)".
        for text in tips:
            assert "ConnectError" not in text
            assert "Errno" not in text
        assert any("LTX cannot be reached" in m for m in window.announcer.history)
    finally:
        await session.aclose()  # before the window: closing the last window stops the loop
        window.close()


@pytest.mark.asyncio
async def test_the_badge_comes_back_when_an_answer_arrives(open_app) -> None:  # type: ignore[no-untyped-def]
    # The sandbox runs in this process: it never reads as offline.
    app = await open_app()
    assert "Sandbox" in app.window.backend_label.text()
    view = app.window.view
    await app.session.generate(
        generation_request(Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2)
    )
    await wait_signal(view.job_settled, 60)
    assert view.connection.state.value == "online"
