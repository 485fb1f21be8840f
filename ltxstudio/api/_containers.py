"""Light structural checks that a downloaded file is a whole MP4 or ZIP.

`api` may not import the media layer (siblings), so this does not decode anything: it walks the
MP4's top-level boxes (sizes must tile the file exactly; `ftyp`, `moov` and `mdat`/`moof` must be
there) or reads a ZIP's central directory. That catches truncation, HTML error pages saved as
video, and wrong content — the failures a download can actually produce. Decoding is the media
layer's job afterwards.
"""

from __future__ import annotations

import zipfile
from enum import StrEnum
from pathlib import Path
from typing import Final, assert_never

from ltxstudio.core.remote import ResultKey


class Container(StrEnum):
    MP4 = "mp4"
    ZIP = "zip"
    ANY = "any"  # no structural check (an unknown result key); size is still verified


#: What each kind of result is (API-NOTES §3.6, §3.9).
RESULT_CONTAINERS: Final[dict[ResultKey, Container]] = {
    ResultKey.VIDEO: Container.MP4,
    ResultKey.EXR_FRAMES: Container.ZIP,
}

_MAX_BOXES: Final = 100_000


def sniff(path: Path) -> Container | None:
    with open(path, "rb") as f:
        head = f.read(12)
    if head[4:8] == b"ftyp":
        return Container.MP4
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return Container.ZIP
    return None


def mp4_problem(path: Path) -> str | None:
    """Why `path` is not a structurally whole MP4, or None."""
    size = path.stat().st_size
    seen: list[bytes] = []
    offset = 0
    with open(path, "rb") as f:
        while offset < size:
            if len(seen) >= _MAX_BOXES:
                return "too many top-level boxes"
            f.seek(offset)
            header = f.read(8)
            if len(header) < 8:
                return f"truncated box header at byte {offset}"
            box_size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            if not all(0x20 <= b < 0x7F for b in kind):
                return f"not an MP4 box at byte {offset}"
            header_len = 8
            if box_size == 1:
                large = f.read(8)
                if len(large) < 8:
                    return f"truncated box header at byte {offset}"
                box_size = int.from_bytes(large, "big")
                header_len = 16
            elif box_size == 0:
                box_size = size - offset  # "to the end of the file"
            if box_size < header_len:
                return f"box {kind.decode()} at byte {offset} has an impossible size {box_size}"
            if offset + box_size > size:
                return (
                    f"truncated: box {kind.decode()} at byte {offset} needs {box_size} bytes, "
                    f"{size - offset} remain"
                )
            seen.append(kind)
            offset += box_size
    if not seen or seen[0] != b"ftyp":
        return "does not start with an ftyp box"
    if b"moov" not in seen:
        return "has no moov box (no index; not playable)"
    if b"mdat" not in seen and b"moof" not in seen:
        return "has no media data (mdat/moof)"
    return None


def zip_problem(path: Path) -> str | None:
    """Why `path` is not a readable ZIP whose entries lie inside the file, or None."""
    size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"not a readable ZIP ({exc})"
    if not infos:
        return "the ZIP is empty"
    for info in infos:
        if info.header_offset + info.compress_size > size:
            return f"truncated: entry {info.filename!r} runs past the end of the file"
    return None


def container_problem(path: Path, expected: Container | None) -> str | None:
    """Check `path` as `expected`; None means "whatever it sniffs as, and it must sniff"."""
    kind = expected if expected is not None else sniff(path)
    match kind:
        case Container.MP4:
            return mp4_problem(path)
        case Container.ZIP:
            return zip_problem(path)
        case Container.ANY:
            return None
        case None:
            return "neither an MP4 nor a ZIP"
        case _:
            assert_never(kind)
