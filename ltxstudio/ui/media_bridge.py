"""What the panels need from the media layer, awaited off the UI thread: picker inspections
(summary, preview, problems with one-click fixes) and clip posters for the library."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QPainter

from ltxstudio import media
from ltxstudio.library.model import Take
from ltxstudio.media import Lane, MediaError, Role, Transport
from ltxstudio.ui.background import Background
from ltxstudio.ui.images import to_qimage
from ltxstudio.ui.media_picker import Inspection, Inspector, Issue
from ltxstudio.ui.theme import ACCENT


def inspector(role: Role, work_dir: Path) -> Inspector:
    """An inspector for pickers of `role`; conversions are written to `work_dir`."""

    async def inspect(path: Path) -> Inspection:
        try:
            info = await media.run(media.probe, path)
        except MediaError as exc:
            return Inspection("", (Issue(exc.message),))
        found = media.check_info(info, role, Transport.UPLOAD)
        issues = tuple(_issue(p, path, work_dir) for p in found)
        preview = await _preview(path, info)
        return Inspection(media.describe(info), issues, preview, info.duration)

    return inspect


def _issue(problem: media.Problem, path: Path, work_dir: Path) -> Issue:
    if not problem.fixes:
        text = problem.message + (f" {problem.hint}" if problem.hint else "")
        return Issue(text, blocking=problem.is_error)
    fix = problem.fixes[0]

    async def apply() -> Path:
        out = await media.run_cancellable(
            media.convert, path, [fix], work_dir, lane=Lane.BACKGROUND
        )
        return Path(out)

    return Issue(problem.message, problem.is_error, fix.label, apply)


async def _preview(path: Path, info: media.MediaInfo) -> QImage | None:
    try:
        if info.image is not None or info.first_video is not None:
            rgb = await media.run(media.frame_at, path, 0.0, width=192)
            return to_qimage(rgb)
        if info.first_audio is not None:
            wave = await media.run_cancellable(media.waveform, path, bucket_ms=50.0)
            return waveform_image(wave.minimum.tolist(), wave.maximum.tolist(), 192, 54)
    except MediaError:
        return None
    return None


def waveform_image(low: Sequence[float], high: Sequence[float], width: int, height: int) -> QImage:
    """Peaks as a filled band, one column per pixel (the loudest bucket each column covers)."""
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setPen(QColor(ACCENT))
    count = len(high)
    middle = height / 2
    for x in range(width):
        a, b = x * count // width, max(x * count // width + 1, (x + 1) * count // width)
        top = max(high[a:b], default=0.0)
        bottom = min(low[a:b], default=0.0)
        painter.drawLine(x, round(middle - top * middle), x, round(middle - bottom * middle))
    painter.end()
    return image


class Posters:
    """Library posters: the active take's frame at 10 % of its length, decoded and cached by
    the media layer; `ready` is called on the UI thread when it arrives."""

    def __init__(self, library_path: Callable[[Take], Path], cache_dir: Path) -> None:
        self._path = library_path
        self._cache = cache_dir
        self._pending: set[str] = set()
        self._background = Background()

    def close(self) -> None:
        """Stop loading: the window that shows the posters is going away."""
        self._background.cancel_all()

    def poster(self, take: Take, size: QSize, ready: Callable[[QImage], None]) -> QImage | None:
        if take.id in self._pending:
            return None
        self._pending.add(take.id)
        self._background.run(self._load(take, size, ready))
        return None

    async def _load(self, take: Take, size: QSize, ready: Callable[[QImage], None]) -> None:
        path = self._path(take)
        try:
            info = await media.run(media.probe, path)
            moment = (info.duration or 0.0) * 0.1
            (thumb,) = await media.run_cancellable(
                media.thumbnails, path, times=[moment], width=size.width(), cache_dir=self._cache
            )
        except (MediaError, OSError, ValueError):
            return
        finally:
            self._pending.discard(take.id)
        ready(to_qimage(thumb.image))
