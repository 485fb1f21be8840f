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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ltxstudio.core.fsutil import fsync_sqlite
from ltxstudio.jobs.journal_codec import (
    COLUMNS,
    LINE_SELECT,
    SELECT,
    job_to_row,
    row_to_job,
    row_to_line,
)
from ltxstudio.jobs.journal_migrations import MIGRATIONS, SCHEMA_VERSION, statements
from ltxstudio.jobs.model import Job, JobLine, JobState

log = logging.getLogger("ltxstudio.jobs")


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
                    for statement in statements(step):
                        self._db.execute(statement)
                version += 1
                self._db.execute(f"PRAGMA user_version={version}")

    def _transaction(self) -> _Tx:
        return _Tx(self._db)

    # ---------------------------------------------------------------- jobs

    def load_all(self) -> list[Job]:
        rows = self._db.execute(f"{SELECT} ORDER BY seq")
        return [row_to_job(row) for row in rows]

    def lines(self, states: Iterable[JobState] = ()) -> list[JobLine]:
        """Every job (or those in `states`) as a listing line, in queue order."""
        wanted = [s.value for s in states]
        where = f"WHERE state IN ({', '.join('?' for _ in wanted)})" if wanted else ""
        rows = self._db.execute(f"{LINE_SELECT} {where} ORDER BY seq", wanted)
        return [row_to_line(row) for row in rows]

    def load(self, job_id: str) -> Job | None:
        row = self._db.execute(f"{SELECT} WHERE id = ?", (job_id,)).fetchone()
        return row_to_job(row) if row else None

    def load_updated_since(self, since: float) -> list[Job]:
        rows = self._db.execute(f"{SELECT} WHERE updated_at > ? ORDER BY seq", (since,))
        return [row_to_job(row) for row in rows]

    def ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT id FROM jobs")}

    def max_seq(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM jobs").fetchone()[0])

    def insert(self, jobs: Iterable[Job]) -> None:
        placeholders = ", ".join("?" for _ in COLUMNS)
        with self._transaction():
            self._db.executemany(
                f"INSERT INTO jobs ({', '.join(COLUMNS)}) VALUES ({placeholders})",
                [job_to_row(j) for j in jobs],
            )

    def save(self, job: Job, now: float) -> None:
        """Write the whole row; refused (LeaseConflict) if another live process holds it."""
        assignments = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
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
