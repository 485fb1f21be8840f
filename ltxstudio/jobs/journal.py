"""The job journal: SQLite (WAL), one row per job, versioned schema.

Crash safety comes from the order of writes, which the runner follows: the intent (state
SUBMITTING, `submitted_at`) is committed *before* a POST is sent and the remote id right after the
answer, so a kill at any instant leaves a row that says exactly what may have happened.

Every commit uses `synchronous=NORMAL`: in WAL mode it survives a killed process, and costs a
write() but no fsync, so the UI thread never waits on the disk. Writes a power cut must not undo
(a new job, the submit intent, the remote id — or a job could be paid twice) are followed by
`sync()`, an fsync of the WAL file that the store runs off the event loop and awaits before the
side effect the write guards. An fsynced WAL holds every commit before it, which is exactly what
`synchronous=FULL` would have guaranteed, without blocking the loop for the duration of the fsync.

Several processes (the GUI and a CLI) may share the journal. A job is driven by one live process
at a time: it holds a lease (`lease_owner`, `lease_until`). A save only succeeds for rows that are
unleased, leased by the saver, expired, or leased by a process that is provably dead (same host,
pid gone), so a stale process can never overwrite another's progress or submit its job again.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.fsutil import fsync_sqlite
from ltxstudio.core.remote import FailureInfo, FailureKind, JobRef
from ltxstudio.jobs.model import Job, JobOutput, JobSpec, JobState

SCHEMA_VERSION = 2
_E4 = Decimal(10_000)

log = logging.getLogger("ltxstudio.jobs")

_SCHEMA_V1 = """
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    estimate_e4 INTEGER NOT NULL,
    backend TEXT NOT NULL,
    approved INTEGER NOT NULL DEFAULT 0,
    remote_endpoint TEXT,
    remote_id TEXT,
    remote_created_at TEXT,
    remote_request_id TEXT,
    submitted_at REAL,
    finished_at REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_retry_at REAL,
    error TEXT,
    note TEXT NOT NULL DEFAULT '',
    prepared TEXT,
    result_urls TEXT NOT NULL DEFAULT '{}',
    outputs TEXT NOT NULL DEFAULT '[]',
    timings TEXT NOT NULL DEFAULT '{}',
    retry_of TEXT,
    lease_owner TEXT,
    lease_until REAL
);
CREATE INDEX jobs_by_state ON jobs(state);
CREATE INDEX jobs_by_submitted ON jobs(submitted_at);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: Fields the 2026-09 contract dropped, per endpoint: sending them now is a 400 (A2V's
#: `guidance_scale`), ignored (reframe's `model`) or undocumented (HDR's `output_colorspace`),
#: so a stored request loses them on load.
_DROPPED_FIELDS: dict[str, tuple[str, ...]] = {
    "audio-to-video": ("guidance_scale",),
    "video-to-video-reframe": ("model",),
    "video-to-video-hdr": ("output_colorspace",),
}


def _to_v2_only(db: sqlite3.Connection) -> None:
    """Schema 1 → 2: the v1 generation routes were retired on 2026-10-26, so a job journaled
    for v1 is moved to v2 (a queued one is submitted there; one whose v1 answer was already on
    disk just finishes), and fields the contract dropped leave stored requests. Also records
    when a body was prepared (uploads live 24 h); older rows have no such time."""
    db.execute("ALTER TABLE jobs ADD COLUMN prepared_at REAL")
    moved = cleaned = 0
    rows = db.execute("SELECT id, state, spec, prepared FROM jobs").fetchall()
    for job_id, state, spec_text, prepared_text in rows:
        spec = json.loads(spec_text)
        prepared = json.loads(prepared_text) if prepared_text else None
        changed = "surface" in spec
        if spec.pop("surface", "v2") == "v1":
            moved += 1
            changed = True
            log.info("journal: job %s (%s) was for the retired v1 route; now v2", job_id, state)
        for name in _DROPPED_FIELDS.get(spec.get("endpoint", ""), ()):
            for body in (spec.get("params", {}), prepared or {}):
                if name in body:
                    del body[name]
                    changed = True
                    cleaned += 1
        if changed:
            db.execute(
                "UPDATE jobs SET spec = ?, prepared = ? WHERE id = ?",
                (json.dumps(spec), json.dumps(prepared) if prepared is not None else None, job_id),
            )
    if moved or cleaned:
        log.warning(
            "journal migrated to v2 only: %d job(s) moved off the retired v1 routes, %d field(s) "
            "the 2026-09 contract dropped removed",
            moved,
            cleaned,
        )


#: user_version → what takes the schema to the next version (an SQL script, or a function for
#: what SQL cannot say).
MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {
    0: _SCHEMA_V1,
    1: _to_v2_only,
}

_COLUMNS = [
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
_PLAIN_COLUMNS = [c for c in _COLUMNS if c not in _JSON_COLUMNS]
_JSON_ARRAY = (
    "'[' || spec || ',' || COALESCE(prepared, 'null') || ',' || result_urls || ',' || outputs"
    " || ',' || timings || ',' || COALESCE(error, 'null') || ']'"
)
_SELECT = f"SELECT {', '.join(_PLAIN_COLUMNS)}, {_JSON_ARRAY} FROM jobs"


class LeaseConflict(RuntimeError):
    """Another live process is driving this job."""


def new_owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"


def owner_is_dead(owner: str) -> bool:
    """True only when the owner is provably gone: a process on this host that no longer runs."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Journal:
    def __init__(self, path: Path, owner: str | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.owner = owner or new_owner_id()
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._migrate()

    def close(self) -> None:
        self._db.close()

    # ---------------------------------------------------------------- schema

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path} is from a newer ltxstudio (schema {version} > {SCHEMA_VERSION})"
            )
        while version < SCHEMA_VERSION:
            with self._transaction():
                step = MIGRATIONS[version]
                if callable(step):
                    step(self._db)
                else:
                    for statement in _statements(step):
                        self._db.execute(statement)
                version += 1
                self._db.execute(f"PRAGMA user_version={version}")

    def _transaction(self) -> _Tx:
        return _Tx(self._db)

    # ---------------------------------------------------------------- jobs

    def load_all(self) -> list[Job]:
        rows = self._db.execute(f"{_SELECT} ORDER BY seq")
        return [row_to_job(row) for row in rows]

    def load(self, job_id: str) -> Job | None:
        row = self._db.execute(f"{_SELECT} WHERE id = ?", (job_id,)).fetchone()
        return row_to_job(row) if row else None

    def load_updated_since(self, since: float) -> list[Job]:
        rows = self._db.execute(f"{_SELECT} WHERE updated_at > ? ORDER BY seq", (since,))
        return [row_to_job(row) for row in rows]

    def ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT id FROM jobs")}

    def max_seq(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM jobs").fetchone()[0])

    def insert(self, jobs: Iterable[Job]) -> None:
        placeholders = ", ".join("?" for _ in _COLUMNS)
        with self._transaction():
            self._db.executemany(
                f"INSERT INTO jobs ({', '.join(_COLUMNS)}) VALUES ({placeholders})",
                [job_to_row(j) for j in jobs],
            )

    def save(self, job: Job, now: float) -> None:
        """Write the whole row; refused (LeaseConflict) if another live process holds it."""
        assignments = ", ".join(f"{c} = ?" for c in _COLUMNS[1:])
        cursor = self._db.execute(
            f"UPDATE jobs SET {assignments} WHERE id = ? AND {_FREE_FOR_ME}",
            (*job_to_row(job)[1:], job.id, self.owner, now),
        )
        if cursor.rowcount != 1 and not self._freed_dead_owner(job.id):
            raise LeaseConflict(f"job {job.id} is being driven by another ltxstudio process")
        if cursor.rowcount != 1:
            self._db.execute(
                f"UPDATE jobs SET {assignments} WHERE id = ?", (*job_to_row(job)[1:], job.id)
            )

    def sync(self) -> None:
        """Make every commit so far survive a power cut (thread-safe; see `fsync_sqlite`)."""
        fsync_sqlite(self.path)

    def _freed_dead_owner(self, job_id: str) -> bool:
        """If a process that died holds this job's lease, drop the lease; True if it did.
        (Kept out of the hot statements: it calls back into Python for a pid check.)"""
        row = self._db.execute("SELECT lease_owner FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None or row[0] is None or not owner_is_dead(row[0]):
            return False
        self._db.execute(
            "UPDATE jobs SET lease_owner = NULL, lease_until = NULL "
            "WHERE id = ? AND lease_owner = ?",
            (job_id, row[0]),
        )
        return True

    def save_many(self, jobs: Iterable[Job], now: float) -> None:
        with self._transaction():
            for job in jobs:
                self.save(job, now)

    def delete(self, job_id: str, now: float) -> None:
        self._freed_dead_owner(job_id)
        cursor = self._db.execute(
            f"DELETE FROM jobs WHERE id = ? AND {_FREE_FOR_ME}", (job_id, self.owner, now)
        )
        if cursor.rowcount != 1:
            raise LeaseConflict(f"job {job_id} is being driven by another ltxstudio process")

    def rename_backend(self, old: str, new: str) -> int:
        """Bind the jobs of backend `old` to `new` (another name of the same service)."""
        if old == new:
            return 0
        cursor = self._db.execute("UPDATE jobs SET backend = ? WHERE backend = ?", (new, old))
        if cursor.rowcount:
            log.info("journal: %d job(s) of %s now go through %s", cursor.rowcount, old, new)
        return cursor.rowcount

    # ---------------------------------------------------------------- leases

    def claim(self, job_id: str, now: float, ttl: float) -> bool:
        statement = (
            f"UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE id = ? AND {_FREE_FOR_ME}"
        )
        cursor = self._db.execute(statement, (self.owner, now + ttl, job_id, self.owner, now))
        if cursor.rowcount != 1 and self._freed_dead_owner(job_id):
            cursor = self._db.execute(statement, (self.owner, now + ttl, job_id, self.owner, now))
        return cursor.rowcount == 1

    def renew(self, now: float, ttl: float) -> None:
        self._db.execute(
            "UPDATE jobs SET lease_until = ? WHERE lease_owner = ?", (now + ttl, self.owner)
        )

    def release(self, job_id: str | None = None) -> None:
        if job_id is None:
            self._db.execute(
                "UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?",
                (self.owner,),
            )
        else:
            self._db.execute(
                "UPDATE jobs SET lease_owner = NULL, lease_until = NULL "
                "WHERE id = ? AND lease_owner = ?",
                (job_id, self.owner),
            )

    def leased_elsewhere(self, now: float) -> set[str]:
        rows = self._db.execute(
            "SELECT id, lease_owner FROM jobs "
            f"WHERE lease_owner IS NOT NULL AND NOT ({_FREE_FOR_ME})",
            (self.owner, now),
        )
        return {job_id for job_id, owner in rows if not owner_is_dead(owner)}

    # ---------------------------------------------------------------- meta

    def get_meta(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        if value is None:
            self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def data_version(self) -> int:
        """Changes when another connection commits (cheap multi-process change detection)."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])


_FREE_FOR_ME = "(lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)"


class _Tx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


# -------------------------------------------------------------------- row codec


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
        json.dumps(job.prepared) if job.prepared is not None else None,
        json.dumps(dict(job.result_urls)),
        json.dumps([asdict(o) for o in job.outputs]),
        json.dumps(dict(job.timings)),
        job.retry_of,
        job.prepared_at,
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
    spec, prepared, result_urls, outputs, timings, error = json.loads(encoded)
    remote = (
        JobRef(Endpoint(remote_endpoint), remote_id, remote_created_at, remote_request_id)
        if remote_id
        else None
    )
    failure = None
    if error is not None:
        failure = FailureInfo(FailureKind(error.pop("kind")), **error)
    return Job(
        id=job_id,
        seq=seq,
        spec=spec_from_json(spec),
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
        prepared=prepared,
        prepared_at=prepared_at,
        result_urls=result_urls,
        outputs=tuple(JobOutput(**o) for o in outputs),
        timings=timings,
        retry_of=retry_of,
    )


def spec_to_json(spec: JobSpec) -> dict[str, Any]:
    return {
        "endpoint": spec.endpoint.value,
        "params": dict(spec.params),
        "media": dict(spec.media),
        "output_path": spec.output_path,
        "lineage": dict(spec.lineage),
    }


def spec_from_json(data: dict[str, Any]) -> JobSpec:
    return JobSpec(
        endpoint=Endpoint(data["endpoint"]),
        params=data.get("params", {}),
        media=data.get("media", {}),
        output_path=data.get("output_path"),
        lineage=data.get("lineage", {}),
    )
