"""A video from disk joins the library as a clip of its own (or is found as the take it is)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ltxstudio.core.fsutil import sha256_file
from ltxstudio.library.model import Provenance, Take, TakeKind
from ltxstudio.library.store import Library


async def import_file(library: Library, path: Path) -> Take:
    """The library take this file is (by content), importing it as a new clip if none is."""
    digest = await asyncio.to_thread(sha256_file, path)
    found = library.takes_with_sha(digest)
    if found:
        return found[-1]
    staged = await asyncio.to_thread(library.stage, path)  # the copy, off the loop
    try:
        clip = library.add_clip(path.stem)
        provenance = Provenance(endpoint="import", request={"source": str(path)}, backend="local")
        take = library.add_take(
            clip.id, staged, kind=TakeKind.IMPORTED, provenance=provenance, sha256=digest
        )
    finally:
        staged.unlink(missing_ok=True)
    await asyncio.to_thread(library.sync)
    return take
