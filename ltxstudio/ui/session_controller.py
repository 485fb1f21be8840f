"""The session as the viewer's controller.

The viewer (`ui/viewer/`) only knows the narrow `ViewerController`; `SessionController` is that
protocol over a `Session`. Queueing is asynchronous (the preflight may probe media), so `queue`
returns the task and reports the outcome through two Qt-free signals the window shows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction

from ltxstudio.core.events import Signal
from ltxstudio.jobs.model import Job
from ltxstudio.library.view import LibraryView
from ltxstudio.session import BadInput, Session
from ltxstudio.ui.background import Background
from ltxstudio.ui.viewer import EditRequest, Lineage, ViewerPanel

log = logging.getLogger(__name__)


class SessionController:
    """`ViewerController` over a session: edits become jobs whose results join the clip."""

    def __init__(
        self,
        session: Session,
        undo: Callable[[], None] | None = None,
        redo: Callable[[], None] | None = None,
    ) -> None:
        self.session = session
        # The window's undo, which knows a removed clip is one step (ui/session_view.py).
        self._undo = undo or session.undo
        self._redo = redo or session.redo
        self.queued: Signal[[Job]] = Signal("viewer.queued")
        self.refused: Signal[[str]] = Signal("viewer.refused")
        self._background = Background()

    @property
    def library(self) -> LibraryView:
        return self.session.clips

    @property
    def simulated(self) -> bool:
        return self.session.simulated

    @property
    def cache_dir(self) -> Path:
        return self.session.paths.cache / "viewer"

    def set_active_take(self, clip_id: str, take_id: str) -> None:
        self.session.set_active_take(clip_id, take_id)

    def delete_take(self, take_id: str) -> None:
        self.session.delete_take(take_id)

    def undo(self) -> None:
        self._undo()

    def redo(self) -> None:
        self._redo()

    def queue(self, request: EditRequest, lineage: Lineage) -> asyncio.Task[Job | None]:
        return self._background.run(self._submit(request, lineage))

    async def _submit(self, request: EditRequest, lineage: Lineage) -> Job | None:
        try:
            job = await self.session.submit(request, lineage=lineage)
        except BadInput as exc:
            self.refused.emit(str(exc))
            return None
        self.queued.emit(job)
        return job


def build_viewer(
    session: Session,
    undo: Callable[[], None] | None = None,
    redo: Callable[[], None] | None = None,
) -> tuple[ViewerPanel, SessionController]:
    controller = SessionController(session, undo, redo)
    panel = ViewerPanel(controller)
    # The window's Edit menu owns Ctrl+Z / Ctrl+Shift+Z for take switches everywhere; a second
    # binding of the same keys inside the viewer would make both ambiguous (neither fires).
    for action in (panel.actions_.undo, panel.actions_.redo):
        action.setShortcut("")
    return panel, controller


def clip_menu(panel: ViewerPanel) -> list[QAction | None]:
    """The viewer's commands for the window's Clip menu (None: a separator); the same QAction
    objects, so the menu shows the keys the viewer answers to."""
    a = panel.actions_
    return [
        a.play_pause, a.loop, a.mute, a.fullscreen, None,
        a.mark_in, a.mark_out, a.clear_selection, None,
        a.retake, a.extend, a.hdr, a.reframe, None,
        a.compare, a.use_frame,
    ]  # fmt: skip
