"""What the UI may see of the library: clips and takes, their files, and their events.

`Library` is the one implementation. The UI is typed against this protocol (import-linter keeps
it from importing the store), so deleting, activating or importing a take goes through the
session, where undo and filing live.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ltxstudio.core.events import Signal
from ltxstudio.library.model import Clip, Take


class LibraryView(Protocol):
    root: Path
    clip_added: Signal[[Clip]]
    take_added: Signal[[Take]]
    #: (clip, previous active take id, new active take id)
    take_activated: Signal[[Clip, str | None, str | None]]
    take_deleted: Signal[[Take]]
    take_restored: Signal[[Take]]

    def clips(self) -> list[Clip]: ...

    def clip(self, clip_id: str) -> Clip: ...

    def take_counts(self) -> dict[str, int]: ...

    def takes(self, clip_id: str, *, include_deleted: bool = False) -> list[Take]: ...

    def take(self, take_id: str) -> Take: ...

    def take_for_job(self, job_id: str) -> Take | None: ...

    def active_take(self, clip_id: str) -> Take | None: ...

    def path_of(self, take: Take) -> Path: ...
