"""A job as a journal row and back: the plain columns, and the JSON ones (the spec with its
typed request, the prepared request, results, outputs, timings, the failure)."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal
from typing import Any, Final

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.lineage import lineage_from_json, lineage_to_json
from ltxstudio.core.remote import FailureInfo, FailureKind, JobRef, ResultKey
from ltxstudio.core.request import codec
from ltxstudio.core.request.base import title_of
from ltxstudio.jobs.model import Job, JobLine, JobOutput, JobSpec, JobState

_E4: Final = Decimal(10_000)

#: The journal's columns, in the order `job_to_row` gives them.
COLUMNS = [
    "id",
    "seq",
    "state",
    "spec",
    "created_at",
    "updated_at",
    "estimate_e4",
    "backend",
    "approved",
    "remote_endpoint",
    "remote_id",
    "remote_created_at",
    "remote_request_id",
    "submitted_at",
    "finished_at",
    "attempts",
    "next_retry_at",
    "error",
    "note",
    "prepared",
    "result_urls",
    "outputs",
    "timings",
    "retry_of",
    "prepared_at",
]

#: Reading: the plain columns as they are, and the JSON ones joined into one JSON array per row,
#: decoded with one call instead of six (opening a long-used journal is mostly JSON decoding).
_JSON_COLUMNS = ("spec", "prepared", "result_urls", "outputs", "timings", "error")
_PLAIN_COLUMNS = [c for c in COLUMNS if c not in _JSON_COLUMNS]
_JSON_ARRAY = (
    "'[' || spec || ',' || COALESCE(prepared, 'null') || ',' || result_urls || ',' || outputs"
    " || ',' || timings || ',' || COALESCE(error, 'null') || ']'"
)
SELECT = f"SELECT {', '.join(_PLAIN_COLUMNS)}, {_JSON_ARRAY} FROM jobs"


def job_to_row(job: Job) -> tuple[Any, ...]:
    remote = job.remote
    return (
        job.id,
        job.seq,
        job.state.value,
        json.dumps(spec_to_json(job.spec)),
        job.created_at,
        job.updated_at,
        int(job.estimate_usd * _E4),
        job.backend,
        int(job.approved),
        remote.endpoint.value if remote else None,
        remote.id if remote else None,
        remote.created_at if remote else None,
        remote.request_id if remote else None,
        job.submitted_at,
        job.finished_at,
        job.attempts,
        job.next_retry_at,
        json.dumps(asdict(job.error)) if job.error else None,
        job.note,
        _prepared_to_json(job),
        json.dumps({str(k): v for k, v in job.result_urls.items()}),
        json.dumps([{**asdict(o), "key": o.key.value} for o in job.outputs]),
        json.dumps(dict(job.timings)),
        job.retry_of,
        job.prepared_at,
    )


#: The `prepared` column of a job sent exactly as it was asked for (no media to upload, the usual
#: case): the journal keeps the request once, and a 10 000-job history decodes it once.
_AS_REQUESTED = "true"


def _prepared_to_json(job: Job) -> str | None:
    if job.prepared is None:
        return None
    if job.prepared == job.spec.request:
        return _AS_REQUESTED
    return json.dumps(codec.encode(job.prepared))


#: What `row_to_line` reads: the columns of a listing line, the request's parts by JSON path.
LINE_SELECT: Final = (
    "SELECT id, state, json_extract(spec, '$.request.endpoint'), "
    "json_extract(spec, '$.request.fields.model'), estimate_e4, "
    "json_extract(spec, '$.request.fields.prompt'), note FROM jobs"
)


def row_to_line(row: tuple[Any, ...]) -> JobLine:
    job_id, state, endpoint, model, estimate_e4, prompt, note = row
    kind = Endpoint(endpoint)
    return JobLine(
        job_id,
        JobState(state),
        kind,
        model,
        Decimal(estimate_e4) / _E4,
        title_of(prompt, kind),
        note,
    )


def row_to_job(row: tuple[Any, ...]) -> Job:
    """A job from a row of `_SELECT` (the plain columns, then the JSON ones as one array)."""
    (
        job_id,
        seq,
        state,
        created_at,
        updated_at,
        estimate_e4,
        backend,
        approved,
        remote_endpoint,
        remote_id,
        remote_created_at,
        remote_request_id,
        submitted_at,
        finished_at,
        attempts,
        next_retry_at,
        note,
        retry_of,
        prepared_at,
        encoded,
    ) = row
    spec_json, prepared, result_urls, outputs, timings, error = json.loads(encoded)
    spec = spec_from_json(spec_json)
    remote = (
        JobRef(Endpoint(remote_endpoint), remote_id, remote_created_at, remote_request_id)
        if remote_id
        else None
    )
    failure = None
    if error is not None:
        failure = FailureInfo(FailureKind(error.pop("kind")), **error)
    job = Job(
        id=job_id,
        seq=seq,
        spec=spec,
        state=JobState(state),
        created_at=created_at,
        updated_at=updated_at,
        estimate_usd=Decimal(estimate_e4) / _E4,
        backend=backend,
        approved=bool(approved),
        remote=remote,
        submitted_at=submitted_at,
        finished_at=finished_at,
        attempts=attempts,
        next_retry_at=next_retry_at,
        error=failure,
        note=note,
        prepared=None,
        prepared_at=prepared_at,
        result_urls={ResultKey(k): v for k, v in result_urls.items()},
        outputs=tuple(
            JobOutput(ResultKey(o["key"]), o["path"], o["size"], o["sha256"]) for o in outputs
        ),
        timings=timings,
        retry_of=retry_of,
    )
    return Job.with_journaled_prepared(job, prepared)  # JSON `true`: as requested


def spec_to_json(spec: JobSpec) -> dict[str, Any]:
    return {
        "request": codec.encode(spec.request),
        "output_path": spec.output_path,
        "lineage": lineage_to_json(spec.lineage),
    }


def spec_from_json(data: dict[str, Any]) -> JobSpec:
    return JobSpec.journaled(
        data["request"], data.get("output_path"), lineage_from_json(data.get("lineage"))
    )
