"""The work in progress survives a restart: the generate panel's draft (prompt, mode, model,
resolution, fps, duration, camera, audio, the media files) and the clip open in the viewer.

Kept in the window's `LayoutStore` (QSettings for the user's window, memory for the self-test's),
written a moment after each change and at close, so a crash loses a second of typing at most.
Media files that are gone by the next start are left out rather than shown as errors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer

from ltxstudio.ui.generate_panel import GeneratePanel
from ltxstudio.ui.layout_store import LayoutStore

SAVE_AFTER_MS = 800  # typing settles before the draft is written
_MEDIA = ("image", "last_frame", "audio")


def capture(panel: GeneratePanel, clip_id: str | None) -> dict[str, Any]:
    draft = panel.preset_values()
    for name in _MEDIA:
        path = getattr(panel, name).path
        draft[name] = str(path) if path is not None else None
    draft["clip"] = clip_id
    return draft


def restore_panel(panel: GeneratePanel, draft: dict[str, Any]) -> None:
    panel.apply_values(draft)
    for name in _MEDIA:
        value = draft.get(name)
        if isinstance(value, str) and Path(value).is_file():
            getattr(panel, name).set_path(Path(value))


class DraftKeeper(QObject):
    def __init__(
        self,
        panel: GeneratePanel,
        store: LayoutStore,
        open_clip: Callable[[], str | None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.panel, self.store, self.open_clip = panel, store, open_clip
        self._restoring = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(self.save)
        panel.prompt.text_changed.connect(self.changed)
        panel.mode_group.buttonToggled.connect(self.changed)
        for combo in (panel.model, panel.resolution, panel.fps, panel.duration, panel.camera):
            combo.currentIndexChanged.connect(self.changed)
        panel.audio_on.toggled.connect(self.changed)
        for name in _MEDIA:
            getattr(panel, name).changed.connect(self.changed)

    def changed(self, *_: object) -> None:
        if not self._restoring:
            self._timer.start()

    def save(self) -> None:
        self._timer.stop()
        self.store.save_draft(capture(self.panel, self.open_clip()))

    def restore(self) -> str | None:
        """Put the last draft back on the panel; returns the clip that was open, if any."""
        draft = self.store.load_draft()
        if not draft:
            return None
        self._restoring = True
        try:
            restore_panel(self.panel, draft)
        finally:
            self._restoring = False
        clip = draft.get("clip")
        return clip if isinstance(clip, str) else None
