"""The library: clips, takes and their files, in `library.db` (SQLite, WAL) plus a folder.

Files are written by copying to a temporary name in the same folder and renaming (hard-linking
when the source is on the same filesystem), so a take's file is whole or absent. Deleting moves
the file to `.trash/` first; nothing the user made is removed outright. Adding a take is
idempotent per job id, so the job engine's finalizer may safely run twice after a crash.

One mutation funnel: every change goes through a method here and emits one event.

Commits use `synchronous=NORMAL` (WAL): they survive a killed process and cost the UI thread no
fsync. Whoever adds a take awaits `sync()` in a worker thread before calling it done (the session
does), which fsyncs the new files' folders and the WAL: after that, a power cut loses nothing.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from ltxstudio.core.clock import Clock
from ltxstudio.core.events import Signal
from ltxstudio.core.fsutil import atomic_writer, fsync_dir, fsync_sqlite
from ltxstudio.library.model import (
    Clip,
    LibraryError,
    Provenance,
    Take,
    TakeKind,
    provenance_document,
    provenance_from_json,
    provenance_to_json,
)

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE clips (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at REAL NOT NULL,
                    active_take_id TEXT);
CREATE TABLE takes (id TEXT PRIMARY KEY, clip_id TEXT NOT NULL REFERENCES clips(id),
                    kind TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,
                    size INTEGER NOT NULL, created_at REAL NOT NULL, provenance TEXT NOT NULL,
                    extras TEXT NOT NULL DEFAULT '[]', deleted INTEGER NOT NULL DEFAULT 0,
                    job_id TEXT UNIQUE);
CREATE INDEX takes_by_clip ON takes(clip_id)
"""


class Library:
    def __init__(self, db_path: Path, root: Path, clock: Clock) -> None:
        self.root = root
        self.clock = clock
        root.mkdir(parents=True, exist_ok=True)
        _sweep_staging(root / ".staging")
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(db_path, isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db_path = db_path
        self._unsynced: set[Path] = set()  # folders with renames not yet fsynced
        self._unsynced_lock = threading.Lock()
        self._db.execute("PRAGMA foreign_keys=ON")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{db_path} is from a newer ltxstudio (schema {version})")
        if version == 0:
            self._db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA.split(";"):
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        self.clip_added: Signal[[Clip]] = Signal("library.clip_added")
        self.take_added: Signal[[Take]] = Signal("library.take_added")
        #: (clip, previous active take id, new active take id)
        self.take_activated: Signal[[Clip, str | None, str | None]] = Signal(
            "library.take_activated"
        )
        self.take_deleted: Signal[[Take]] = Signal("library.take_deleted")
        #: Brackets around a user action made of several changes (undo groups them as one).
        self.action_started: Signal[[str]] = Signal("library.action_started")
        self.action_finished: Signal[[]] = Signal("library.action_finished")
        self.take_restored: Signal[[Take]] = Signal("library.take_restored")

    def close(self) -> None:
        self._db.close()

    def sync(self) -> None:
        """Make every change so far survive a power cut: fsync the folders new files were
        renamed into, then the WAL. Thread-safe (it touches no connection): run it off the
        event loop and await it before calling a take done."""
        with self._unsynced_lock:
            folders, self._unsynced = self._unsynced, set()
        for folder in folders:
            fsync_dir(folder)
        fsync_sqlite(self._db_path)

    def stage(self, source: Path) -> Path:
        """Copy `source` into the library's folder under a temporary name, so that adding it
        as a take is a hard link, not a copy on the caller's (the UI) thread: a video imported
        from another disk may be gigabytes. Thread-safe (no database); the caller removes it."""
        target = self.root / ".staging" / f"{uuid.uuid4().hex}{source.suffix}"
        _place(source, target)
        return target

    def _place(self, source: Path, target: Path) -> None:
        _place(source, target)
        with self._unsynced_lock:
            self._unsynced.add(target.parent)

    # ------------------------------------------------------------------ reading

    def clips(self) -> list[Clip]:
        rows = self._db.execute(
            "SELECT id, title, created_at, active_take_id FROM clips ORDER BY created_at DESC"
        )
        return [Clip(*row) for row in rows]

    def clip(self, clip_id: str) -> Clip:
        row = self._db.execute(
            "SELECT id, title, created_at, active_take_id FROM clips WHERE id = ?", (clip_id,)
        ).fetchone()
        if row is None:
            raise LibraryError(f"no clip {clip_id}")
        return Clip(*row)

    def take_counts(self) -> dict[str, int]:
        """Live takes per clip, in one query (a library list needs all of them at once)."""
        rows = self._db.execute(
            "SELECT clip_id, COUNT(*) FROM takes WHERE deleted = 0 GROUP BY clip_id"
        )
        return dict(rows.fetchall())

    def takes(self, clip_id: str, *, include_deleted: bool = False) -> list[Take]:
        rows = self._db.execute(
            f"SELECT {_TAKE_COLUMNS} FROM takes WHERE clip_id = ? "
            + ("" if include_deleted else "AND deleted = 0 ")
            + "ORDER BY created_at",
            (clip_id,),
        )
        return [_take(row) for row in rows]

    def take(self, take_id: str) -> Take:
        row = self._db.execute(
            f"SELECT {_TAKE_COLUMNS} FROM takes WHERE id = ?", (take_id,)
        ).fetchone()
        if row is None:
            raise LibraryError(f"no take {take_id}")
        return _take(row)

    def take_for_job(self, job_id: str) -> Take | None:
        row = self._db.execute(
            f"SELECT {_TAKE_COLUMNS} FROM takes WHERE job_id = ?", (job_id,)
        ).fetchone()
        return _take(row) if row else None

    def active_take(self, clip_id: str) -> Take | None:
        active = self.clip(clip_id).active_take_id
        return self.take(active) if active else None

    def path_of(self, take: Take) -> Path:
        return self.root / take.path

    # ------------------------------------------------------------------ mutations

    def add_clip(self, title: str, clip_id: str | None = None) -> Clip:
        """A new clip; with `clip_id` given and already present, that clip (idempotent)."""
        if clip_id is not None:
            row = self._db.execute("SELECT 1 FROM clips WHERE id = ?", (clip_id,)).fetchone()
            if row:
                return self.clip(clip_id)
        clip = Clip(
            clip_id or uuid.uuid4().hex, title.strip() or "untitled", self.clock.time(), None
        )
        self._db.execute(
            "INSERT INTO clips (id, title, created_at, active_take_id) VALUES (?, ?, ?, ?)",
            (clip.id, clip.title, clip.created_at, None),
        )
        self.clip_added.emit(clip)
        return clip

    def takes_with_sha(self, sha256: str) -> list[Take]:
        rows = self._db.execute(
            f"SELECT {_TAKE_COLUMNS} FROM takes WHERE sha256 = ? AND deleted = 0 "
            "ORDER BY created_at",
            (sha256,),
        )
        return [_take(row) for row in rows]

    def attach_extra(self, take_id: str, source: Path, name: str | None = None) -> Take:
        """Keep another file with a take (e.g. the HDR frames of it); idempotent by name."""
        take = self.take(take_id)
        target = self.root / "clips" / take.clip_id / f"{take.id}-{name or source.name}"
        rel = str(target.relative_to(self.root))
        self._place(source, target)
        if rel not in take.extras:
            extras = json.dumps([*take.extras, rel])
            self._db.execute("UPDATE takes SET extras = ? WHERE id = ?", (extras, take.id))
        return self.take(take_id)

    def add_take(
        self,
        clip_id: str,
        source: Path,
        *,
        kind: TakeKind,
        provenance: Provenance,
        sha256: str,
        extras: tuple[Path, ...] = (),
        activate: bool = True,
    ) -> Take:
        """File `source` as a new take of the clip (copied in; the source is left alone)."""
        if provenance.job_id and (existing := self.take_for_job(provenance.job_id)):
            return existing
        clip = self.clip(clip_id)
        take_id = uuid.uuid4().hex
        folder = self.root / "clips" / clip.id
        rel = (folder / f"{take_id}{source.suffix or '.mp4'}").relative_to(self.root)
        self._place(source, self.root / rel)
        extra_rel = []
        for extra in extras:
            target = folder / f"{take_id}-{extra.name}"
            self._place(extra, target)
            extra_rel.append(str(target.relative_to(self.root)))
        take = Take(
            id=take_id,
            clip_id=clip.id,
            kind=kind,
            path=str(rel),
            sha256=sha256,
            size=(self.root / rel).stat().st_size,
            created_at=self.clock.time(),
            provenance=provenance,
            extras=tuple(extra_rel),
        )
        self._db.execute(
            f"INSERT INTO takes ({_TAKE_COLUMNS}, job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*_row(take), provenance.job_id),
        )
        self.take_added.emit(take)
        if activate or clip.active_take_id is None:
            self.set_active_take(clip.id, take.id)
        return take

    def set_active_take(self, clip_id: str, take_id: str | None) -> None:
        clip = self.clip(clip_id)
        if take_id is not None and self.take(take_id).clip_id != clip_id:
            raise LibraryError(f"take {take_id} does not belong to clip {clip_id}")
        if clip.active_take_id == take_id:
            return
        self._db.execute("UPDATE clips SET active_take_id = ? WHERE id = ?", (take_id, clip_id))
        self.take_activated.emit(self.clip(clip_id), clip.active_take_id, take_id)

    def delete_take(self, take_id: str) -> Take:
        """Move the take's files to `.trash/` and hide it; `restore_take` brings it back."""
        take = self.take(take_id)
        if take.deleted:
            return take
        self.action_started.emit("delete take")
        try:
            return self._delete_take(take)
        finally:
            self.action_finished.emit()

    def _delete_take(self, take: Take) -> Take:
        take_id = take.id
        for rel in (take.path, *take.extras):
            src = self.root / rel
            if src.exists():
                dst = self.root / ".trash" / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                src.replace(dst)
        self._db.execute("UPDATE takes SET deleted = 1 WHERE id = ?", (take_id,))
        clip = self.clip(take.clip_id)
        if clip.active_take_id == take_id:
            remaining = [t for t in self.takes(clip.id) if t.id != take_id]
            self.set_active_take(clip.id, remaining[-1].id if remaining else None)
        deleted = self.take(take_id)
        self.take_deleted.emit(deleted)
        return deleted

    def restore_take(self, take_id: str) -> Take:
        take = self.take(take_id)
        for rel in (take.path, *take.extras):
            src = self.root / ".trash" / rel
            if src.exists():
                src.replace(self.root / rel)
        self._db.execute("UPDATE takes SET deleted = 0 WHERE id = ?", (take_id,))
        restored = self.take(take_id)
        self.take_restored.emit(restored)
        return restored

    # ------------------------------------------------------------------ export

    def export(self, take_id: str, dest: Path) -> tuple[Path, Path]:
        """Copy a take to `dest` with a `<dest>.json` provenance sidecar; both atomic."""
        take = self.take(take_id)
        return write_export(self.path_of(take), dest, provenance_document(take))


def write_export(source: Path, dest: Path, document: dict[str, Any]) -> tuple[Path, Path]:
    """The file half of an export (no database access, so it may run in a worker thread)."""
    with source.open("rb") as src, atomic_writer(dest) as out:
        shutil.copyfileobj(src, out, 1024 * 1024)
    sidecar = dest.with_name(dest.name + ".json")
    with atomic_writer(sidecar) as out:
        out.write(json.dumps(document, indent=2).encode())
    return dest, sidecar


_TAKE_COLUMNS = "id, clip_id, kind, path, sha256, size, created_at, provenance, extras, deleted"


def _row(take: Take) -> tuple[Any, ...]:
    return (
        take.id,
        take.clip_id,
        take.kind.value,
        take.path,
        take.sha256,
        take.size,
        take.created_at,
        json.dumps(provenance_to_json(take.provenance)),
        json.dumps(list(take.extras)),
        int(take.deleted),
    )


def _take(row: tuple[Any, ...]) -> Take:
    tid, clip_id, kind, path, sha, size, created, prov, extras, deleted = row
    return Take(
        tid,
        clip_id,
        TakeKind(kind),
        path,
        sha,
        size,
        created,
        provenance_from_json(json.loads(prov), TakeKind(kind)),
        tuple(json.loads(extras)),
        bool(deleted),
    )


#: A staged import older than this was left by a process that died mid-import (another live
#: process may be staging right now, so younger files are left alone).
STAGING_TTL_S = 3600.0


def _sweep_staging(folder: Path) -> None:
    now = time.time()
    for leftover in folder.glob("*"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_ctime > STAGING_TTL_S:  # a new hard link sets ctime
                leftover.unlink()


def _place(source: Path, target: Path) -> None:
    """Put a copy of `source` at `target` atomically (a hard link when possible)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        tmp.hardlink_to(source)
    except OSError:
        shutil.copyfile(source, tmp)
    tmp.replace(target)
