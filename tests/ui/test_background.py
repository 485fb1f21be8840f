"""Issue 13: one way to run background UI work (`ui/background.py`), and the event loop's own
exception handler, both ending in the app's error presenter."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from ltxstudio.core.errors import UserFacingError
from ltxstudio.ui.background import Background
from ltxstudio.ui.errors import ErrorPresenter

pytestmark = pytest.mark.usefixtures("qapp")


class Presenter(ErrorPresenter):
    """The app's presenter, which also lets a test await the next thing it shows."""

    def __init__(self) -> None:
        super().__init__(lambda: None, None)
        self.next: asyncio.Future[str] | None = None

    def show(self, text: str, details: str | None) -> None:
        super().show(text, details)
        if self.next is not None and not self.next.done():
            self.next.set_result(text)

    async def wait(self) -> str:
        self.next = asyncio.get_running_loop().create_future()
        return await asyncio.wait_for(self.next, 5)


@pytest.fixture
def presenter(monkeypatch: pytest.MonkeyPatch) -> Iterator[Presenter]:
    shown = Presenter()
    monkeypatch.setattr(sys, "excepthook", shown.excepthook)
    yield shown
    for box in shown._open:
        box.close()


async def parked(gate: asyncio.Future[None], result: str = "done") -> str:
    await gate
    return result


async def fails(gate: asyncio.Future[None], error: Exception) -> None:
    await gate
    raise error


@pytest.mark.asyncio
async def test_a_slot_runs_the_latest_only(presenter: Presenter) -> None:
    background = Background()
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    first = background.run(parked(gate, "first"), "load")
    second = background.run(parked(gate, "second"), "load")
    assert background.task("load") is second
    assert background.busy("load")
    gate.set_result(None)
    assert await second == "second"
    with pytest.raises(asyncio.CancelledError):
        await first  # the cancellation reaches whoever awaits it: never swallowed
    assert not background.busy()
    assert background.task("load") is None
    assert presenter.shown == []  # a cancelled run is not an error


@pytest.mark.asyncio
async def test_runs_without_a_slot_are_kept_until_they_end(presenter: Presenter) -> None:
    background = Background()
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    tasks = [background.run(parked(gate)) for _ in range(3)]
    assert background.busy()
    assert background._free == set(tasks)  # the loop itself holds tasks only weakly
    gate.set_result(None)
    assert await asyncio.gather(*tasks) == ["done"] * 3
    assert not background.busy()
    assert background._free == set()


@pytest.mark.asyncio
async def test_cancel_all_stops_every_run(presenter: Presenter) -> None:
    background = Background()
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    tasks = [background.run(parked(gate), "a"), background.run(parked(gate))]
    background.cancel_all()
    assert not background.busy()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
    assert background._stopping == set()
    assert presenter.shown == []


@pytest.mark.asyncio
async def test_every_error_reaches_the_presenter(presenter: Presenter) -> None:
    background = Background()
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    tasks = [
        background.run(fails(gate, RuntimeError("decoder exploded")), "a"),
        background.run(fails(gate, UserFacingError("clip.mp4 is damaged."))),
    ]
    gate.set_result(None)
    await asyncio.gather(*tasks, return_exceptions=True)
    assert presenter.shown[0].startswith("Sorry, something went wrong: decoder exploded.")
    assert presenter.shown[1] == "clip.mp4 is damaged."


@pytest.mark.asyncio
async def test_the_loop_handler_presents_what_the_loop_catches(
    presenter: Presenter, caplog: pytest.LogCaptureFixture
) -> None:
    loop = asyncio.get_running_loop()
    presenter.install(loop)
    try:

        def boom() -> None:
            raise ValueError("a callback failed")

        loop.call_soon(boom)
        assert (await presenter.wait()).startswith("Sorry, something went wrong: a callback")
        assert "Exception in callback" in caplog.text  # asyncio's own words, in the log

        # A cancellation is no error: logged by asyncio's handler, never shown.
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            loop.call_exception_handler(
                {"message": "a cancelled callback", "exception": asyncio.CancelledError()}
            )
            loop.call_exception_handler({"message": "the loop talks about itself"})
        assert "a cancelled callback" in caplog.text
        assert "the loop talks about itself" in caplog.text
        assert len(presenter.shown) == 1
    finally:
        loop.set_exception_handler(None)


def test_the_apps_loop_reports_to_the_presenter(presenter: Presenter, qapp: Any) -> None:
    from ltxstudio.app import event_loop

    loop = event_loop(qapp, presenter)
    try:
        error = OSError("disk full")
        loop.call_exception_handler(
            {"message": "Task exception was never retrieved", "exception": error}
        )
        assert presenter.shown == [
            "Sorry, something went wrong: disk full. The app keeps running; "
            "the details are in the log."
        ]
        assert sys.excepthook == presenter.excepthook
    finally:
        loop.close()


def test_an_error_after_the_loop_stopped_is_logged_not_shown(
    presenter: Presenter, qapp: Any, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """qasync runs a stopped loop's callbacks whenever Qt processes events (a test's loop has
    ended, the app is quitting): a task stepped then fails only for want of a running loop."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:

        async def needs_the_loop() -> None:
            asyncio.get_running_loop()

        task = Background().run(needs_the_loop())
        qtbot.waitUntil(task.done)
        qtbot.waitUntil(lambda: "after the event loop stopped" in caplog.text)
        assert isinstance(task.exception(), RuntimeError)
        assert presenter.shown == []
    finally:
        asyncio.set_event_loop(None)
        loop.close()
