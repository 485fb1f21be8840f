"""The timeline's picture and sound: thumbnails for the visible slots and the waveform, loaded
through the media layer off the UI thread. Until they arrive the timeline paints placeholders.

Thumbnails are requested for what is on screen at the current zoom only; a new view cancels a
request that is still running (after a short debounce, so a wheel spin costs one request, not
twenty) and asks again for what is still missing. Decoded thumbnails are kept per frame, so
zooming back and forth re-uses them; the media layer's disk cache keeps them across runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from ltxstudio import media
from ltxstudio.media import Waveform
from ltxstudio.ui.background import Background
from ltxstudio.ui.viewer.facts import ClipFacts
from ltxstudio.ui.viewer.scrub_source import to_qimage

log = logging.getLogger(__name__)

_DEBOUNCE_MS = 40
_LOAD = "load"  # a new request replaces the one in flight


class ThumbnailStrip(QObject):
    updated = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._facts: ClipFacts | None = None
        self._cache_dir: Path | None = None
        self._width = 96
        self._images: dict[int, QImage] = {}
        self._wanted: tuple[int, ...] = ()
        self._inflight: frozenset[int] = frozenset()
        self._background = Background()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_DEBOUNCE_MS)
        self._timer.timeout.connect(self._fetch)
        #: Every batch of frames asked of the media layer (tests check that only visible slots
        #: are asked for).
        self.requests: list[tuple[int, ...]] = []

    def set_source(self, facts: ClipFacts | None, cache_dir: Path | None, width: int) -> None:
        self._cancel()
        self._facts, self._cache_dir, self._width = facts, cache_dir, width
        self._images.clear()
        self._wanted = ()
        self.requests.clear()

    def image(self, frame: int) -> QImage | None:
        return self._images.get(frame)

    @property
    def busy(self) -> bool:
        return self._timer.isActive() or self._background.busy(_LOAD)

    def want(self, frames: Sequence[int]) -> None:
        """The frames the visible slots show now; fetches the missing ones."""
        wanted = tuple(dict.fromkeys(frames))
        if wanted == self._wanted:
            return
        self._wanted = wanted
        missing = [f for f in wanted if f not in self._images]
        if not missing or set(missing) <= self._inflight:
            return
        self._timer.start()

    def _fetch(self) -> None:
        facts = self._facts
        missing = [f for f in self._wanted if f not in self._images]
        if facts is None or not missing:
            return
        self._cancel()
        self._inflight = frozenset(missing)
        self.requests.append(tuple(missing))
        self._background.run(self._load(facts, missing), _LOAD)

    async def _load(self, facts: ClipFacts, frames: list[int]) -> None:
        # The middle of each frame: an exact time inside it, whatever the container's rounding.
        times = [facts.time_of(f) + 0.5 / float(facts.fps) for f in frames]
        try:
            thumbs = await media.run_cancellable(
                media.thumbnails,
                facts.path,
                times=times,
                width=self._width,
                cache_dir=self._cache_dir,
            )
        except (media.MediaError, OSError) as exc:  # OSError: the take was deleted meanwhile
            log.warning("thumbnails of %s failed: %s", facts.path.name, exc)
            return
        finally:
            self._inflight = frozenset()
        if facts is not self._facts:
            return
        for frame, thumb in zip(frames, thumbs, strict=True):
            self._images[frame] = to_qimage(thumb.image)
        self.updated.emit()
        if any(f not in self._images for f in self._wanted):
            self._timer.start()

    def _cancel(self) -> None:
        self._timer.stop()
        self._background.cancel(_LOAD)
        self._inflight = frozenset()


class WaveformSource(QObject):
    """The waveform of the clip's first audio track, or the reason there is none."""

    updated = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.waveform: Waveform | None = None
        self.note = ""
        self._background = Background()

    def set_source(self, facts: ClipFacts | None, cache_dir: Path | None) -> None:
        self._background.cancel(_LOAD)
        self.waveform = None
        if facts is None:
            self.note = ""
        elif not facts.has_audio:
            self.note = "no audio"
        else:
            self.note = "loading audio…"
            self._background.run(self._load(facts, cache_dir), _LOAD)
        self.updated.emit()

    @property
    def busy(self) -> bool:
        return self._background.busy(_LOAD)

    async def _load(self, facts: ClipFacts, cache_dir: Path | None) -> None:
        try:
            self.waveform = await media.run_cancellable(
                media.waveform, facts.path, bucket_ms=10.0, cache_dir=cache_dir
            )
            self.note = ""
        except media.MediaError as exc:
            self.note = exc.message
        except OSError as exc:  # the take was deleted meanwhile
            self.note = exc.strerror or str(exc)
        self.updated.emit()
