"""What the viewer needs from the rest of the app: the `ViewerController` the session satisfies.

The viewer never changes the library itself except through this: switching takes, undo/redo,
and queueing edits. Queued edits carry their lineage, so the session can file the result as a
new take of the same clip with the right parent and segment when the job completes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ltxstudio.core.lineage import Lineage
from ltxstudio.core.request import EditRequest
from ltxstudio.library.model import LibraryError, Take
from ltxstudio.library.view import LibraryView

__all__ = ["EditRequest", "Lineage", "ViewerController", "prompt_of"]


class ViewerController(Protocol):
    @property
    def library(self) -> LibraryView: ...

    @property
    def cache_dir(self) -> Path:
        """Where thumbnails, waveforms, proxies and grabbed frames go."""
        ...

    @property
    def simulated(self) -> bool:
        """Whether prices are sandbox money (every figure then says "simulated")."""
        ...

    def set_active_take(self, clip_id: str, take_id: str) -> None: ...

    def delete_take(self, take_id: str) -> None: ...

    def undo(self) -> None: ...

    def redo(self) -> None: ...

    def queue(self, request: EditRequest, lineage: Lineage) -> object:
        """Queue an edit as a job; the result becomes a new take of `lineage.clip_id`."""
        ...


def prompt_of(take: Take, library: LibraryView) -> str:
    """The prompt that made `take`, or the nearest ancestor's (a retake may have been sent
    without one), for pre-filling an edit."""
    seen: set[str] = set()
    current: Take | None = take
    while current is not None and current.id not in seen:
        seen.add(current.id)
        prompt = current.provenance.request.get("prompt")
        if isinstance(prompt, str) and prompt.strip():
            return prompt
        parent = current.provenance.parent_take_id
        try:
            current = library.take(parent) if parent else None
        except LibraryError:
            current = None
    return ""
