"""Files coming in (File → Import, a drop, the command line) and clips going out of the library.

A file goes where it makes sense: an image to the first frame, audio to the soundtrack, a video
into the library as a clip — after the media layer has looked at it: a text file renamed `.mp4`
is refused with the media layer's own sentence, never filed as a clip. Removing a clip moves all
its takes to the trash in one step that Edit → Undo brings back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from ltxstudio.session.forms import Mode
from ltxstudio.ui.background import Background
from ltxstudio.ui.generate_panel import GeneratePanel
from ltxstudio.ui.session_view import SessionView, importable_video

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"}
AUDIO_SUFFIXES = {".wav", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".flac"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi"}


class Intake(QObject):
    def __init__(
        self,
        parent: QWidget,
        view: SessionView,
        generate: GeneratePanel,
        open_clip: Callable[[str], object],
        say: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self.view, self.generate = view, generate
        self._open_clip, self._say = open_clip, say
        self._background = Background()
        self.dialog: QFileDialog | None = None

    def choose(self) -> QFileDialog:
        """File → Import media…"""
        dialog = QFileDialog(self._parent, self.tr("Import media"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.take_in(Path(name)))
        dialog.open()
        self.dialog = dialog
        return dialog

    def take_in(self, path: Path) -> None:
        """A dropped or imported file goes where it makes sense."""
        suffix = path.suffix.lower()
        if suffix in IMAGE_SUFFIXES:
            if self.generate.mode is Mode.TEXT:
                self.generate.set_mode(Mode.IMAGE)
            self.generate.image.set_path(path)
        elif suffix in AUDIO_SUFFIXES:
            self.generate.set_mode(Mode.AUDIO)
            self.generate.audio.set_path(path)
        elif suffix in VIDEO_SUFFIXES:
            self._background.run(self._import_video(path), "video")
        else:
            self._say(self.tr("Not a file LTX can use: %1").replace("%1", path.name))

    def busy(self) -> bool:
        return self._background.busy()

    async def _import_video(self, path: Path) -> None:
        refused = await importable_video(path)
        if refused is not None:
            self._say(self.tr("Not imported: %1").replace("%1", refused))
            return
        self._open_clip(await self.view.import_video(path))

    def remove_clip(self, clip_id: str, title: str) -> None:
        count = self.view.remove_clip(clip_id)
        takes = self.tr("1 take") if count == 1 else self.tr("%1 takes").replace("%1", str(count))
        self._say(
            self.tr("Removed “%1” (%2) to the trash. Edit → Undo brings it back.")
            .replace("%1", title)
            .replace("%2", takes)
        )

    def close(self) -> None:
        self._background.cancel_all()
