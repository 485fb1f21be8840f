"""Playback for the take on screen: the player, the timeline's playhead, scrubbing and the
transport keep to one frame.

- The transport's keys drive the player, or both players while A/B compare is open.
- The player's frame moves the playhead (and scrolls the timeline while playing) and the
  transport's counter; its picture replaces the still once a loaded or sought frame arrives.
- Dragging the playhead pauses the player and shows exact frames from the scrubbing decoder;
  on release the player seeks there. A scrub proxy is built in the background when missing.
- I/O mark the selection, Shift+I/O go to its edges; Loop repeats it when it is valid.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from ltxstudio import media
from ltxstudio.core.segments import Handle
from ltxstudio.media import Frame, Lane
from ltxstudio.ui.background import Background
from ltxstudio.ui.viewer.actions import ViewerActions
from ltxstudio.ui.viewer.facts import ClipFacts, Showing
from ltxstudio.ui.viewer.layout import ViewerLayout
from ltxstudio.ui.viewer.player import Player, PlayState
from ltxstudio.ui.viewer.scrub_source import ScrubSource, to_qimage
from ltxstudio.ui.viewer.selection import Selection
from ltxstudio.ui.viewer.timescale import TimeScale
from ltxstudio.ui.viewer.transport import drive_compare, drive_player
from ltxstudio.ui.viewer.video_area import Page

log = logging.getLogger(__name__)


class Playback(QObject):
    def __init__(
        self,
        showing: Showing,
        view: ViewerLayout,
        actions: ViewerActions,
        player: Player,
        scale: TimeScale,
        selection: Selection,
        cache_dir: Path,
        *,
        build_proxies: bool,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.showing = showing
        self.view = view
        self.actions = actions
        self.player = player
        self.scale = scale
        self.selection = selection
        self.canvas = view.canvas
        self.transport = view.transport
        self.scrub = ScrubSource(parent)
        self.cache_dir = cache_dir
        self.build_proxies = build_proxies
        self._awaiting_live = False  # a still shows until the player's next frame arrives
        self._background = Background()  # slot: proxy
        self._connect()

    def _connect(self) -> None:
        a, p, selection = self.actions, self.player, self.selection
        for action, what, amount in (
            (a.play_pause, "toggle", 0),
            (a.reverse, "reverse", 0),
            (a.stop, "stop", 0),
            (a.forward, "forward", 0),
            (a.step_back, "step", -1),
            (a.step_forward, "step", 1),
            (a.back_second, "second", -1),
            (a.forward_second, "second", 1),
            (a.go_start, "start", 0),
            (a.go_end, "end", 0),
        ):
            action.triggered.connect(lambda _=False, w=what, n=amount: self._transport(w, n))
        a.mark_in.triggered.connect(lambda: self._said(selection.mark_in, p.position))
        a.mark_out.triggered.connect(lambda: self._said(self.mark_out))
        a.go_in.triggered.connect(lambda: self._go_edge(start=True))
        a.go_out.triggered.connect(lambda: self._go_edge(start=False))
        a.clear_selection.triggered.connect(lambda: self._said(selection.clear))
        for action, edge, frames in (
            (a.in_earlier, Handle.START, -1),
            (a.in_later, Handle.START, 1),
            (a.out_earlier, Handle.END, -1),
            (a.out_later, Handle.END, 1),
        ):
            action.triggered.connect(
                lambda _=False, e=edge, n=frames: self._said(selection.nudge, e, n)
            )
        a.loop.toggled.connect(lambda _on: self.update_loop())
        a.mute.toggled.connect(p.set_muted)
        self.transport.volume.valueChanged.connect(lambda v: p.set_volume(v / 100))

        p.frame_changed.connect(self._on_frame)
        p.frame_shown.connect(self._on_frame_shown)
        p.state_changed.connect(self._on_state)
        p.speed_changed.connect(lambda _s: self._on_state(p.state.value))
        p.failed.connect(self._on_player_failed)

        self.canvas.scrub_started.connect(self._on_scrub_started)
        self.canvas.scrub_moved.connect(self._on_scrub_moved)
        self.canvas.scrub_finished.connect(self._on_scrub_finished)
        self.canvas.seek_requested.connect(p.seek_seconds)
        self.scrub.frame_ready.connect(self._on_scrub_frame)

    def _said(self, change: Callable[..., None], *args: object) -> None:
        """A selection change from a key: not seen like a drag, so it is said."""
        change(*args)
        self.canvas.announce_selection()

    def _transport(self, what: str, amount: int) -> None:
        if self.view.comparing:
            drive_compare(self.view.compare_view, what, amount)
        else:
            drive_player(self.player, what, amount)

    # ------------------------------------------------------------------ loading

    def load(self, path: Path, facts: ClipFacts, frame: int, *, same_clip: bool) -> None:
        """Open `path` at `frame` in the player, the timeline, the selection and scrubbing."""
        self._awaiting_live = True
        self.player.load(path, facts.fps, facts.frames, frame)
        self.canvas.set_media(facts, self.cache_dir)
        self.canvas.set_playhead(facts.time_of(frame))
        if same_clip:
            self.selection.clip_changed_length(facts.duration, facts.fps)
        else:
            self.selection.set_clip(facts.duration, facts.fps)
        self.scrub.open(path, self.cache_dir, facts.width)

    def show_position(self) -> None:
        facts = self.showing.facts
        if facts is not None:
            self.transport.show_position(self.player.frame, facts.frames, facts.fps)

    def build_proxy(self, path: Path) -> None:
        """Build the scrub proxy for `path` in the background, when there is none yet."""
        if self.build_proxies and media.find_proxy(path, self.cache_dir) is None:
            self._background.run(self._build_proxy(path), "proxy")

    async def _build_proxy(self, path: Path) -> None:
        try:
            await media.run_cancellable(
                media.build_proxy, path, self.cache_dir, lane=Lane.BACKGROUND
            )
        except (media.MediaError, media.Cancelled) as exc:
            log.info("no scrub proxy for %s: %s", path.name, exc)
            return
        facts = self.showing.facts
        if facts is not None and facts.path == path and not self.canvas.scrubbing:
            self.scrub.open(path, self.cache_dir, facts.width)

    def unload(self) -> None:
        self.player.unload()
        self.scrub.close()
        self.canvas.set_media(None, None)
        self.selection.set_clip(0.0, self.selection.fps)

    def close(self) -> None:
        """For good: background work, the player's backend, scrubbing, the timeline's media."""
        self._background.cancel_all()
        self.player.close()
        self.scrub.close()
        self.canvas.set_media(None, None)

    # ------------------------------------------------------------------ player → view

    def _on_frame(self, frame: int) -> None:
        facts = self.showing.facts
        if facts is None:
            return
        seconds = facts.time_of(frame)
        self.canvas.set_playhead(seconds)
        if self.player.state in (PlayState.PLAYING, PlayState.REVERSE):
            self.scale.ensure_visible(seconds)
        self.transport.show_position(frame, facts.frames, facts.fps)

    def _on_frame_shown(self, frame: int) -> None:
        if self._awaiting_live and not self.canvas.scrubbing:
            self._awaiting_live = False
            self.view.video_area.show_page(Page.LIVE)

    def _on_state(self, state: str) -> None:
        playing = PlayState(state) in (PlayState.PLAYING, PlayState.REVERSE)
        self.transport.show_speed(self.player.speed, playing)

    def _on_player_failed(self, message: str) -> None:
        log.warning("player: %s", message)
        self.view.show_unplayable(message)

    # ------------------------------------------------------------------ scrubbing

    def _on_scrub_started(self) -> None:
        self.player.pause()

    def _on_scrub_moved(self, seconds: float) -> None:
        facts = self.showing.facts
        if facts is None:
            return
        self.scrub.request(seconds)
        frame = facts.frame_at(seconds)
        self.transport.show_position(frame, facts.frames, facts.fps)

    def _on_scrub_frame(self, frame: Frame) -> None:
        if self.canvas.scrubbing:
            self.view.video_area.show_still(to_qimage(frame.image))

    def _on_scrub_finished(self, seconds: float) -> None:
        if self.showing.facts is None:
            return
        self._awaiting_live = True
        self.player.seek_seconds(seconds)
        # Seeking to the frame already shown delivers nothing new; do not wait for it then.
        QTimer.singleShot(600, lambda: self._on_frame_shown(self.player.frame))

    # ------------------------------------------------------------------ selection

    def mark_out(self) -> None:
        """O: the window ends at the playhead; on the last frame, at the end of the clip."""
        p, facts = self.player, self.showing.facts
        self.selection.mark_out(facts.duration if facts and p.frame >= p.last_frame else p.position)

    def _go_edge(self, *, start: bool) -> None:
        window = self.selection.window
        if window is not None:
            self.player.pause()
            self.player.seek_seconds(window.start if start else window.end)

    def update_loop(self) -> None:
        """Loop the selection while it is valid, else the whole take (when Loop is on)."""
        p, facts = self.player, self.showing.facts
        p.loop = self.actions.loop.isChecked()
        window = self.selection.window
        if window is not None and facts is not None and self.selection.problem is None:
            first = facts.frame_at(window.start)
            p.loop_range = (first, max(first, facts.frame_at(window.end) - 1))
        else:
            p.loop_range = None
