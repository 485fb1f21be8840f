"""A scripted `GenerationBackend` for engine unit tests of the state machine's edge cases.

Not an HTTP fake (the sandbox is the only one): it sits at the engine's port, so tests can say
"the third submit is refused for concurrency" or "this poll times out" precisely. Remote jobs
advance with the injected clock: pending for 2 s, processing until 10 s, then completed.

Every submit is written down as a `SubmitCall` (what was sent, whether the API created a job,
whether the client heard the id). With `hold_submits` each POST stays open until the test answers
it (`answer`), so a test can act while a job is SUBMITTING, and decide what the API did with it —
including "created the job, but the answer never arrived" (a read timeout, or the client dying).
The backend plays the remote API, so it outlives a simulated crash of the client's process.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
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
    ResultKey,
)
from ltxstudio.core.request import RemoteUri, Request


def failure(kind: FailureKind, message: str = "scripted", **kw: Any) -> ApiFailure:
    exc = ApiFailure(message, **kw)
    exc.kind = kind
    return exc


#: Answers to a submit that do not say whether the API took it.
_MAYBE_TAKEN = frozenset({FailureKind.OUTCOME_UNKNOWN, FailureKind.TIMEOUT, FailureKind.PROTOCOL})


@dataclass(eq=False)
class SubmitCall:
    """One POST as the fake API saw it."""

    endpoint: Endpoint
    body: Mapping[str, Any]
    sent_at: float  # on the injected clock
    #: While `hold_submits` keeps it open: resolved by `FakeBackend.answer`.
    answer: asyncio.Future[JobRef] | None = None
    #: The API created a job for it (and bills it), whatever the client heard.
    remote_id: str | None = None
    #: The answer said the API did not take it (402, 429, 5xx, 400, connect error): the only
    #: submits the engine may send again. A timeout or a lost answer is never a refusal.
    refused: bool = False
    #: The client got the answer with the remote id.
    delivered: bool = False

    @property
    def open(self) -> bool:
        return self.answer is not None and not self.answer.done()


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
        self.hold_submits = False  # each submit waits for `answer` (see the module docstring)
        self.calls: list[SubmitCall] = []
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

    async def prepare(self, request: Request, progress: Progress) -> Request:
        self._scripted("prepare")
        progress(50, 100)
        progress(100, 100)
        return request.with_media(
            {
                k: RemoteUri(f"ltx://uploads/{Path(v.path).name}")
                for k, v in request.local_files().items()
            }
        )

    async def submit(self, request: Request) -> JobRef:
        self.attempted_submits += 1
        call = SubmitCall(request.endpoint, request.to_body(), self.clock.time())
        self.calls.append(call)
        if self.hold_submits:
            call.answer = asyncio.get_running_loop().create_future()
            ref = await call.answer
        else:
            if self.gate is not None:
                await self.gate.wait()
            try:
                self._scripted("submit")
            except ApiFailure as f:
                call.refused = f.kind not in _MAYBE_TAKEN
                raise
            ref = self.create(call)
        call.delivered = True
        return ref

    def held(self) -> list[SubmitCall]:
        """The submits waiting for an answer, oldest first."""
        return [c for c in self.calls if c.open]

    def answer(
        self, call: SubmitCall, error: ApiFailure | None = None, *, created: bool = False
    ) -> None:
        """Answer a held submit: with a new job's id (no `error`), or with `error`, having
        created the job first if `created` (it was taken, but the answer was lost on the way)."""
        assert call.answer is not None, "that submit was not held"
        assert call.open, "that submit was answered already"
        if error is None:
            call.answer.set_result(self.create(call))
            return
        if created:
            self.create(call)
        call.refused = not created and error.kind not in _MAYBE_TAKEN
        call.answer.set_exception(error)

    def create(self, call: SubmitCall) -> JobRef:
        """The API takes the submit: a remote job exists from now on (and is billed)."""
        rid = f"r{next(self._ids)}"
        self.remote[rid] = self.clock.time()
        self.accepted.append(rid)
        self.max_remote_active = max(self.max_remote_active, self._active())
        call.remote_id = rid
        return JobRef(call.endpoint, rid, "2026-11-23T00:00:00Z", f"req-{rid}")

    async def status(self, ref: JobRef) -> JobStatus:
        self._scripted("status")
        if ref.id not in self.remote:
            raise failure(FailureKind.NOT_FOUND, "no such job", status=404)
        age = self.clock.time() - self.remote[ref.id]
        if age < 2:
            return Pending()
        if age < self.render_seconds:
            return Processing()
        return Completed({ResultKey.VIDEO: f"https://storage.example/{ref.id}.mp4"})

    async def download(self, url: str, dest: Path, progress: Progress) -> Downloaded:
        self._scripted("download")
        self.downloads.append(url)
        return self._write(dest, url.encode())

    def _write(self, dest: Path, data: bytes) -> Downloaded:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        return Downloaded(dest, len(data), hashlib.sha256(data).hexdigest())
