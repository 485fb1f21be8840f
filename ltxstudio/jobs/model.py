"""Jobs as data: the states a generation goes through and the one table of legal transitions.

A `Job` is a frozen record; the store replaces it on every change, so a view can never hold a
half-updated job. `JobSpec` is what the user asked for, before any upload: the typed request (its
media still local files), where the result should go, and the `Lineage` the session files the
result by (the engine carries it without looking inside).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.lineage import Lineage
from ltxstudio.core.remote import FailureInfo, JobRef, ResultKey
from ltxstudio.core.request import Request, codec


class JobState(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    AWAITING_APPROVAL = "awaiting_approval"  # would cross the budget; the user decides
    UPLOADING = "uploading"
    SUBMITTING = "submitting"  # the POST may be in flight: from here on, it may be billed
    PENDING = "pending"  # accepted by the API, waiting for a GPU
    PROCESSING = "processing"
    DOWNLOADING = "downloading"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # the API forgot it (24 h retention) before we collected the result
    OUTCOME_UNKNOWN = "outcome_unknown"  # a submit may have been accepted; never auto-resent

    @property
    def terminal(self) -> bool:
        return self in TERMINAL

    @property
    def remote(self) -> bool:
        """Counts against the account's concurrency (the API may be working on it)."""
        return self in REMOTE

    @property
    def label(self) -> str:
        return _LABELS[self]


TERMINAL = frozenset(
    {
        JobState.COMPLETED,
        JobState.FAILED,
        JobState.CANCELLED,
        JobState.EXPIRED,
        JobState.OUTCOME_UNKNOWN,
    }
)
REMOTE = frozenset({JobState.SUBMITTING, JobState.PENDING, JobState.PROCESSING})
#: States a live runner drives; after a crash these are re-attached or resolved.
ACTIVE = frozenset(
    {
        JobState.UPLOADING,
        JobState.SUBMITTING,
        JobState.PENDING,
        JobState.PROCESSING,
        JobState.DOWNLOADING,
    }
)

_S = JobState
#: The one place transitions are decided. Requeueing (→ QUEUED) is legal wherever the API has
#: provably not accepted the job yet: uploads are free and a refused submit was not billed.
TRANSITIONS: Mapping[JobState, frozenset[JobState]] = {
    _S.DRAFT: frozenset({_S.QUEUED, _S.CANCELLED}),
    _S.QUEUED: frozenset({_S.AWAITING_APPROVAL, _S.UPLOADING, _S.CANCELLED, _S.FAILED}),
    _S.AWAITING_APPROVAL: frozenset({_S.QUEUED, _S.CANCELLED}),
    _S.UPLOADING: frozenset({_S.SUBMITTING, _S.QUEUED, _S.FAILED, _S.CANCELLED}),
    _S.SUBMITTING: frozenset(
        {
            _S.PENDING,  # accepted
            _S.QUEUED,  # provably refused (429, 402, 503, connect error): not billed
            _S.FAILED,  # rejected as invalid (400, 422): not billed
            _S.OUTCOME_UNKNOWN,
            _S.CANCELLED,  # only when the request provably never left
        }
    ),
    _S.PENDING: frozenset({_S.PROCESSING, _S.DOWNLOADING, _S.FAILED, _S.EXPIRED, _S.CANCELLED}),
    _S.PROCESSING: frozenset({_S.DOWNLOADING, _S.FAILED, _S.EXPIRED, _S.CANCELLED}),
    _S.DOWNLOADING: frozenset({_S.COMPLETED, _S.FAILED, _S.EXPIRED, _S.CANCELLED}),
    _S.COMPLETED: frozenset(),
    _S.FAILED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.EXPIRED: frozenset(),
    _S.OUTCOME_UNKNOWN: frozenset(),
}

_LABELS = {
    _S.DRAFT: "draft",
    _S.QUEUED: "queued",
    _S.AWAITING_APPROVAL: "needs approval",
    _S.UPLOADING: "uploading",
    _S.SUBMITTING: "submitting",
    _S.PENDING: "pending",
    _S.PROCESSING: "processing",
    _S.DOWNLOADING: "downloading",
    _S.COMPLETED: "done",
    _S.FAILED: "failed",
    _S.CANCELLED: "cancelled",
    _S.EXPIRED: "expired",
    _S.OUTCOME_UNKNOWN: "outcome unknown — check before resubmitting",
}


class IllegalTransition(ValueError):
    def __init__(self, job_id: str, old: JobState, new: JobState) -> None:
        super().__init__(f"job {job_id}: {old.value} → {new.value} is not a legal transition")


def check_transition(job_id: str, old: JobState, new: JobState) -> None:
    if new != old and new not in TRANSITIONS[old]:
        raise IllegalTransition(job_id, old, new)


@dataclass(frozen=True)
class JobSpec:
    """What to generate: the request as the user made it (local files still local)."""

    request: Request
    #: Where the user wants the result (CLI `-o`); None = only the library.
    output_path: str | None = None
    #: How the session files the result: a new clip, or a new take of a clip.
    lineage: Lineage = field(default_factory=Lineage)

    @classmethod
    def journaled(
        cls, request: Mapping[str, Any], output_path: str | None, lineage: Lineage
    ) -> JobSpec:
        """A spec read back from the journal whose request (in `codec`'s encoding) is decoded
        on first use: a history of 10 000 jobs opens without decoding 10 000 requests, and a
        screen decodes only the rows it shows. It is a plain `JobSpec` in every other way."""
        spec = object.__new__(cls)
        spec.__dict__.update(_encoded=request, output_path=output_path, lineage=lineage)
        return spec

    if not TYPE_CHECKING:  # hidden from mypy, so a typo on a spec stays a type error

        def __getattr__(self, name: str) -> Any:
            encoded = self.__dict__.get("_encoded")
            if name != "request" or encoded is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            request = codec.decode(encoded)
            self.__dict__["request"] = request
            del self.__dict__["_encoded"]
            return request

    @property
    def endpoint(self) -> Endpoint:
        encoded = self.__dict__.get("_encoded")
        return Endpoint(encoded["endpoint"]) if encoded is not None else self.request.endpoint

    @property
    def title(self) -> str:
        return self.request.title


@dataclass(frozen=True)
class JobLine:
    """A job as one line of a listing (`ltxstudio jobs list`): read straight from the journal's
    columns, so listing a long history decodes no request."""

    id: str
    state: JobState
    endpoint: Endpoint
    model: str | None
    estimate_usd: Decimal
    title: str
    note: str

    @classmethod
    def of(cls, job: Job) -> JobLine:
        model = getattr(job.spec.request, "model", None)
        return cls(
            job.id,
            job.state,
            job.spec.endpoint,
            str(model) if model else None,
            job.estimate_usd,
            job.spec.title,
            job.note,
        )


@dataclass(frozen=True)
class JobOutput:
    key: ResultKey
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Job:
    id: str
    seq: int  # queue order: lower runs first
    spec: JobSpec
    state: JobState
    created_at: float
    updated_at: float
    estimate_usd: Decimal
    #: Where it was (or will be) sent: "sandbox" or the live base URL. A job never moves.
    backend: str
    approved: bool = False
    remote: JobRef | None = None
    submitted_at: float | None = None
    finished_at: float | None = None
    attempts: int = 0
    next_retry_at: float | None = None
    error: FailureInfo | None = None
    #: A sentence for the user on terminal and waiting states ("expired after 24 h", …).
    note: str = ""
    #: After uploads: the request with its media as URIs (re-used on a requeue).
    prepared: Request | None = None
    #: When `prepared` was made: its storage URIs die 24 h after their upload.
    prepared_at: float | None = None
    result_urls: Mapping[ResultKey, str] = field(default_factory=dict)
    outputs: tuple[JobOutput, ...] = ()
    #: Seconds spent per phase (upload, submit, queue, render, download).
    timings: Mapping[str, float] = field(default_factory=dict)
    #: 0..1 while uploading or downloading; not journaled.
    progress: float | None = None
    #: A retry of this job (an explicit new submission) points back at it.
    retry_of: str | None = None

    @classmethod
    def with_journaled_prepared(cls, job: Job, prepared: object) -> Job:
        """`job` whose `prepared` (in `codec`'s encoding, or `True` for "exactly the spec's
        request") is decoded on first use, like `JobSpec.journaled`'s request."""
        if prepared is not None:
            del job.__dict__["prepared"]
            job.__dict__["_prepared"] = prepared
        return job

    if not TYPE_CHECKING:  # hidden from mypy, so a typo on a job stays a type error

        def __getattr__(self, name: str) -> Any:
            if name != "prepared" or "_prepared" not in self.__dict__:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            encoded = self.__dict__.pop("_prepared")
            prepared = self.spec.request if encoded is True else codec.decode(encoded)
            self.__dict__["prepared"] = prepared
            return prepared

    @property
    def charged(self) -> bool:
        """Whether the API may have billed it (estimate counts toward spend)."""
        if self.submitted_at is None:
            return False
        if self.state is JobState.FAILED and not self.outputs:
            return False  # the API does not bill generations it failed or refused
        return not (self.state is JobState.CANCELLED and self.remote is None)


# `prepared` is looked up through `Job.__getattr__` when a journaled job has not decoded it yet;
# the dataclass left its default (None) on the class, where the lookup would find it first. The
# generated __init__ holds its own copy of the default, so removing the class attribute is safe.
del Job.prepared
