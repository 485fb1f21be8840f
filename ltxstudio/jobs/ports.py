"""What the job engine needs from the outside world, as Protocols.

`jobs` never imports `ltxstudio.api`: the session adapts the client to `GenerationBackend` (it
uploads a request's local media and sends the typed request). Failures arrive as
`core.remote.ApiFailure` subclasses whose `kind` tells the runner what to do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from ltxstudio.core.remote import Downloaded, JobRef, JobStatus, Progress
from ltxstudio.core.request import Request
from ltxstudio.jobs.model import Job


class GenerationBackend(Protocol):
    @property
    def name(self) -> str:
        """Identity of the API a job is bound to: "sandbox" or the live base URL."""
        ...

    async def prepare(self, request: Request, progress: Progress) -> Request:
        """Upload local media; the same request with every media input as a `RemoteUri`."""
        ...

    async def submit(self, request: Request) -> JobRef:
        """POST /v2/<endpoint> once. Raises ApiFailure; OUTCOME_UNKNOWN when it may have been
        accepted."""
        ...

    async def status(self, ref: JobRef) -> JobStatus: ...

    async def download(self, url: str, dest: Path, progress: Progress) -> Downloaded: ...


#: Called once a job's results are on disk, before it is marked completed (the session adds the
#: take to the library and copies to the user's output path). Must be idempotent: after a crash
#: it runs again for the same job.
Finalizer = Callable[[Job], Awaitable[None]]
