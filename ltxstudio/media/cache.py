"""An on-disk cache for derived media (thumbnails, waveforms, proxies).

Keys are (resolved path, mtime_ns, size, kind, params): editing or replacing the source file
changes its key, so stale entries are never served (they are simply never read again). Writes
are atomic (temp file in the same directory + `os.replace`), so a reader sees a whole entry or
none, even with two workers racing on the same key.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.generic]


def source_key(path: Path) -> str:
    """Identity of a file's current contents, cheaply: where it is, when and how big."""
    st = path.stat()
    return f"{path.resolve()}|{st.st_mtime_ns}|{st.st_size}"


class DiskCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, kind: str, source: Path, params: str, suffix: str) -> Path:
        digest = hashlib.sha256(f"{source_key(source)}|{kind}|{params}".encode()).hexdigest()
        return self.root / kind / digest[:2] / f"{digest}{suffix}"

    def load(self, kind: str, source: Path, params: str) -> dict[str, Array] | None:
        """The arrays stored under this key, or None (absent or damaged: recompute)."""
        path = self.path_for(kind, source, params, ".npz")
        try:
            with np.load(path, allow_pickle=False) as data:
                return {name: data[name] for name in data.files}
        except (OSError, ValueError, EOFError, KeyError):
            return None

    def store(self, kind: str, source: Path, params: str, arrays: dict[str, Array]) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **arrays)
        atomic_write(self.path_for(kind, source, params, ".npz"), buffer.getvalue())


def atomic_write(path: Path, data: bytes) -> None:
    atomic_create(path, lambda tmp: tmp.write_bytes(data))


def atomic_create(path: Path, write: Callable[[Path], object]) -> Path:
    """Call `write(tmp)` on a temporary file next to `path`, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".part-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.replace(path)  # atomic on POSIX and Windows (os.replace)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
