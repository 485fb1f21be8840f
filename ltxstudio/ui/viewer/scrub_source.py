"""Exact frames for the mouse while the playhead is dragged, decoded off the UI thread.

A `ScrubDecoder` (reading the all-intra proxy when one exists) runs on the media layer's
foreground lane. Requests are latest-wins: while one frame decodes, newer requests replace each
other and only the last one is decoded next, so the picture follows the mouse without a backlog.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from ltxstudio import media
from ltxstudio.media import Frame, ScrubDecoder
from ltxstudio.media.executor import executor
from ltxstudio.ui.background import Background

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
        # Slots: "open" (the decoder being opened) and "drain" (decoding the latest request).
        self._background = Background()
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
        self._background.run(self._open(path, cache_dir, width), "open")

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
        self._background.cancel_all()
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
        if not self._background.busy("drain"):
            self._background.run(self._drain(self._decoder), "drain")

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
