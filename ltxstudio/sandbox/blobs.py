"""The files of a state dir: stored objects and the inputs of renders still owed.

Layout under the state dir::

    objects/uploads/<upload id>        uploaded bytes
    objects/results/<job id>.<ext>     rendered results
    inputs/<sha256>                    media a queued job's render spec needs (by content)
    tmp/<pid>-<random>.part            writes in progress

A write goes to `tmp/`, is fsynced, then renamed over its target and the directory fsynced, so a
reader (or the next process) sees the old file or the new one, never part of one. Temporary files
are named for the process writing them: the clean-up on load removes only those of processes that
are gone, so it never pulls a file from under another live sandbox on the same dir.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from pathlib import Path

from ltxstudio.core.fsutil import fsync_dir

log = logging.getLogger(__name__)

_KEY = re.compile(r"^(uploads|results)/[A-Za-z0-9._-]+$")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_TEMP = re.compile(r"^(\d+)-[0-9a-f]+\.part$")


class BlobDir:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._objects = root / "objects"
        self._inputs = root / "inputs"
        self._tmp = root / "tmp"
        for directory in (self._objects / "uploads", self._objects / "results", self._inputs):
            directory.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(exist_ok=True)

    # ---------------------------------------------------------------- objects

    def object_path(self, key: str) -> Path:
        if not _KEY.match(key) or ".." in key:
            raise ValueError(f"not a storage key: {key!r}")
        return self._objects / key

    def write_object(self, key: str, data: bytes) -> None:
        self._write(self.object_path(key), data)

    def delete_object(self, key: str) -> bool:
        """Remove the file; False when it is still there (Windows keeps open files)."""
        return _unlink(self.object_path(key))

    # ---------------------------------------------------------------- render inputs

    @staticmethod
    def input_name(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def put_input(self, data: bytes, name: str) -> None:
        """Keep `data` (named by `input_name`) until no owed render names it."""
        path = self._inputs / name
        if not (path.is_file() and path.stat().st_size == len(data)):
            self._write(path, data)

    def read_input(self, digest: str) -> bytes:
        if not _DIGEST.match(digest):
            raise ValueError(f"not an input name: {digest!r}")
        return (self._inputs / digest).read_bytes()

    def prune_inputs(self, keep: set[str]) -> int:
        """Delete the inputs no owed render names; returns how many went."""
        gone = 0
        for path in self._inputs.iterdir():
            if path.name not in keep and _DIGEST.match(path.name) and _unlink(path):
                gone += 1
        return gone

    # ---------------------------------------------------------------- writes

    def _write(self, target: Path, data: bytes) -> None:
        tmp = self._tmp / f"{os.getpid()}-{secrets.token_hex(8)}.part"
        try:
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(target.parent)

    def prune_temps(self) -> int:
        """Delete writes left half-done by processes that died; returns how many went."""
        if os.name != "posix":
            return 0  # no cheap liveness probe (os.kill would terminate the process)
        gone = 0
        for path in self._tmp.iterdir():
            match = _TEMP.match(path.name)
            if match and not _alive(int(match.group(1))) and _unlink(path):
                gone += 1
        return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _unlink(path: Path) -> bool:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("sandbox: cannot delete %s yet: %s", path, exc)
        return False
    return True
