"""`ViewerPanel`: the player, the timeline, the selection with its cost, the edit actions, the
takes strip and A/B compare, for one clip at a time.

It reads the `Library` and asks the `ViewerController` (the session) for every change: switching
the active take, undo/redo, queueing an edit. It follows the library's events, so a take filed by
the session when a job completes shows up in the strip and, when it becomes active, in the player
at the position it changed.

The panel decides which take is on screen (`Showing`) and handles the takes; it is composed of
`ViewerLayout` (the widgets and where they sit), `Playback` (player ↔ timeline ↔ scrubbing ↔
transport) and `ViewerEdits` (the selection's cost, the edit dialogs, queueing).
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from ltxstudio import media
from ltxstudio.core.clock import Clock
from ltxstudio.library.model import Clip, Take, edited_window
from ltxstudio.ui.background import Background
from ltxstudio.ui.viewer.actions import ViewerActions
from ltxstudio.ui.viewer.clip_dialogs import HdrDialog, ReframeDialog
from ltxstudio.ui.viewer.controller import ViewerController
from ltxstudio.ui.viewer.dialogs import (
    EditDialog,
    ExtendDialog,
    RetakeDialog,
)
from ltxstudio.ui.viewer.edits import ViewerEdits
from ltxstudio.ui.viewer.facts import ClipFacts, Showing
from ltxstudio.ui.viewer.layout import ViewerLayout
from ltxstudio.ui.viewer.playback import Playback
from ltxstudio.ui.viewer.player import Player
from ltxstudio.ui.viewer.selection import Selection
from ltxstudio.ui.viewer.takes_strip import ProvenanceDialog
from ltxstudio.ui.viewer.timescale import TimeScale
from ltxstudio.ui.viewer.video_area import Page


def edited_position(take: Take, duration: float) -> float:
    """Where a new take changed its parent: the player opens it there."""
    window = edited_window(take, duration)
    return window[0] if window is not None else 0.0


class ViewerPanel(QWidget):
    start_frame_chosen = Signal(object)  # Path of a PNG of the current frame, for image-to-video
    queued = Signal(object, object)  # (EditRequest, Lineage) after the controller took it
    take_shown = Signal(str)  # take id, once its first frame is on screen

    def __init__(
        self,
        controller: ViewerController,
        *,
        clock: Clock | None = None,
        build_proxies: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("viewerPanel")
        self.controller = controller
        self.library = controller.library
        self.showing = Showing()
        self._fresh: str | None = None  # a take just filed: open it where it changed
        self.background = Background()  # slots: load, fresh, compare
        self._shut = False

        self.actions_ = ViewerActions(self)
        self.scale = TimeScale(self)
        self.selection = Selection(self)
        self.view = ViewerLayout(self, self.actions_, self.scale, self.selection, clock)
        # The widgets by name, as the main window, the screenshots and the tests use them.
        self.video_area, self.transport = self.view.video_area, self.view.transport
        self.timeline, self.canvas = self.view.timeline, self.view.canvas
        self.selection_label, self.takes = self.view.selection_label, self.view.takes
        self.compare_view, self.pages = self.view.compare_view, self.view.pages
        self.player = Player(self.video_area.video, clock=clock, parent=self)
        self.playback = Playback(
            self.showing,
            self.view,
            self.actions_,
            self.player,
            self.scale,
            self.selection,
            controller.cache_dir,
            build_proxies=build_proxies,
            parent=self,
        )
        self.scrub = self.playback.scrub
        self.edits = ViewerEdits(
            controller,
            self.showing,
            self.selection,
            self.canvas,
            self.actions_,
            self.selection_label,
            self,
        )
        self.edits.queued.connect(self.queued)
        # A click anywhere gives the viewer its keys; Tab goes to its controls, not to it.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        self._connect()
        self._on_selection_changed()
        self._update_enabled()

    def _connect(self) -> None:
        a = self.actions_
        a.retake.triggered.connect(self.open_retake)
        a.extend.triggered.connect(self.open_extend)
        a.hdr.triggered.connect(self.open_hdr)
        a.reframe.triggered.connect(self.open_reframe)
        a.compare.triggered.connect(self.compare_default)
        a.fullscreen.toggled.connect(self.set_fullscreen)
        a.undo.triggered.connect(self.controller.undo)
        a.redo.triggered.connect(self.controller.redo)
        a.use_frame.triggered.connect(self.use_current_frame)
        self.player.loaded.connect(lambda: self.take_shown.emit(self.take.id if self.take else ""))
        self.selection.changed.connect(self._on_selection_changed)

        self.takes.activate_requested.connect(self.activate_take)
        self.takes.compare_requested.connect(self._compare_with_active)
        self.takes.provenance_requested.connect(self.show_provenance)
        self.takes.delete_requested.connect(self.controller.delete_take)

        lib = self.library
        lib.take_added.connect(self._on_take_added)
        lib.take_activated.connect(self._on_take_activated)
        lib.take_deleted.connect(self._on_takes_changed)
        lib.take_restored.connect(self._on_takes_changed)

    # ------------------------------------------------------------------ what is on screen

    @property
    def clip(self) -> Clip | None:
        return self.showing.clip

    @property
    def take(self) -> Take | None:
        return self.showing.take

    @property
    def facts(self) -> ClipFacts | None:
        return self.showing.facts

    def show_clip(self, clip_id: str) -> asyncio.Task[None] | None:
        """Show the clip's active take (or the empty state when it has none)."""
        clip = self.library.clip(clip_id)
        if clip.active_take_id is None:
            self._show_nothing(clip)
            return None
        return self.show_take(clip.active_take_id)

    def show_take(self, take_id: str, at: float | None = None) -> asyncio.Task[None]:
        """Load a take into the player at `at` seconds (None: keep the current position when
        it is the same clip, else the start). Returns the loading task."""
        return self.background.run(self._show_take(take_id, at), "load")

    async def _show_take(self, take_id: str, at: float | None) -> None:
        if self._shut:
            return
        take = self.library.take(take_id)
        path = self.library.path_of(take)
        try:
            facts = ClipFacts.from_info(await media.run(media.probe, path))
        except (media.MediaError, ValueError) as exc:
            self._show_nothing(self.library.clip(take.clip_id))
            self.view.show_unplayable(str(exc))
            return
        same_clip = self.clip is not None and self.clip.id == take.clip_id
        if at is None:
            at = self.player.position if same_clip else 0.0
        self.showing.clip = self.library.clip(take.clip_id)
        self.showing.take, self.showing.facts = take, facts
        if self.view.comparing:
            self.compare_view.close_compare()
        self.playback.load(path, facts, facts.frame_at(at), same_clip=same_clip)
        self._refresh_takes()
        self._on_selection_changed()
        self._update_enabled()
        self.playback.show_position()
        self.playback.build_proxy(path)

    def _show_nothing(self, clip: Clip | None) -> None:
        self.background.cancel("load")
        self.showing.clip, self.showing.take, self.showing.facts = clip, None, None
        self.playback.unload()
        self.video_area.show_page(Page.EMPTY)
        self._refresh_takes()
        self._update_enabled()

    def _on_selection_changed(self) -> None:
        self.edits.update_selection()
        self.playback.update_loop()

    def _update_enabled(self) -> None:
        has = self.facts is not None and self.take is not None
        for action in (self.actions_.extend, self.actions_.hdr, self.actions_.reframe):
            action.setEnabled(has)
        self.actions_.use_frame.setEnabled(has)
        self.actions_.compare.setEnabled(self.clip is not None and len(self.takes.chips) >= 2)

    # ------------------------------------------------------------------ library events

    def _on_take_added(self, take: Take) -> None:
        if self.clip is not None and take.clip_id == self.clip.id:
            self._fresh = take.id
            self._refresh_takes()

    def _on_take_activated(self, clip: Clip, old: str | None, new: str | None) -> None:
        if self.clip is None or clip.id != self.clip.id:
            return
        self.showing.clip = clip
        if new is None:
            self._show_nothing(clip)
            return
        if new == self._fresh:
            self._fresh = None
            self.background.run(self._show_fresh(self.library.take(new)), "fresh")
        else:
            self.show_take(new)

    async def _show_fresh(self, take: Take) -> None:
        info = await media.run(media.probe, self.library.path_of(take))
        duration = info.duration or 0.0
        self.show_take(take.id, at=edited_position(take, duration))

    def _on_takes_changed(self, take: Take) -> None:
        if self.clip is not None and take.clip_id == self.clip.id:
            self.showing.clip = self.library.clip(self.clip.id)
            self._refresh_takes()

    # ------------------------------------------------------------------ takes

    def _refresh_takes(self) -> None:
        if self.clip is None:
            self.takes.show_takes(self.library, [], None, None)
            return
        self.takes.show_takes(
            self.library,
            self.library.takes(self.clip.id),
            self.clip.active_take_id,
            self.controller.cache_dir,
        )
        self._update_enabled()

    def activate_take(self, take_id: str) -> None:
        # The chips are rebuilt when the active take changes; keep focus in the viewer so its
        # shortcuts (which need focus inside it) go on working after a click on a chip.
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.clip is not None and self.clip.active_take_id != take_id:
            self.controller.set_active_take(self.clip.id, take_id)

    def show_provenance(self, take_id: str) -> ProvenanceDialog:
        dialog = ProvenanceDialog(self.library.take(take_id), self.library, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def compare(self, take_a: str, take_b: str) -> asyncio.Task[None]:
        """Open A/B compare of two takes (by id); returns the loading task."""
        return self.background.run(self._compare(take_a, take_b), "compare")

    async def _compare(self, take_a: str, take_b: str) -> None:
        a, b = self.library.take(take_a), self.library.take(take_b)
        fa = ClipFacts.from_info(await media.run(media.probe, self.library.path_of(a)))
        fb = ClipFacts.from_info(await media.run(media.probe, self.library.path_of(b)))
        self.player.pause()
        frame = min(self.player.frame, fa.last_frame, fb.last_frame)
        self.compare_view.show_takes(a, fa, b, fb, frame)
        self.view.show_compare()

    def compare_default(self) -> asyncio.Task[None] | None:
        """Ctrl+Shift+C: the active take against its parent (or the take before it)."""
        if self.clip is None or self.take is None:
            return None
        takes = [t.id for t in self.library.takes(self.clip.id)]
        other = self.take.provenance.parent_take_id
        if other not in takes:
            index = takes.index(self.take.id) if self.take.id in takes else 0
            others = takes[:index][-1:] or takes[index + 1 :][:1]
            other = others[0] if others else None
        if other is None:
            return None
        return self.compare(other, self.take.id)

    def _compare_with_active(self, take_id: str) -> None:
        if self.clip is not None and self.clip.active_take_id:
            self.compare(self.clip.active_take_id, take_id)

    def use_current_frame(self) -> asyncio.Task[None] | None:
        """Save the frame on screen as a PNG and offer it as an image-to-video start frame."""
        if self.facts is None or self.take is None:
            return None
        return self.background.run(self._grab(self.take, self.facts, self.player.frame))

    async def _grab(self, take: Take, facts: ClipFacts, frame: int) -> None:
        out = self.controller.cache_dir / "frames" / f"{take.id}-f{frame:06d}.png"
        middle = facts.time_of(frame) + 0.5 / float(facts.fps)
        path = await media.run(media.grab_frame, facts.path, middle, out)
        self.start_frame_chosen.emit(path)

    # ------------------------------------------------------------------ edits, full screen

    @property
    def dialog(self) -> EditDialog | None:
        """The edit dialog open now, if any."""
        return self.edits.dialog

    def open_retake(self) -> RetakeDialog | None:
        return self.edits.open_retake()

    def open_extend(self) -> ExtendDialog | None:
        return self.edits.open_extend()

    def open_hdr(self) -> HdrDialog | None:
        return self.edits.open_hdr()

    def open_reframe(self) -> ReframeDialog | None:
        return self.edits.open_reframe()

    def set_fullscreen(self, on: bool) -> None:
        self.view.set_fullscreen(on)

    @property
    def fullscreen(self) -> QWidget | None:
        return self.view.fullscreen

    # ------------------------------------------------------------------ teardown

    def shutdown(self) -> None:
        """Stop playback and background work for good (the main window calls this when it
        closes, before the event loop stops: the players' backends are destroyed from it)."""
        if self._shut:
            return
        self._shut = True
        lib = self.library  # nothing the session files from now on may start work here
        lib.take_added.disconnect(self._on_take_added)
        lib.take_activated.disconnect(self._on_take_activated)
        lib.take_deleted.disconnect(self._on_takes_changed)
        lib.take_restored.disconnect(self._on_takes_changed)
        self.background.cancel_all()
        self.playback.close()
        self.compare_view.close_compare()
        self.compare_view.a.close()
        self.compare_view.b.close()
        self.takes.show_takes(self.library, [], None, None)
