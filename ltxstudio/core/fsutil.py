"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Write to a temporary file in the same directory, fsync it, then `os.replace` over the target (an
atomic rename on POSIX and Windows), then fsync the directory so the rename survives a power cut.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _read_umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any thread starts.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The mode a plain open() would give a new file (mkstemp's files are 0600: fine for a
#: temporary, wrong for a user's export or settings that other tools must read).
NEW_FILE_MODE = 0o666 & ~_read_umask()


@contextlib.contextmanager
def atomic_writer(target: Path, mode: str = "wb") -> Iterator[IO[bytes]]:
    """Yield a file to write; on success it replaces `target`, on error it vanishes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        if hasattr(os, "fchmod"):  # POSIX
            os.fchmod(fd, NEW_FILE_MODE)
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    sweep_stale_temps(target)


#: A temporary file of the same target older than this is a leftover of a killed writer.
STALE_SECONDS = 60.0


def sweep_stale_temps(target: Path) -> None:
    """Remove what killed writers of `target` left behind (a crash skips every `finally`)."""
    now = time.time()
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        try:
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
        except OSError:
            continue


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_writer(target) as handle:
        handle.write(data)


def atomic_write_text(target: Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def fsync_sqlite(db_path: Path) -> None:
    """Make every commit so far to a WAL-mode SQLite database survive a power cut: fsync its
    WAL (or, right after a checkpoint emptied it, the database). Safe from any thread: it
    touches no connection, so callers run it in a worker while the loop keeps committing."""
    wal = db_path.with_name(db_path.name + "-wal")
    fd = os.open(wal if wal.exists() else db_path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    """The file's SHA-256, read in 1 MiB chunks (blocking: run it off the event loop)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
