"""What the UI may see of the queue: an ordered, evented, read-only list of jobs.

`JobStore` is the one implementation. The UI is typed against this protocol (and import-linter
keeps it from importing the store), so a view can read jobs and follow their events but cannot
change one: every change goes through the session's commands, which the runner applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from ltxstudio.core.events import Signal
from ltxstudio.jobs.model import Job


class JobList(Protocol):
    adding: Signal[[int]]
    added: Signal[[int, Job]]
    moving: Signal[[int, int]]
    moved: Signal[[int, int, Job]]
    removing: Signal[[int, Job]]
    removed: Signal[[int, Job]]
    #: (index, old, new, the fields that differ)
    changed: Signal[[int, Job, Job, frozenset[str]]]

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Job]: ...

    def __getitem__(self, index: int) -> Job: ...

    def get(self, job_id: str) -> Job: ...

    def index_of(self, job_id: str) -> int: ...
