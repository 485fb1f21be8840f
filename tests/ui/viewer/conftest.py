"""Viewer fixtures: generated clips whose frames carry their index, a real `Library` with a clip
and its first take, and a controller that records what the viewer asks of the session."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame

from ltxstudio.core.clock import ManualClock
from ltxstudio.core.lineage import segment_from_json
from ltxstudio.library.model import Provenance, Take, TakeKind
from ltxstudio.library.store import Library
from ltxstudio.library.undo import UndoStack
from ltxstudio.ui.viewer import EditRequest, Lineage
from tests.support.media_factory import make_video, read_frame_index

PROMPT = "A lighthouse on a cliff at dusk; the beam sweeps the fog. We hear the foghorn."


def image_index(image: QImage) -> int:
    """The frame code painted by the media factory, read from a QImage."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    array = np.frombuffer(rgb.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return read_frame_index(array[:, : w * 3].reshape(h, w, 3))


def frame_index(frame: QVideoFrame) -> int:
    return image_index(frame.toImage())


class _Waiter(QObject):
    """Receives a signal for `until`: a QObject slot, deleted afterwards, rather than a closure
    that is disconnected (Qt drops the connection with the object, in C++)."""

    def __init__(self, predicate: Callable[[], bool], done: asyncio.Future[None]) -> None:
        super().__init__()
        self.predicate, self.done = predicate, done

    @Slot()
    def check(self) -> None:
        if not self.done.done() and self.predicate():
            self.done.set_result(None)


async def until(signal: Any, predicate: Callable[[], bool], timeout: float = 60.0) -> None:  # noqa: ASYNC109
    """Wait for emissions of `signal` until `predicate()` holds (checked first and after each).
    For signals emitted on the GUI thread; a video sink's frames go through `FrameLog`.
    `timeout` only stops a hang: on a shared 2-core machine under three test suites, a first
    frame took over 10 s (CI), so it is generous, and nothing is asserted about speed."""
    if predicate():
        return
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    waiter = _Waiter(predicate, done)
    signal.connect(waiter.check)
    try:
        await asyncio.wait_for(done, timeout)
    finally:
        waiter.deleteLater()


class FrameLog(QObject):
    """Frame indices a video sink receives, in order; awaitable from the test's loop.

    The sink emits from the decoder's thread, so the slot runs later, queued: waiters are woken
    from the slot itself, so no emission can slip between a trigger and the wait. It is a
    QObject on purpose: a queued call to a plain Python callable whose owner is gone by then
    crashes PySide (seen as a segfault at teardown); one to a deleted QObject is dropped.
    """

    def __init__(self, sink: Any) -> None:
        super().__init__(sink)
        self.indices: list[int] = []
        self._loop = asyncio.get_running_loop()
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        sink.videoFrameChanged.connect(self._on)

    @Slot(QVideoFrame)
    def _on(self, frame: QVideoFrame) -> None:
        if frame.isValid():
            self.indices.append(frame_index(frame))
            self._wake()

    def _wake(self) -> None:
        for ready, future in self._waiters:
            if not future.done() and ready():
                future.set_result(None)

    async def wait_for(
        self,
        count: int,
        settled: Any = None,
        timeout: float = 60.0,  # noqa: ASYNC109 - a hang guard, as in until()
    ) -> int:
        """Wait until `count` frames have arrived in all — and, given a `Player`, until the
        last one is the frame it says it shows with no seek pending; returns the last index."""

        def ready() -> bool:
            if len(self.indices) < count:
                return False
            return settled is None or (not settled.seeking and self.indices[-1] == settled.frame)

        if not ready():
            future: asyncio.Future[None] = self._loop.create_future()
            waiter = (ready, future)
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(future, timeout)
            finally:
                self._waiters.remove(waiter)
        return self.indices[-1]

    async def after(self, trigger: Callable[[], object], player: Any, timeout: float = 60.0) -> int:  # noqa: ASYNC109
        """Run `trigger`; wait for a new frame and for `player` to settle on it; its index."""
        count = len(self.indices)
        trigger()
        return await self.wait_for(count + 1, player, timeout)


@pytest.fixture(scope="session")
def clip_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5 s, 320x180, 24 fps (120 frames), gradient, AAC tone."""
    return make_video(tmp_path_factory.mktemp("media") / "a.mp4", seconds=5.0)


@pytest.fixture(scope="session")
def clip_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Same length and rate as `clip_a`, another picture (noise), no audio."""
    path = tmp_path_factory.mktemp("media") / "b.mp4"
    return make_video(path, seconds=5.0, pattern="noise", audio=None)


@pytest.fixture(scope="session")
def clip_long(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """9 s, so an extended clip is longer than the visible thumbnails at a deep zoom."""
    return make_video(tmp_path_factory.mktemp("media") / "long.mp4", seconds=9.0, audio=None)


class Controller:
    """The session's side of `ViewerController`, over a real Library and UndoStack."""

    def __init__(self, root: Path) -> None:
        self.clock = ManualClock()
        self.library = Library(root / "library.db", root / "lib", self.clock)
        self.undo_stack = UndoStack(self.library)
        self.cache_dir = root / "cache"
        self.simulated = False
        self.queued: list[tuple[EditRequest, Lineage]] = []

    def set_active_take(self, clip_id: str, take_id: str) -> None:
        self.library.set_active_take(clip_id, take_id)

    def delete_take(self, take_id: str) -> None:
        self.library.delete_take(take_id)

    def undo(self) -> None:
        self.undo_stack.undo()

    def redo(self) -> None:
        self.undo_stack.redo()

    def queue(self, request: EditRequest, lineage: Lineage) -> object:
        self.queued.append((request, lineage))
        return len(self.queued)

    def add_take(
        self,
        clip_id: str,
        source: Path,
        kind: TakeKind = TakeKind.GENERATED,
        *,
        prompt: str | None = PROMPT,
        segment: dict[str, Any] | None = None,
        parent: str | None = None,
        estimate: str = "0.40",
        activate: bool = True,
    ) -> Take:
        self.clock.advance(60)
        request = {"prompt": prompt, "model": "ltx-2-3-pro"} if prompt else {"model": "x"}
        provenance = Provenance(
            endpoint=kind.value,
            request=request,
            backend="sandbox",
            model="ltx-2-3-pro",
            job_id=f"job-{len(self.library.takes(clip_id))}-{clip_id}",
            estimate_usd=estimate,
            parent_take_id=parent,
            segment=segment_from_json(segment, kind),
        )
        return self.library.add_take(
            clip_id, source, kind=kind, provenance=provenance, sha256="0" * 64, activate=activate
        )


@pytest.fixture
def controller(tmp_path: Path) -> Iterator[Controller]:
    c = Controller(tmp_path)
    yield c
    c.library.close()


async def open_panel(
    qtbot: Any, controller: Controller, take: Take, **kwargs: Any
) -> Any:  # a ViewerPanel
    """A shown, focused ViewerPanel with `take` loaded and its first frame on screen."""
    from PySide6.QtWidgets import QApplication

    from ltxstudio.ui.viewer import PlayState, ViewerPanel

    panel = ViewerPanel(controller, build_proxies=kwargs.pop("build_proxies", False), **kwargs)

    # Stop its background work even when a test fails before calling shutdown itself, and let
    # the event loop destroy the players' backends (see `Player.close`).
    def close(widget: Any) -> None:
        widget.shutdown()
        QApplication.processEvents()

    qtbot.addWidget(panel, before_close_func=close)
    panel.resize(1000, 760)
    panel.show()
    panel.activateWindow()
    panel.setFocus()
    panel.show_take(take.id)
    await until(
        panel.player.state_changed,
        lambda: (
            panel.take is not None
            and panel.take.id == take.id
            and panel.player.state is PlayState.PAUSED
        ),
    )
    return panel


def mouse(widget: Any, kind: str, x: float, y: float, *, ctrl: bool = False) -> None:
    """Send a left-button mouse event (press / move / release) at (x, y) straight to `widget`."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    types = {
        "press": QEvent.Type.MouseButtonPress,
        "move": QEvent.Type.MouseMove,
        "release": QEvent.Type.MouseButtonRelease,
    }
    left = Qt.MouseButton.LeftButton
    button = Qt.MouseButton.NoButton if kind == "move" else left
    buttons = Qt.MouseButton.NoButton if kind == "release" else left
    modifiers = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    pos = QPointF(x, y)
    event = QMouseEvent(types[kind], pos, widget.mapToGlobal(pos), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def wheel(widget: Any, x: float, y: float, steps: int, *, ctrl: bool) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    modifiers = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    pos = QPointF(x, y)
    event = QWheelEvent(
        pos,
        widget.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


@pytest.fixture(scope="session")
def clip_25(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5 s at 25 fps (125 frames): 1.2 s is a whole number of frames here."""
    return make_video(tmp_path_factory.mktemp("media") / "c25.mp4", seconds=5.0, fps=25)
