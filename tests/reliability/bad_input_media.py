"""The bad (and the valid but unusual) inputs of the R4 table, made once per module.

Nothing here is a checked-in fixture: each file is generated, and the damaged ones are made from
good ones, so the table says exactly what is wrong with each.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.media_factory import make_audio, make_image, make_sized_video, make_video

#: Past the 100 MB that one upload takes (API-NOTES §7).
OVERSIZE_BYTES = 101 * 1024 * 1024


def make_bad_media(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    good = make_image(folder / "good.png")
    data = good.read_bytes()
    (folder / "truncated.png").write_bytes(data[: len(data) // 2])
    (folder / "zero.png").write_bytes(b"")
    # A PNG signature, then bytes no decoder can make sense of.
    (folder / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (folder / "notes.png").write_text("Shot list: boat, gutter, waterfall.\n" * 20)
    with (folder / "huge.png").open("wb") as handle:  # a valid PNG, then sparse zeros
        handle.write(data)
        handle.truncate(OVERSIZE_BYTES)
    make_audio(folder / "pcm.wav", seconds=4, codec="pcm_s16le")
    make_audio(folder / "one-second.m4a", seconds=1)
    make_audio(folder / "thirty-seconds.m4a", seconds=30)
    make_audio(folder / "good.m4a", seconds=4)
    make_video(folder / "fifty-frames.mp4", seconds=50 / 24, width=640, height=360)
    make_video(folder / "four-seconds.mp4", seconds=4, width=640, height=360)
    shutil.copy(folder / "four-seconds.mp4", folder / "clip.png")  # a video named .png
    make_sized_video(folder / "too-big.mp4", width=4096, height=2304, frames=3)
    return folder
