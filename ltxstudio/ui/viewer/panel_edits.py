"""The viewer's edits: the retake/extend/HDR/reframe dialogs it opens (one at a time,
non-modal) and the queueing of what they submit, with the lineage that files the result as a
new take of the clip. A mixin of `ViewerPanel`, kept apart so the panel stays about layout and
playback."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ltxstudio.session.lineage import EditRequest, edit_lineage
from ltxstudio.session.requests import RetakeRequest
from ltxstudio.ui.viewer.controller import Lineage, prompt_of
from ltxstudio.ui.viewer.dialogs import (
    EditDialog,
    ExtendDialog,
    HdrDialog,
    ReframeDialog,
    RetakeDialog,
)

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from ltxstudio.library.model import Take
    from ltxstudio.library.store import Library
    from ltxstudio.ui.viewer.controller import ViewerController
    from ltxstudio.ui.viewer.facts import ClipFacts
    from ltxstudio.ui.viewer.selection import Selection
    from ltxstudio.ui.viewer.timeline import TimelineCanvas


class EditsMixin:
    if TYPE_CHECKING:  # provided by ViewerPanel
        controller: ViewerController
        library: Library
        take: Take | None
        facts: ClipFacts | None
        dialog: EditDialog | None
        selection: Selection
        canvas: TimelineCanvas
        queued: SignalInstance

    def _widget(self) -> QWidget:
        return cast("QWidget", self)  # the mixin is only ever part of a QWidget

    def retake_request(self) -> RetakeRequest | None:
        """The request the current window would send (defaults; the dialog refines it)."""
        window = self.selection.window
        if self.facts is None or self.take is None or window is None:
            return None
        return RetakeRequest(
            video=str(self.facts.path),
            start=window.start,
            duration=window.duration,
            prompt=prompt_of(self.take, self.library) or None,
        )

    def _open(self, dialog: EditDialog) -> EditDialog:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.submitted.connect(self._queue)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        dialog.show()
        dialog.raise_()
        return dialog

    def open_retake(self) -> RetakeDialog | None:
        window = self.selection.window
        if self.facts is None or self.take is None or window is None or self.selection.problem:
            return None
        dialog = RetakeDialog(
            self.facts, window, prompt_of(self.take, self.library), self._widget()
        )
        self._open(dialog)
        return dialog

    def open_extend(self) -> ExtendDialog | None:
        if self.facts is None or self.take is None:
            return None
        dialog = ExtendDialog(self.facts, prompt_of(self.take, self.library), self._widget())
        dialog.context_changed.connect(self.canvas.set_context_window)
        dialog.refresh()
        self._open(dialog)
        return dialog

    def open_hdr(self) -> HdrDialog | None:
        if self.facts is None:
            return None
        dialog = HdrDialog(self.facts, self._widget())
        self._open(dialog)
        return dialog

    def open_reframe(self) -> ReframeDialog | None:
        if self.facts is None:
            return None
        dialog = ReframeDialog(self.facts, self._widget())
        self._open(dialog)
        return dialog

    def _queue(self, request: EditRequest) -> None:
        take = self.take
        if take is None:
            return
        lineage = cast(Lineage, edit_lineage(request, take))
        self.controller.queue(request, lineage)
        self.queued.emit(request, lineage)
