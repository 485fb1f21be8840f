"""Exact frames for the mouse while the playhead is dragged, decoded off the UI thread.

A `ScrubDecoder` (reading the all-intra proxy when one exists) runs on the media layer's
foreground lane. Requests are latest-wins: while one frame decodes, newer requests replace each
other and only the last one is decoded next, so the picture follows the mouse without a backlog.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from ltxstudio import media
from ltxstudio.media import Frame, ScrubDecoder
from ltxstudio.media.executor import executor

log = logging.getLogger(__name__)

#: Scrub frames are shown while dragging only; this width keeps them sharp at typical viewer
#: sizes and lets a 480 px proxy serve them.
SCRUB_WIDTH = media.PROXY_WIDTH


def to_qimage(rgb: np.ndarray) -> QImage:
    """An RGB uint8 HxWx3 array as a QImage that owns its pixels."""
    array = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width = array.shape[:2]
    image = QImage(array.data, width, height, width * 3, QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer, which may be freed


class ScrubSource(QObject):
    frame_ready = Signal(object)  # media.Frame, on the UI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._decoder: ScrubDecoder | None = None
        self._opening: asyncio.Task[None] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._pending: float | None = None
        self.path: Path | None = None
        self.decoded = 0

    @property
    def uses_proxy(self) -> bool:
        return self._decoder is not None and self._decoder.uses_proxy

    def open(self, path: Path, cache_dir: Path | None, width: int = SCRUB_WIDTH) -> None:
        """Start opening `path` (proxy when present) to give frames `width` px wide (at most
        `SCRUB_WIDTH`); requests made meanwhile wait for it."""
        self.close()
        self.path = path
        width = min(width, SCRUB_WIDTH)
        self._opening = asyncio.ensure_future(self._open(path, cache_dir, width))

    async def _open(self, path: Path, cache_dir: Path | None, width: int) -> None:
        try:
            decoder = await media.run(media.open_scrubber, path, width=width, cache_dir=cache_dir)
        except media.MediaError as exc:
            log.warning("no scrubbing for %s: %s", path.name, exc)
            return
        if self.path != path:
            await media.run(decoder.close)
            return
        self._decoder = decoder
        self._kick()

    def close(self) -> None:
        for task in (self._opening, self._worker):
            if task is not None:
                task.cancel()
        self._opening = self._worker = None
        self._pending = None
        decoder, self._decoder = self._decoder, None
        self.path = None
        if decoder is not None:
            # Closing waits for a decode in flight (the decoder serialises calls): do it off
            # the UI thread.
            executor().submit(decoder.close)

    def request(self, seconds: float) -> None:
        """Ask for the frame shown at `seconds`; `frame_ready` follows (maybe skipping some)."""
        self._pending = seconds
        self._kick()

    def _kick(self) -> None:
        if self._decoder is None or self._pending is None:
            return
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._drain(self._decoder))

    async def _drain(self, decoder: ScrubDecoder) -> None:
        while self._pending is not None and decoder is self._decoder:
            seconds, self._pending = self._pending, None
            try:
                frame: Frame = await media.run(decoder.frame_at, seconds)
            except media.MediaError as exc:
                log.warning("scrub frame at %.3f s failed: %s", seconds, exc)
                continue
            if decoder is self._decoder:
                self.decoded += 1
                self.frame_ready.emit(frame)
