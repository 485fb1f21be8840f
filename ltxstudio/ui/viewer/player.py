# Over 400 lines on purpose: one façade keeps every frame <-> ms rule and backend workaround.
"""`Player`: a narrow façade over `QMediaPlayer` that speaks in frames of the clip's rate.

Everything outside talks frames (`seek_frame`, `step`, `frame_changed`); milliseconds stay in
here. Facts measured with Qt's FFmpeg backend (STACK-NOTES §3 and our own runs):

- A paused `setPosition(ms)` delivers exactly one frame: the one with start < ms <= end, so a
  position exactly on a frame boundary shows the frame *before* it. Containers also round
  timestamps to their time base (Matroska: 1 ms). We therefore seek to the *middle* of frame n,
  which names frame n under either rule.
- While playing, frames are delivered a little ahead of `position()`; the frame last delivered
  to the sink is what the user sees, so it is the truth for `frame`.
- `setPlaybackRate` accepts no negative rate (it becomes 0), so reverse shuttle is done here by
  seeking backwards on a timer driven by an injected `Clock`; seeks are latest-wins.
- At the end of media the backend stops and delivers an invalid (blank) frame; we park on the
  last frame, paused, instead.
- With no audio device the backend plays video-only against the system clock, without errors.
- Frames are queued to us from the decoder's thread, so one of the *previous* source can arrive
  after `setSource`: until the new source reports `LoadedMedia`, no frame counts as its first
  (taking one did: the new source was never asked for its own, and a finished reframe showed
  the old picture, or black, until a frame step).
- `stop()` and `setSource()` wait for the backend's threads to finish, and the audio renderer's
  thread needs the GIL on its way out (it disconnects from our Python-made `QAudioOutput`, whose
  shiboken wrapper asks Python about overrides). Called from Python, which holds the GIL, they
  deadlock now and then (seen: ~1 run in 10 in the tests). They are therefore *queued*
  (`QMetaObject.invokeMethod`) and run from the event loop, where PySide has released the GIL.
  For the same reason a `Player` needs a Qt parent: Qt, not Python's GC, must destroy it.
"""

from __future__ import annotations

import math
from enum import StrEnum
from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import Q_ARG, QMetaObject, QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink
from PySide6.QtMultimediaWidgets import QVideoWidget

from ltxstudio.core.clock import Clock, SystemClock
from ltxstudio.core.timebase import frame_at, frame_time

#: Shuttle speeds for repeated J / L presses (NLE convention: each press doubles, up to 8x).
SHUTTLE_SPEEDS = (1.0, 2.0, 4.0, 8.0)
_REVERSE_TICK_MS = 15
#: How long a seek may go without delivering its frame before it is sent again. Measured: a
#: paused seek issued right after another one has landed is now and then dropped by the FFmpeg
#: backend (no frame, no error); sent again, it lands. After `_SEEK_RETRIES` the last frame
#: delivered is taken as the truth (a VFR file can name a frame differently from the grid).
_SEEK_PATIENCE_MS = 200
_SEEK_RETRIES = 3


class PlayState(StrEnum):
    EMPTY = "empty"  # no media
    LOADING = "loading"
    PAUSED = "paused"
    PLAYING = "playing"  # forward, at `speed`
    REVERSE = "reverse"  # backwards shuttle, at -`speed`


class Player(QObject):
    """One clip, frame-exact. Pass a `QVideoWidget` to display into it, or none to render into
    an own `QVideoSink` (the compare view paints frames itself)."""

    frame_changed = Signal(int)  # the frame now shown (or being sought to)
    frame_shown = Signal(int)  # a decoded frame reached the sink (a seek has landed)
    state_changed = Signal(str)  # a PlayState value
    speed_changed = Signal(float)  # signed: negative in reverse, 0 when paused
    loaded = Signal()  # the first frame of a new source is on screen
    failed = Signal(str)  # the backend's error text

    def __init__(
        self,
        video_widget: QVideoWidget | None = None,
        *,
        clock: Clock | None = None,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._clock = clock or SystemClock()
        self._media = QMediaPlayer(self)
        self._audio = QAudioOutput(self)
        self._media.setAudioOutput(self._audio)
        self.video_widget = video_widget
        if video_widget is not None:
            self._media.setVideoOutput(video_widget)
            self._sink = video_widget.videoSink()
        else:
            self._sink = QVideoSink(self)
            self._media.setVideoOutput(self._sink)
        self._sink.videoFrameChanged.connect(self._on_video_frame)
        self._media.mediaStatusChanged.connect(self._on_status)
        self._media.errorOccurred.connect(self._on_error)

        self._closed = False
        self.path: Path | None = None
        self.fps: Fraction = Fraction(24)
        self.frames = 0
        self._state = PlayState.EMPTY
        self._speed = 0.0
        self._frame = 0  # what is shown, or the target of a pending seek
        self._seeking: int | None = None
        self._source_ready = False  # the source being loaded said LoadedMedia
        self._start_frame = 0
        self.loop = False
        self.loop_range: tuple[int, int] | None = None  # inclusive frames; None: the whole clip
        self._reverse_timer = QTimer(self)
        self._reverse_timer.setInterval(_REVERSE_TICK_MS)
        self._reverse_timer.timeout.connect(self.reverse_tick)
        self._reverse_origin = (0.0, 0)  # (clock time, frame) when reverse started
        self._delivered: int | None = None  # last frame the sink got while a seek was pending
        self._retries = 0
        self._patience = QTimer(self)
        self._patience.setSingleShot(True)
        self._patience.setInterval(_SEEK_PATIENCE_MS)
        self._patience.timeout.connect(self._give_up_seek)

    # ------------------------------------------------------------------ reading

    @property
    def state(self) -> PlayState:
        return self._state

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def frame(self) -> int:
        return self._frame

    @property
    def seeking(self) -> bool:
        """A seek was asked for and its frame has not reached the sink yet."""
        return self._seeking is not None

    @property
    def position(self) -> float:
        """Seconds: the start of the current frame on the clip's grid."""
        return frame_time(self._frame, self.fps)

    @property
    def last_frame(self) -> int:
        return max(0, self.frames - 1)

    def video_sink(self) -> QVideoSink:
        """Where decoded frames arrive; tests assert on its `videoFrameChanged`."""
        return self._sink

    @property
    def volume(self) -> float:
        return self._audio.volume()

    def set_volume(self, volume: float) -> None:
        self._audio.setVolume(min(1.0, max(0.0, volume)))

    @property
    def muted(self) -> bool:
        return self._audio.isMuted()

    def set_muted(self, muted: bool) -> None:
        self._audio.setMuted(muted)

    # ------------------------------------------------------------------ source

    def load(self, path: Path, fps: Fraction, frames: int, start_frame: int = 0) -> None:
        """Open `path` (`frames` frames at `fps`) and show `start_frame`, paused."""
        if self._closed:
            raise RuntimeError("this player is closed")
        self._stop_reverse()
        self.path = path
        self.fps = fps
        self.frames = frames
        self._start_frame = self._clamp(start_frame)
        self._frame = self._start_frame
        self._seeking = self._start_frame
        self._source_ready = False
        self._media.setPlaybackRate(1.0)
        self._set_state(PlayState.LOADING, 0.0)
        self._invoke("setSource", QUrl.fromLocalFile(str(path)))

    def unload(self) -> None:
        if self._closed:
            return
        self._stop_reverse()
        self._patience.stop()
        self._invoke("stop")
        self._invoke("setSource", QUrl())
        self.path = None
        self.frames = 0
        self._frame = 0
        self._seeking = None
        self._set_state(PlayState.EMPTY, 0.0)

    def close(self) -> None:
        """Unload and have Qt destroy the backend from its event loop (not from Python, which
        would hold the GIL while the backend waits for its threads). The player is unusable
        afterwards."""
        if self._closed:
            return
        self._closed = True
        self.unload()
        self._sink.videoFrameChanged.disconnect(self._on_video_frame)
        self._media.deleteLater()
        self._audio.deleteLater()

    # ------------------------------------------------------------------ transport

    def seek_frame(self, frame: int) -> None:
        """Show frame `frame` (clamped to the clip); keeps playing if playing."""
        if self._state in (PlayState.EMPTY, PlayState.LOADING):
            if self._state is PlayState.LOADING:
                self._start_frame = self._frame = self._clamp(frame)
                self._seeking = self._frame
            return
        frame = self._clamp(frame)
        self._seeking = frame
        self._delivered = None
        self._retries = 0
        self._patience.start()
        self._media.setPosition(self._position_ms(frame))
        if frame != self._frame:
            self._frame = frame
            self.frame_changed.emit(frame)

    def seek_seconds(self, seconds: float) -> None:
        self.seek_frame(frame_at(max(0.0, seconds), self.fps))

    def step(self, frames: int) -> None:
        """Pause and move `frames` frames (negative: back)."""
        self.pause()
        self.seek_frame(self._frame + frames)

    def step_seconds(self, seconds: float) -> None:
        self.step(round(seconds * self.fps))

    def go_start(self) -> None:
        self.pause()
        self.seek_frame(0)

    def go_end(self) -> None:
        self.pause()
        self.seek_frame(self.last_frame)

    def play(self, speed: float = 1.0) -> None:
        """Play forward at `speed` (negative: reverse shuttle)."""
        if self._state in (PlayState.EMPTY, PlayState.LOADING) or speed == 0:
            return
        if speed < 0:
            self._start_reverse(-speed)
            return
        self._stop_reverse()
        low, high = self._range()
        if self._frame >= high and not (self.loop and self.loop_range is None):
            self.seek_frame(low)  # play at the end starts over, as every player does
        elif self.loop and self.loop_range is not None and not low <= self._frame <= high:
            self.seek_frame(low)
        # The backend's own position lags the frame shown; start from what the user sees.
        self._media.setPosition(self._position_ms(self._frame))
        self._media.setPlaybackRate(speed)
        self._media.play()
        self._set_state(PlayState.PLAYING, speed)

    def pause(self) -> None:
        if self._state in (PlayState.EMPTY, PlayState.LOADING, PlayState.PAUSED):
            return
        self._stop_reverse()
        self._media.pause()
        self._media.setPlaybackRate(1.0)
        self._set_state(PlayState.PAUSED, 0.0)
        # Re-seek to the frame on screen, so the backend's position agrees with it.
        self.seek_frame(self._frame)

    def toggle(self) -> None:
        if self._state in (PlayState.PLAYING, PlayState.REVERSE):
            self.pause()
        else:
            self.play()

    def shuttle_forward(self) -> None:
        """L: play forward; again: faster (1, 2, 4, 8x); from reverse: forward at 1x."""
        self.play(self._next_speed(1))

    def shuttle_reverse(self) -> None:
        """J: play backwards; again: faster; from forward play: backwards at 1x."""
        self.play(-self._next_speed(-1))

    def shuttle_stop(self) -> None:
        """K."""
        self.pause()

    def _next_speed(self, direction: int) -> float:
        current = self._speed * direction
        if current <= 0:
            return SHUTTLE_SPEEDS[0]
        faster = [s for s in SHUTTLE_SPEEDS if s > current + 1e-9]
        return faster[0] if faster else SHUTTLE_SPEEDS[-1]

    # ------------------------------------------------------------------ reverse shuttle

    def _start_reverse(self, speed: float) -> None:
        self._media.pause()
        self._media.setPlaybackRate(1.0)
        self._reverse_origin = (self._clock.monotonic(), self._frame)
        self._set_state(PlayState.REVERSE, -speed)
        self._reverse_timer.start()

    def _stop_reverse(self) -> None:
        self._reverse_timer.stop()

    def reverse_tick(self) -> None:
        """Move to where reverse play should be by now (timer-driven; tests call it directly
        after advancing a `ManualClock`). Skips frames rather than falling behind."""
        if self._state is not PlayState.REVERSE:
            return
        started, origin = self._reverse_origin
        elapsed = self._clock.monotonic() - started
        target = origin - math.floor(elapsed * self.fps * abs(self._speed) + 1e-9)
        low, high = self._range()
        if target < low:
            if self.loop:
                self._reverse_origin = (self._clock.monotonic(), high)
                target = high
            else:
                self.seek_frame(low)
                self.pause()
                return
        if target != self._frame and self._seeking is None:
            self.seek_frame(target)

    # ------------------------------------------------------------------ backend events

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        match status:
            case QMediaPlayer.MediaStatus.LoadedMedia if self._state is PlayState.LOADING:
                self._source_ready = True
                self._media.setPosition(self._position_ms(self._start_frame))
                self._media.pause()
                # The new source's first frame may have come (from the decoder's thread) before
                # this status and been dropped as the old source's; a seek to where the backend
                # already is may then bring none. Without a frame soon, nudge it like a seek.
                self._retries = 0
                self._patience.start()
            case QMediaPlayer.MediaStatus.EndOfMedia:
                self._at_end()
            case QMediaPlayer.MediaStatus.InvalidMedia:
                self._set_state(PlayState.EMPTY, 0.0)
                self.failed.emit(self._media.errorString() or "the file cannot be played")
            case _:
                pass

    def _at_end(self) -> None:
        if self._state is not PlayState.PLAYING:
            return
        if self.loop and self.loop_range is None:
            self._media.setPosition(self._position_ms(0))
            self._media.play()
            return
        # Park on the last frame, paused, rather than on the backend's blank stopped state.
        self._set_state(PlayState.PAUSED, 0.0)
        self._media.setPlaybackRate(1.0)
        self._seeking = self.last_frame
        self._media.setPosition(self._position_ms(self.last_frame))
        self._media.pause()

    def _on_error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            self.failed.emit(text or error.name)

    @Slot(QVideoFrame)
    def _on_video_frame(self, video_frame: QVideoFrame) -> None:
        # A slot of this QObject: the sink emits from the decoder's thread; this runs queued on
        # the GUI thread.
        if not video_frame.isValid() or self._state is PlayState.EMPTY:
            return  # the blank frame sent when stopping or switching sources
        index = self._clamp(round(Fraction(video_frame.startTime(), 1_000_000) * self.fps))
        if self._state is PlayState.LOADING:
            if not self._source_ready:
                return  # the previous source's, queued before the new one was set
            self._seeking = None
            self._frame = index
            self._set_state(PlayState.PAUSED, 0.0)
            self.frame_changed.emit(index)
            self.frame_shown.emit(index)
            self.loaded.emit()
            return
        if self._seeking is not None:
            if index != self._seeking and self._state is not PlayState.PLAYING:
                self._delivered = index
                return  # a frame from before the latest seek; the sought one follows
            self._seeking = None
            self._patience.stop()
        if self._state is PlayState.PLAYING and self.loop and self.loop_range is not None:
            low, high = self.loop_range
            if index > high:
                self.seek_frame(low)
                return
        if index != self._frame:
            self._frame = index
            self.frame_changed.emit(index)
        self.frame_shown.emit(index)

    def _give_up_seek(self) -> None:
        if self._seeking is None:
            return
        if self._retries < _SEEK_RETRIES and self._state is not PlayState.PLAYING:
            self._retries += 1
            # A millisecond off each time (still inside the frame): the backend may skip a seek
            # to the position it believes it is already at.
            nudge = min(self._retries, math.floor(250 / self.fps))  # < a quarter frame
            self._media.setPosition(self._position_ms(self._seeking) + nudge)
            self._media.pause()
            self._patience.start()
            return
        self._seeking = None
        if self._delivered is not None and self._delivered != self._frame:
            self._frame = self._delivered
            self.frame_changed.emit(self._frame)
        if self._delivered is not None:
            self.frame_shown.emit(self._delivered)

    # ------------------------------------------------------------------ helpers

    def _invoke(self, slot: str, url: QUrl | None = None) -> None:
        """Call a blocking QMediaPlayer slot from the event loop, without the GIL held."""
        queued = Qt.ConnectionType.QueuedConnection
        if url is None:
            QMetaObject.invokeMethod(self._media, slot, queued)
        else:
            QMetaObject.invokeMethod(self._media, slot, queued, Q_ARG(QUrl, url))

    def _set_state(self, state: PlayState, speed: float) -> None:
        changed_state = state is not self._state
        changed_speed = speed != self._speed
        self._state, self._speed = state, speed
        if changed_state:
            self.state_changed.emit(state.value)
        if changed_speed:
            self.speed_changed.emit(speed)

    def _clamp(self, frame: int) -> int:
        return min(max(0, frame), self.last_frame)

    def _range(self) -> tuple[int, int]:
        if self.loop and self.loop_range is not None:
            low, high = self.loop_range
            return self._clamp(low), self._clamp(high)
        return 0, self.last_frame

    def _position_ms(self, frame: int) -> int:
        # Mid-frame: see the module docstring for why not the frame's start.
        return math.floor((Fraction(frame) + Fraction(1, 2)) / self.fps * 1000)
