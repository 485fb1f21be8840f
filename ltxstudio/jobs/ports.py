"""What the job engine needs from the outside world, as Protocols.

`jobs` never imports `ltxstudio.api`: the session adapts the client to `GenerationBackend` (it
builds typed requests from a `JobSpec` and uploads its media). Failures arrive as
`core.remote.ApiFailure` subclasses whose `kind` tells the runner what to do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.remote import Downloaded, JobRef, JobStatus, Progress
from ltxstudio.jobs.model import Job, JobSpec


class GenerationBackend(Protocol):
    @property
    def name(self) -> str:
        """Identity of the API a job is bound to: "sandbox" or the live base URL."""
        ...

    async def prepare(self, spec: JobSpec, progress: Progress) -> Mapping[str, Any]:
        """Upload local media; return the request body with every media field as a URI."""
        ...

    async def submit(self, endpoint: Endpoint, body: Mapping[str, Any]) -> JobRef:
        """POST /v2/<endpoint> once. Raises ApiFailure; OUTCOME_UNKNOWN when it may have been
        accepted."""
        ...

    async def status(self, ref: JobRef) -> JobStatus: ...

    async def download(self, url: str, dest: Path, progress: Progress) -> Downloaded: ...


#: Called once a job's results are on disk, before it is marked completed (the session adds the
#: take to the library and copies to the user's output path). Must be idempotent: after a crash
#: it runs again for the same job.
Finalizer = Callable[[Job], Awaitable[None]]
