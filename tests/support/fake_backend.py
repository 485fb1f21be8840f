"""A scripted `GenerationBackend` for engine unit tests of the state machine's edge cases.

Not an HTTP fake (the sandbox is the only one): it sits at the engine's port, so tests can say
"the third submit is refused for concurrency" or "this poll times out" precisely. Remote jobs
advance with the injected clock: pending for 2 s, processing until 10 s, then completed.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.remote import (
    ApiFailure,
    Completed,
    Downloaded,
    FailureKind,
    JobRef,
    JobStatus,
    Pending,
    Processing,
    Progress,
)
from ltxstudio.jobs.model import JobSpec


def failure(kind: FailureKind, message: str = "scripted", **kw: Any) -> ApiFailure:
    exc = ApiFailure(message, **kw)
    exc.kind = kind
    return exc


class FakeBackend:
    def __init__(self, clock: ManualClock, name: str = "fake") -> None:
        self.clock = clock
        self._name = name
        self.script: dict[str, list[ApiFailure | None]] = {}
        self.remote: dict[str, float] = {}  # remote id → accepted at
        self.accepted: list[str] = []
        self.attempted_submits = 0
        self.max_remote_active = 0
        self.downloads: list[str] = []
        self.render_seconds = 10.0
        self.gate: asyncio.Event | None = None  # when set, submits wait for it (to hold them open)
        self._ids = itertools.count(1)

    @property
    def name(self) -> str:
        return self._name

    def fail(self, op: str, *failures: ApiFailure | None) -> None:
        """The next calls of `op` fail like this, in order (None = succeed)."""
        self.script.setdefault(op, []).extend(failures)

    def _scripted(self, op: str) -> None:
        queue = self.script.get(op)
        if queue:
            f = queue.pop(0)
            if f is not None:
                raise f

    def _active(self) -> int:
        now = self.clock.time()
        return sum(1 for t in self.remote.values() if now - t < self.render_seconds)

    async def prepare(self, spec: JobSpec, progress: Progress) -> Mapping[str, Any]:
        self._scripted("prepare")
        progress(50, 100)
        progress(100, 100)
        return {
            **spec.params,
            **{k: f"ltx://uploads/{Path(v).name}" for k, v in spec.media.items()},
        }

    async def submit(self, endpoint: Endpoint, body: Mapping[str, Any]) -> JobRef:
        self.attempted_submits += 1
        if self.gate is not None:
            await self.gate.wait()
        self._scripted("submit")
        rid = f"r{next(self._ids)}"
        self.remote[rid] = self.clock.time()
        self.accepted.append(rid)
        self.max_remote_active = max(self.max_remote_active, self._active())
        return JobRef(endpoint, rid, "2026-11-23T00:00:00Z", f"req-{rid}")

    async def status(self, ref: JobRef) -> JobStatus:
        self._scripted("status")
        if ref.id not in self.remote:
            raise failure(FailureKind.NOT_FOUND, "no such job", status=404)
        age = self.clock.time() - self.remote[ref.id]
        if age < 2:
            return Pending()
        if age < self.render_seconds:
            return Processing()
        return Completed({"video_url": f"https://storage.example/{ref.id}.mp4"})

    async def download(self, url: str, dest: Path, progress: Progress) -> Downloaded:
        self._scripted("download")
        self.downloads.append(url)
        return self._write(dest, url.encode())

    def _write(self, dest: Path, data: bytes) -> Downloaded:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        return Downloaded(dest, len(data), hashlib.sha256(data).hexdigest())
