"""The viewer's edits: the selection line with what a retake of it would cost, the
retake/extend/HDR/reframe dialogs (one at a time, non-modal), and the queueing of what they
submit, with the lineage that files the result as a new take of the clip."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ltxstudio.core.request import EditRequest, LocalFile, Retake
from ltxstudio.session.lineage import edit_lineage
from ltxstudio.ui.money import money
from ltxstudio.ui.theme import AMBER, RED
from ltxstudio.ui.viewer.actions import ViewerActions
from ltxstudio.ui.viewer.clip_dialogs import HdrDialog, ReframeDialog
from ltxstudio.ui.viewer.controller import ViewerController, prompt_of
from ltxstudio.ui.viewer.dialogs import (
    EditDialog,
    ExtendDialog,
    RetakeDialog,
)
from ltxstudio.ui.viewer.facts import Showing, estimate
from ltxstudio.ui.viewer.selection import Selection
from ltxstudio.ui.viewer.timeline import TimelineCanvas


class ViewerEdits(QObject):
    queued = Signal(object, object)  # (EditRequest, Lineage) after the controller took it

    def __init__(
        self,
        controller: ViewerController,
        showing: Showing,
        selection: Selection,
        canvas: TimelineCanvas,
        actions: ViewerActions,
        label: QLabel,
        host: QWidget,
    ) -> None:
        super().__init__(host)
        self.controller = controller
        self.library = controller.library
        self.showing = showing
        self.selection = selection
        self.canvas = canvas
        self.actions = actions
        self.label = label
        self.host = host  # the dialogs' parent
        self.dialog: EditDialog | None = None

    def retake_request(self) -> Retake | None:
        """The request the current window would send (defaults; the dialog refines it)."""
        window, facts, take = self.selection.window, self.showing.facts, self.showing.take
        if facts is None or take is None or window is None:
            return None
        return Retake(
            video_uri=LocalFile(str(facts.path)),
            start_time=window.start,
            duration=window.duration,
            prompt=prompt_of(take, self.library) or None,
        )

    def update_selection(self) -> None:
        """The selection line (span, frames, cost or why not) and whether R can retake it."""
        window = self.selection.window
        problem = self.selection.problem
        facts = self.showing.facts
        retake = self.actions.retake
        if facts is None or window is None:
            text = self.tr("Drag on the timeline or press I and O to select a window to retake.")
            self.label.setText(text if facts is not None else "")
            retake.setEnabled(False)
            retake.setToolTip(problem or "")
            self.canvas.set_selection_text(self.tr("no selection") if facts else "")
        else:
            span = f"{window.start:.2f}–{window.end:.2f} s · {window.label(facts.fps)}"
            request = self.retake_request()
            usd = estimate(request, facts) if request is not None else None
            cost = money(usd, simulated=self.controller.simulated) if usd is not None else "?"
            snapped = self.selection.snap_note
            spoken = (
                self.tr("selection %1 to %2 s, %3, est. %4")
                .replace("%1", f"{window.start:.2f}")
                .replace("%2", f"{window.end:.2f}")
                .replace("%3", window.label(facts.fps))
                .replace("%4", cost)
            )
            if problem:
                self.label.setText(f'{span} · <span style="color:{RED}">✖ {problem}</span>')
                retake.setToolTip(problem)
                spoken += f"; {problem}"
            else:
                note = f' · <span style="color:{AMBER}">⚠ {snapped}</span>' if snapped else ""
                self.label.setText(
                    f"{span} · <b>est. {cost}</b> "
                    + self.tr("(retake bills the whole clip)")
                    + note
                )
                retake.setToolTip(self.tr("Retake selection… (R)"))
                spoken += f"; {snapped}" if snapped else ""
            retake.setEnabled(problem is None)
            self.canvas.set_selection_text(spoken)
        if isinstance(self.dialog, RetakeDialog) and window is not None and self.dialog.isVisible():
            self.dialog.set_window(window)

    # ------------------------------------------------------------------ dialogs

    def _open(self, dialog: EditDialog) -> EditDialog:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        if self.controller.simulated:
            dialog.simulated = True
            dialog.refresh()  # its price says "simulated"
        dialog.submitted.connect(self._queue)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        dialog.show()
        dialog.raise_()
        return dialog

    def open_retake(self) -> RetakeDialog | None:
        window, facts, take = self.selection.window, self.showing.facts, self.showing.take
        if facts is None or take is None or window is None or self.selection.problem:
            return None
        dialog = RetakeDialog(facts, window, prompt_of(take, self.library), self.host)
        self._open(dialog)
        return dialog

    def open_extend(self) -> ExtendDialog | None:
        facts, take = self.showing.facts, self.showing.take
        if facts is None or take is None:
            return None
        dialog = ExtendDialog(facts, prompt_of(take, self.library), self.host)
        dialog.context_changed.connect(self.canvas.set_context_window)
        dialog.refresh()
        self._open(dialog)
        return dialog

    def open_hdr(self) -> HdrDialog | None:
        if self.showing.facts is None:
            return None
        dialog = HdrDialog(self.showing.facts, self.host)
        self._open(dialog)
        return dialog

    def open_reframe(self) -> ReframeDialog | None:
        if self.showing.facts is None:
            return None
        dialog = ReframeDialog(self.showing.facts, self.host)
        self._open(dialog)
        return dialog

    def _queue(self, request: EditRequest) -> None:
        take = self.showing.take
        if take is None:
            return
        lineage = edit_lineage(request, take)
        self.controller.queue(request, lineage)
        self.queued.emit(request, lineage)
