"""Opening a state dir: the database, the files beside it, and the values fixed at creation.

A new state dir records the opening balance and a URL-signing secret; later runs read them back,
so the balance continues where it was and result URLs handed out before a restart still verify
(`SandboxConfig.balance_usd` only seeds a new state dir). The API key is never stored: each run
takes it from its config.

A directory that holds other things but no sandbox database is refused rather than filled: a
mistyped `--state-dir ~` must not scatter sandbox files through a home directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ltxstudio.sandbox.blobs import BlobDir
from ltxstudio.sandbox.statedb import DB_NAME, SandboxStateError, StateDb
from ltxstudio.sandbox.storage import new_signing_secret


@dataclass(frozen=True)
class StateDir:
    root: Path
    db: StateDb
    blobs: BlobDir
    signing_secret: bytes
    opening_balance_usd: Decimal


def open_state_dir(root: Path, opening_balance_usd: Decimal) -> StateDir:
    """Open (or create) a state dir; raises `SandboxStateError` with what is wrong."""
    if root.exists() and not root.is_dir():
        raise SandboxStateError(f"the sandbox state dir {root} is a file, not a directory")
    database = root / DB_NAME
    if root.is_dir() and not database.exists() and any(root.iterdir()):
        raise SandboxStateError(
            f"{root} is not empty and holds no sandbox state ({DB_NAME})",
            hint="pass a new or empty directory as the state dir",
        )
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise SandboxStateError(f"cannot create the sandbox state dir {root}: {exc}") from None
    db = StateDb(database)
    try:
        secret = bytes.fromhex(db.meta_default("signing_secret", new_signing_secret().hex()))
        opening = Decimal(db.meta_default("opening_balance_usd", str(opening_balance_usd)))
    except (ValueError, InvalidOperation):
        db.close()
        raise SandboxStateError(
            f"{database} holds an unreadable signing secret or opening balance",
            hint="move the state dir away; the sandbox starts afresh in an empty one",
        ) from None
    return StateDir(root, db, BlobDir(root), secret, opening)
