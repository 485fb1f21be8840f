"""`ViewerPanel`: the player, the timeline, the selection with its cost, the edit actions, the
takes strip and A/B compare, for one clip at a time.

It reads the `Library` and asks the `ViewerController` (the session) for every change: switching
the active take, undo/redo, queueing an edit. It follows the library's events, so a take filed by
the session when a job completes shows up in the strip and, when it becomes active, in the player
at the position it changed.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ltxstudio import media
from ltxstudio.core.clock import Clock
from ltxstudio.core.pricing import format_usd
from ltxstudio.library.model import Clip, Take, TakeKind
from ltxstudio.media import Frame, Lane
from ltxstudio.ui.background import Background
from ltxstudio.ui.theme import RED
from ltxstudio.ui.viewer.actions import ViewerActions
from ltxstudio.ui.viewer.compare import CompareView
from ltxstudio.ui.viewer.controller import ViewerController
from ltxstudio.ui.viewer.dialogs import (
    EditDialog,
    RetakeDialog,
)
from ltxstudio.ui.viewer.facts import ClipFacts, estimate
from ltxstudio.ui.viewer.panel_edits import EditsMixin
from ltxstudio.ui.viewer.player import Player, PlayState
from ltxstudio.ui.viewer.scrub_source import ScrubSource, to_qimage
from ltxstudio.ui.viewer.selection import Selection
from ltxstudio.ui.viewer.takes_strip import ProvenanceDialog, TakesStrip
from ltxstudio.ui.viewer.timeline import TimelineView
from ltxstudio.ui.viewer.timescale import TimeScale
from ltxstudio.ui.viewer.transport import TransportBar, drive_compare, drive_player
from ltxstudio.ui.viewer.video_area import Page, VideoArea

log = logging.getLogger(__name__)


def edited_position(take: Take, duration: float) -> float:
    """Where a new take changed its parent: the player opens it there."""
    seg = take.provenance.segment
    match take.kind:
        case TakeKind.RETAKE if seg:
            return float(seg.get("start_time", 0.0))
        case TakeKind.EXTEND if seg and seg.get("mode") == "start":
            return 0.0
        case TakeKind.EXTEND if seg:
            return max(0.0, duration - float(seg.get("duration", 0.0)))
        case _:
            return 0.0


class ViewerPanel(EditsMixin, QWidget):
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
        self.build_proxies = build_proxies
        self.clip: Clip | None = None
        self.take: Take | None = None
        self.facts: ClipFacts | None = None
        self.dialog: EditDialog | None = None
        self._fresh: str | None = None  # a take just filed: open it where it changed
        self.background = Background()  # slots: load, proxy, fresh, compare
        self._awaiting_live = False
        self._shut = False

        self.actions_ = ViewerActions(self)
        self.video_area = VideoArea()
        self.player = Player(self.video_area.video, clock=clock, parent=self)
        self.scrub = ScrubSource(self)
        self.transport = TransportBar(self.actions_)
        self.scale = TimeScale(self)
        self.selection = Selection(self)
        self.timeline = TimelineView(self.scale, self.selection)
        self.canvas = self.timeline.canvas
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionLabel")
        self.selection_label.setTextFormat(Qt.TextFormat.RichText)
        self.selection_label.setWordWrap(True)  # long reasons wrap instead of widening the window
        self.takes = TakesStrip()
        self.compare_view = CompareView(clock)
        self.compare_view.closed.connect(self._close_compare)

        edit_row = QHBoxLayout()
        edit_row.addWidget(self.selection_label, 1)
        for action in (
            self.actions_.retake,
            self.actions_.extend,
            self.actions_.hdr,
            self.actions_.reframe,
            self.actions_.compare,
        ):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            edit_row.addWidget(button)
        viewer = QWidget()
        self._viewer_layout = QVBoxLayout(viewer)
        self._viewer_layout.setContentsMargins(0, 0, 0, 0)
        self._viewer_layout.setSpacing(4)
        self._viewer_layout.addWidget(self.video_area, 1)
        self._viewer_layout.addWidget(self.transport)
        self._viewer_layout.addWidget(self.timeline)
        self._viewer_layout.addLayout(edit_row)
        self._viewer_layout.addWidget(self.takes)
        self.pages = QStackedWidget()
        self.pages.addWidget(viewer)
        self.pages.addWidget(self.compare_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.pages)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._fullscreen: QWidget | None = None

        self._connect()
        self._update_selection()
        self._update_enabled()

    # ------------------------------------------------------------------ wiring

    def _connect(self) -> None:
        a, p = self.actions_, self.player
        a.play_pause.triggered.connect(lambda: self._transport("toggle"))
        a.reverse.triggered.connect(lambda: self._transport("reverse"))
        a.stop.triggered.connect(lambda: self._transport("stop"))
        a.forward.triggered.connect(lambda: self._transport("forward"))
        a.step_back.triggered.connect(lambda: self._transport("step", -1))
        a.step_forward.triggered.connect(lambda: self._transport("step", 1))
        a.back_second.triggered.connect(lambda: self._transport("second", -1))
        a.forward_second.triggered.connect(lambda: self._transport("second", 1))
        a.go_start.triggered.connect(lambda: self._transport("start"))
        a.go_end.triggered.connect(lambda: self._transport("end"))
        a.mark_in.triggered.connect(lambda: self.selection.mark_in(p.position))
        a.mark_out.triggered.connect(self.mark_out)
        a.go_in.triggered.connect(lambda: self._go_edge(start=True))
        a.go_out.triggered.connect(lambda: self._go_edge(start=False))
        a.clear_selection.triggered.connect(self.selection.clear)
        a.retake.triggered.connect(self.open_retake)
        a.extend.triggered.connect(self.open_extend)
        a.hdr.triggered.connect(self.open_hdr)
        a.reframe.triggered.connect(self.open_reframe)
        a.compare.triggered.connect(self.compare_default)
        a.fullscreen.toggled.connect(self.set_fullscreen)
        a.undo.triggered.connect(self.controller.undo)
        a.redo.triggered.connect(self.controller.redo)
        a.loop.toggled.connect(lambda _on: self._update_loop())
        a.mute.toggled.connect(p.set_muted)
        a.use_frame.triggered.connect(self.use_current_frame)
        self.transport.volume.valueChanged.connect(lambda v: p.set_volume(v / 100))

        p.frame_changed.connect(self._on_frame)
        p.frame_shown.connect(self._on_frame_shown)
        p.state_changed.connect(self._on_state)
        p.speed_changed.connect(lambda _s: self._on_state(p.state.value))
        p.loaded.connect(lambda: self.take_shown.emit(self.take.id if self.take else ""))
        p.failed.connect(self._on_player_failed)

        self.canvas.scrub_started.connect(self._on_scrub_started)
        self.canvas.scrub_moved.connect(self._on_scrub_moved)
        self.canvas.scrub_finished.connect(self._on_scrub_finished)
        self.canvas.seek_requested.connect(p.seek_seconds)
        self.scrub.frame_ready.connect(self._on_scrub_frame)
        self.selection.changed.connect(self._update_selection)

        self.takes.activate_requested.connect(self.activate_take)
        self.takes.compare_requested.connect(self._compare_with_active)
        self.takes.provenance_requested.connect(self.show_provenance)
        self.takes.delete_requested.connect(self.library.delete_take)

        lib = self.library
        lib.take_added.connect(self._on_take_added)
        lib.take_activated.connect(self._on_take_activated)
        lib.take_deleted.connect(self._on_takes_changed)
        lib.take_restored.connect(self._on_takes_changed)

    def _transport(self, what: str, amount: int = 0) -> None:
        if self.pages.currentWidget() is self.compare_view:
            drive_compare(self.compare_view, what, amount)
        else:
            drive_player(self.player, what, amount)

    # ------------------------------------------------------------------ showing clips

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
            self._show_error(take, str(exc))
            return
        same_clip = self.clip is not None and self.clip.id == take.clip_id
        if at is None:
            at = self.player.position if same_clip else 0.0
        self.clip = self.library.clip(take.clip_id)
        self.take, self.facts = take, facts
        if self.pages.currentWidget() is self.compare_view:
            self.compare_view.close_compare()
        self._awaiting_live = True
        self.player.load(path, facts.fps, facts.frames, facts.frame_at(at))
        self.canvas.set_media(facts, self.controller.cache_dir)
        self.canvas.set_playhead(facts.time_of(facts.frame_at(at)))
        if same_clip:
            self.selection.clip_changed_length(facts.duration, facts.fps)
        else:
            self.selection.set_clip(facts.duration, facts.fps)
        self.scrub.open(path, self.controller.cache_dir, facts.width)
        self._refresh_takes()
        self._update_selection()
        self._update_enabled()
        self.transport.show_position(self.player.frame, facts.frames, facts.fps)
        if self.build_proxies and media.find_proxy(path, self.controller.cache_dir) is None:
            self.background.run(self._build_proxy(path), "proxy")

    async def _build_proxy(self, path: Path) -> None:
        try:
            await media.run_cancellable(
                media.build_proxy, path, self.controller.cache_dir, lane=Lane.BACKGROUND
            )
        except (media.MediaError, media.Cancelled) as exc:
            log.info("no scrub proxy for %s: %s", path.name, exc)
            return
        facts = self.facts
        if facts is not None and facts.path == path and not self.canvas.scrubbing:
            self.scrub.open(path, self.controller.cache_dir, facts.width)

    def _show_nothing(self, clip: Clip | None) -> None:
        self.background.cancel("load")
        self.clip, self.take, self.facts = clip, None, None
        self.player.unload()
        self.scrub.close()
        self.canvas.set_media(None, None)
        self.selection.set_clip(0.0, self.selection.fps)
        self.video_area.show_page(Page.EMPTY)
        self._refresh_takes()
        self._update_enabled()

    def _show_error(self, take: Take, message: str) -> None:
        self._show_nothing(self.library.clip(take.clip_id))
        self.video_area.empty.setText(
            self.tr("This take cannot be played: %1").replace("%1", message)
        )

    def _on_player_failed(self, message: str) -> None:
        log.warning("player: %s", message)
        self.video_area.empty.setText(
            self.tr("This take cannot be played: %1").replace("%1", message)
        )
        self.video_area.show_page(Page.EMPTY)

    # ------------------------------------------------------------------ library events

    def _on_take_added(self, take: Take) -> None:
        if self.clip is not None and take.clip_id == self.clip.id:
            self._fresh = take.id
            self._refresh_takes()

    def _on_take_activated(self, clip: Clip, old: str | None, new: str | None) -> None:
        if self.clip is None or clip.id != self.clip.id:
            return
        self.clip = clip
        if new is None:
            self._show_nothing(clip)
            return
        if new == self._fresh:
            self._fresh = None
            take = self.library.take(new)
            self.background.run(self._show_fresh(take), "fresh")
        else:
            self.show_take(new)

    async def _show_fresh(self, take: Take) -> None:
        info = await media.run(media.probe, self.library.path_of(take))
        duration = info.duration or 0.0
        self.show_take(take.id, at=edited_position(take, duration))

    def _on_takes_changed(self, take: Take) -> None:
        if self.clip is not None and take.clip_id == self.clip.id:
            self.clip = self.library.clip(self.clip.id)
            self._refresh_takes()

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

    # ------------------------------------------------------------------ player → view

    def _on_frame(self, frame: int) -> None:
        if self.facts is None:
            return
        seconds = self.facts.time_of(frame)
        self.canvas.set_playhead(seconds)
        if self.player.state in (PlayState.PLAYING, PlayState.REVERSE):
            self.scale.ensure_visible(seconds)
        self.transport.show_position(frame, self.facts.frames, self.facts.fps)

    def _on_frame_shown(self, frame: int) -> None:
        if self._awaiting_live and not self.canvas.scrubbing:
            self._awaiting_live = False
            self.video_area.show_page(Page.LIVE)

    def _on_state(self, state: str) -> None:
        playing = PlayState(state) in (PlayState.PLAYING, PlayState.REVERSE)
        self.transport.show_speed(self.player.speed, playing)

    # ------------------------------------------------------------------ scrubbing

    def _on_scrub_started(self) -> None:
        self.player.pause()

    def _on_scrub_moved(self, seconds: float) -> None:
        if self.facts is None:
            return
        self.scrub.request(seconds)
        frame = self.facts.frame_at(seconds)
        self.transport.show_position(frame, self.facts.frames, self.facts.fps)

    def _on_scrub_frame(self, frame: Frame) -> None:
        if self.canvas.scrubbing:
            self.video_area.show_still(to_qimage(frame.image))

    def _on_scrub_finished(self, seconds: float) -> None:
        if self.facts is None:
            return
        self._awaiting_live = True
        self.player.seek_seconds(seconds)
        # Seeking to the frame already shown delivers nothing new; do not wait for it then.
        QTimer.singleShot(600, lambda: self._on_frame_shown(self.player.frame))

    # ------------------------------------------------------------------ selection

    def mark_out(self) -> None:
        """O: the window ends at the playhead; on the last frame, at the end of the clip."""
        p = self.player
        self.selection.mark_out(
            self.facts.duration if self.facts and p.frame >= p.last_frame else p.position
        )

    def _go_edge(self, *, start: bool) -> None:
        window = self.selection.window
        if window is not None:
            self.player.pause()
            self.player.seek_seconds(window.start if start else window.end)

    def _update_selection(self) -> None:
        window = self.selection.window
        problem = self.selection.problem
        facts = self.facts
        retake = self.actions_.retake
        if facts is None or window is None:
            text = self.tr("Drag on the timeline or press I and O to select a window to retake.")
            self.selection_label.setText(text if facts is not None else "")
            retake.setEnabled(False)
            retake.setToolTip(problem or "")
        else:
            span = f"{window.start:.2f}–{window.end:.2f} s · {window.label(facts.fps)}"
            request = self.retake_request()
            usd = estimate(request, facts) if request is not None else None
            cost = format_usd(usd) if usd is not None else "?"
            if problem:
                self.selection_label.setText(
                    f'{span} · <span style="color:{RED}">✖ {problem}</span>'
                )
                retake.setToolTip(problem)
            else:
                self.selection_label.setText(
                    f"{span} · <b>est. {cost}</b> " + self.tr("(retake bills the whole clip)")
                )
                retake.setToolTip(self.tr("Retake selection… (R)"))
            retake.setEnabled(problem is None)
        if isinstance(self.dialog, RetakeDialog) and window is not None and self.dialog.isVisible():
            self.dialog.set_window(window)
        self._update_loop()

    def _update_loop(self) -> None:
        p = self.player
        p.loop = self.actions_.loop.isChecked()
        window = self.selection.window
        if window is not None and self.facts is not None and self.selection.problem is None:
            first = self.facts.frame_at(window.start)
            p.loop_range = (first, max(first, self.facts.frame_at(window.end) - 1))
        else:
            p.loop_range = None

    def _update_enabled(self) -> None:
        has = self.facts is not None and self.take is not None
        for action in (self.actions_.extend, self.actions_.hdr, self.actions_.reframe):
            action.setEnabled(has)
        self.actions_.use_frame.setEnabled(has)
        self.actions_.compare.setEnabled(self.clip is not None and len(self.takes.chips) >= 2)

    # ------------------------------------------------------------------ takes

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
        self.pages.setCurrentWidget(self.compare_view)

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

    def _close_compare(self) -> None:
        self.pages.setCurrentIndex(0)

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

    # ------------------------------------------------------------------ full screen

    def set_fullscreen(self, on: bool) -> None:
        if on and self._fullscreen is None:
            host = QWidget()
            host.setWindowTitle(self.tr("Viewer"))
            host_layout = QVBoxLayout(host)
            host_layout.setContentsMargins(0, 0, 0, 0)
            host_layout.addWidget(self.video_area)
            host.addActions(self.actions_.transport())
            leave = QAction(host)
            leave.setShortcut(QKeySequence("Escape"))
            leave.triggered.connect(lambda: self.actions_.fullscreen.setChecked(False))
            host.addAction(leave)
            self._fullscreen = host
            host.showFullScreen()
        elif not on and self._fullscreen is not None:
            host, self._fullscreen = self._fullscreen, None
            self._viewer_layout.insertWidget(0, self.video_area, 1)
            host.close()
            host.deleteLater()

    @property
    def fullscreen(self) -> QWidget | None:
        return self._fullscreen

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
        self.player.close()
        self.compare_view.close_compare()
        self.compare_view.a.close()
        self.compare_view.b.close()
        self.scrub.close()
        self.canvas.set_media(None, None)
        self.takes.show_takes(self.library, [], None, None)
