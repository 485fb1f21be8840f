"""The sandbox's durable state: one SQLite database (WAL) in the state dir.

It holds what must survive a restart: jobs (their script, the render spec while a render is still
owed, the outcome), upload slots, the index of stored objects (their bytes are files beside it,
see `blobs.py`), the ledger and the counters behind `/_sandbox/stats`.

Writes never overwrite a total another process may be changing: ledger rows are appended (the
balance and the reservations are replayed from them) and counters are incremented in place. Every
mutation is a short transaction, so two processes on one state dir (the GUI's in-process sandbox
and an `ltxstudio sandbox --state-dir` CLI) never corrupt or undo each other's writes. Each keeps
its own view in memory from the moment it loaded, though: a job, upload or charge made by one is
seen by the other only after that one restarts. Driving one state dir from one process at a time
is the supported use.

`synchronous=NORMAL` under WAL: a committed transaction survives the process being killed (the
crash this exists for); a power cut may lose the last few, never corrupt the file. It keeps the
per-request counter write cheap on the loop that may be the app's UI loop.

The connection is shared by the event loop and the render threads, under one lock.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ltxstudio.core.errors import UserFacingError

SCHEMA_VERSION = 1
FORMAT = "ltxstudio-sandbox-state"
DB_NAME = "sandbox.sqlite3"

_SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    endpoint TEXT NOT NULL,
    created_at REAL NOT NULL,
    processing_at REAL NOT NULL,
    ready_at REAL NOT NULL,
    planned_error TEXT,
    spec TEXT,
    rendered_at REAL,
    render_error TEXT,
    result TEXT,
    settled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    url_expires_at REAL NOT NULL,
    required_headers TEXT NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE objects (
    key TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    amount_usd TEXT NOT NULL,
    balance_usd TEXT NOT NULL,
    job_id TEXT,
    endpoint TEXT
);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

#: user_version → the script that takes the schema to the next version.
MIGRATIONS: dict[int, str] = {0: _SCHEMA_V1}

# A job row has these columns in this order (`jobs.py` builds and reads it).
_INSERT_JOB = (
    "INSERT INTO jobs (id, endpoint, created_at, processing_at, ready_at, planned_error, spec, "
    "rendered_at, render_error, result, settled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SELECT_JOBS = (
    "SELECT id, endpoint, created_at, processing_at, ready_at, planned_error, spec, "
    "rendered_at, render_error, result, settled FROM jobs ORDER BY rowid"
)

Row = tuple[Any, ...]


class SandboxStateError(UserFacingError):
    """The state dir cannot be used: not a sandbox's, corrupt, or from a newer ltxstudio."""


class StateDb:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self._db = sqlite3.connect(
                path, isolation_level=None, timeout=30.0, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise _unusable(path, str(exc)) from None
        try:
            self._db.execute("PRAGMA busy_timeout=30000")
            self._check_integrity()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            self._check_format()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise _unusable(path, str(exc)) from None
        except SandboxStateError:
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---------------------------------------------------------------- schema

    def _check_integrity(self) -> None:
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise _unusable(self.path, "; ".join(problems[:3]))

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise SandboxStateError(
                f"{self.path} was written by a newer ltxstudio (sandbox state schema {version}; "
                f"this one reads up to {SCHEMA_VERSION})",
                hint="upgrade ltxstudio, or pass another --state-dir",
            )
        if version == 0 and self._tables():
            raise _unusable(self.path, "it holds tables but no sandbox schema version")
        while version < SCHEMA_VERSION:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have created the schema while we waited for the lock.
                current = int(self._db.execute("PRAGMA user_version").fetchone()[0])
                if current == version:
                    for statement in _statements(MIGRATIONS[version]):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={version + 1}")
                    if version == 0:
                        self._db.execute(
                            "INSERT INTO meta (key, value) VALUES ('format', ?)", (FORMAT,)
                        )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _check_format(self) -> None:
        if self.meta("format") != FORMAT:
            raise _unusable(self.path, "its meta table does not name the sandbox state format")

    def _tables(self) -> list[str]:
        rows = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [row[0] for row in rows]

    # ---------------------------------------------------------------- transactions

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; nested calls join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._depth = 0
                self._db.execute("ROLLBACK")
                raise
            self._depth = 0
            self._db.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that see one consistent state, even while another process writes."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield
            finally:
                self._db.execute("COMMIT")

    def _write(self, sql: str, params: Row = ()) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def _read(self, sql: str, params: Row = ()) -> list[Row]:
        with self._lock:
            return list(self._db.execute(sql, params))

    # ---------------------------------------------------------------- meta

    def meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def meta_default(self, key: str, value: str) -> str:
        """The stored value, storing `value` first when there is none (first writer wins)."""
        self._write("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
        stored = self.meta(key)
        assert stored is not None
        return stored

    # ---------------------------------------------------------------- jobs

    def insert_job(self, row: Row) -> None:
        self._write(_INSERT_JOB, row)

    def job_rendered(
        self, job_id: str, rendered_at: float, error: str | None, result: str | None
    ) -> None:
        # The spec is dropped with the render done: nothing will render this job again.
        self._write(
            "UPDATE jobs SET rendered_at = ?, render_error = ?, result = ?, spec = NULL "
            "WHERE id = ?",
            (rendered_at, error, result, job_id),
        )

    def job_settled(self, job_id: str) -> None:
        self._write("UPDATE jobs SET settled = 1 WHERE id = ?", (job_id,))

    def delete_job(self, job_id: str) -> None:
        self._write("DELETE FROM jobs WHERE id = ?", (job_id,))

    def load_jobs(self) -> list[Row]:
        return self._read(_SELECT_JOBS)

    def owed_specs(self) -> list[str]:
        """The specs of renders still owed, by every process sharing the state dir."""
        return [row[0] for row in self._read("SELECT spec FROM jobs WHERE spec IS NOT NULL")]

    # ---------------------------------------------------------------- uploads

    def insert_upload(self, upload_id: str, url_expires_at: float, headers: str) -> None:
        self._write(
            "INSERT INTO uploads (id, url_expires_at, required_headers) VALUES (?, ?, ?)",
            (upload_id, url_expires_at, headers),
        )

    def upload_completed(self, upload_id: str) -> None:
        self._write("UPDATE uploads SET completed = 1 WHERE id = ?", (upload_id,))

    def delete_upload(self, upload_id: str) -> None:
        self._write("DELETE FROM uploads WHERE id = ?", (upload_id,))

    def load_uploads(self) -> list[Row]:
        return self._read(
            "SELECT id, url_expires_at, required_headers, completed FROM uploads ORDER BY rowid"
        )

    # ---------------------------------------------------------------- objects

    def put_object(
        self, key: str, content_type: str, size: int, etag: str, expires_at: float
    ) -> None:
        self._write(
            "INSERT INTO objects (key, content_type, size, etag, expires_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
            "content_type = excluded.content_type, size = excluded.size, "
            "etag = excluded.etag, expires_at = excluded.expires_at",
            (key, content_type, size, etag, expires_at),
        )

    def delete_object(self, key: str) -> None:
        self._write("DELETE FROM objects WHERE key = ?", (key,))

    def load_objects(self) -> list[Row]:
        return self._read("SELECT key, content_type, size, etag, expires_at FROM objects")

    # ---------------------------------------------------------------- ledger

    def append_entry(
        self,
        at: float,
        kind: str,
        amount_usd: str,
        balance_usd: str,
        job_id: str | None,
        endpoint: str | None,
    ) -> None:
        self._write(
            "INSERT INTO ledger (at, kind, amount_usd, balance_usd, job_id, endpoint) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (at, kind, amount_usd, balance_usd, job_id, endpoint),
        )

    def load_entries(self) -> list[Row]:
        return self._read(
            "SELECT at, kind, amount_usd, balance_usd, job_id, endpoint FROM ledger ORDER BY seq"
        )

    # ---------------------------------------------------------------- counters

    def bump(self, name: str, amount: int = 1) -> None:
        self._write(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
            (name, amount),
        )

    def raise_to(self, name: str, value: int) -> None:
        self._write(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)",
            (name, value),
        )

    def load_counters(self) -> dict[str, int]:
        return {str(n): int(v) for n, v in self._read("SELECT name, value FROM counters")}


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _unusable(path: Path, why: str) -> SandboxStateError:
    return SandboxStateError(
        f"{path} is not a usable sandbox state database: {why}",
        hint="move it away or pass another --state-dir; the sandbox starts afresh in an empty one",
    )
