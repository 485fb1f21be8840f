"""The small parts: AAC config parsing, the executor façade, frame grabs, the disk cache, and
rotation as FFmpeg itself applies it."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ltxstudio.media import CancelToken, frame_at, grab_frame, probe, run, run_cancellable
from ltxstudio.media.aac import profile_from_asc
from ltxstudio.media.cache import DiskCache
from tests.media.conftest import Matrix
from tests.support.media_factory import he_aac_config, read_frame_index

pytestmark = pytest.mark.timeout(60)


# ------------------------------------------------------------------ AudioSpecificConfig


def asc(*fields: tuple[int, int]) -> bytes:
    bits = "".join(format(v, f"0{w}b") for v, w in fields)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


@pytest.mark.parametrize(
    ("config", "profile"),
    [
        (bytes.fromhex("1190"), "LC"),  # AAC-LC 48 kHz stereo, as FFmpeg's encoder writes it
        (bytes.fromhex("1210"), "LC"),  # 44.1 kHz stereo
        (he_aac_config(24000, 1), "HE-AAC"),
        (he_aac_config(24000, 1, ps=True), "HE-AACv2"),
        (asc((1, 5), (3, 4), (2, 4), (0, 3)), "Main"),
        # Backward-compatible signalling: LC core, then sync extension 0x2b7, SBR, present.
        (asc((2, 5), (6, 4), (2, 4), (0, 3), (0x2B7, 11), (5, 5), (1, 1), (3, 4)), "HE-AAC"),
        # ... and the same with sbrPresentFlag 0: plain LC.
        (asc((2, 5), (6, 4), (2, 4), (0, 3), (0x2B7, 11), (5, 5), (0, 1)), "LC"),
        (asc((31, 5), (10, 6), (3, 4), (2, 4)), "AAC object type 42"),  # escape for types >= 32
        (b"", None),
        (b"\x2b", None),  # ends early
    ],
)
def test_profile_from_asc(config: bytes, profile: str | None) -> None:
    assert profile_from_asc(config) == profile


# ------------------------------------------------------------------ executor


@pytest.mark.asyncio
async def test_run_uses_a_worker_thread() -> None:
    main = threading.get_ident()
    worker = await run(threading.get_ident)
    assert worker != main


@pytest.mark.asyncio
async def test_probe_through_the_executor(matrix: Matrix) -> None:
    info = await run(probe, matrix["h264.mp4"])
    assert info.first_video is not None


@pytest.mark.asyncio
async def test_cancelling_the_task_sets_the_token() -> None:
    started = threading.Event()
    seen: list[CancelToken] = []

    def job(*, cancel: CancelToken) -> str:
        seen.append(cancel)
        started.set()
        # Worker side: waits for the token the way a decode loop checks it between frames.
        assert cancel.wait(timeout=10)
        return "stopped"

    task = asyncio.ensure_future(run_cancellable(job))
    assert await asyncio.to_thread(started.wait, 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen[0].cancelled


@pytest.mark.asyncio
async def test_run_cancellable_needs_a_cancel_parameter() -> None:
    with pytest.raises(TypeError, match="takes no cancel token"):
        await run_cancellable(lambda: None)


# ------------------------------------------------------------------ grabs


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp"])
def test_grab_frame(matrix: Matrix, tmp_path: Path, suffix: str) -> None:
    out = grab_frame(matrix["h264.mkv"], 20 / 24 + 0.01, tmp_path / f"still{suffix}")
    with Image.open(out) as im:
        assert im.size == (320, 180)
        assert read_frame_index(np.asarray(im.convert("RGB"))) == 20
    assert probe(out).mime is not None  # usable as an image-to-video frame as is


def test_grab_refuses_to_overwrite_its_source(matrix: Matrix, tmp_path: Path) -> None:
    src = tmp_path / "clip.png"
    with pytest.raises(ValueError, match=r"\.png, \.jpg or \.webp"):
        grab_frame(matrix["h264.mkv"], 0, tmp_path / "x.gif")
    # A PNG path that is the source itself (odd, but a path the user could pick).
    src.write_bytes(matrix["h264.mkv"].read_bytes())
    with pytest.raises(ValueError, match="never overwrites"):
        grab_frame(src, 0, src)


def test_frame_at_scaled(matrix: Matrix) -> None:
    image = frame_at(matrix["h264.mkv"], 1.0, width=96)
    assert image.shape == (54, 96, 3)
    assert image.dtype == np.uint8


# ------------------------------------------------------------------ cache


def test_cache_writes_are_atomic_and_damage_is_a_miss(tmp_path: Path) -> None:
    src = tmp_path / "a.bin"
    src.write_bytes(b"x")
    cache = DiskCache(tmp_path / "c")
    cache.store("k", src, "p", {"a": np.arange(3)})
    (entry,) = list((tmp_path / "c").rglob("*.npz"))
    assert not list((tmp_path / "c").rglob(".part-*"))
    assert np.array_equal(cache.load("k", src, "p")["a"], np.arange(3))  # type: ignore[index]
    entry.write_bytes(b"garbage")
    assert cache.load("k", src, "p") is None
    assert cache.load("k", src, "other") is None


# ------------------------------------------------------------------ rotation, as FFmpeg does it


@pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="the ffmpeg CLI is not installed (make sysdeps)"
)
@pytest.mark.parametrize("name", ["rot90.mp4", "rot270.mp4"])
def test_rotation_matches_ffmpeg_autorotate(matrix: Matrix, tmp_path: Path, name: str) -> None:
    raw = tmp_path / "frame.rgb"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(matrix[name]),
            "-frames:v",
            "1",
            "-pix_fmt",
            "rgb24",
            "-f",
            "rawvideo",
            str(raw),
        ],
        check=True,
        timeout=30,
    )
    ours = frame_at(matrix[name], 0.0)
    theirs = np.fromfile(raw, np.uint8).reshape(ours.shape)
    assert ours.shape == (320, 180, 3)
    assert np.array_equal(ours, theirs)


@pytest.mark.asyncio
async def test_proxy_builds_in_the_background_lane(matrix: Matrix, tmp_path: Path) -> None:
    from ltxstudio.media import Lane, build_proxy, open_scrubber

    proxy = await run_cancellable(build_proxy, matrix["h264.mkv"], tmp_path, lane=Lane.BACKGROUND)
    assert proxy.is_file()
    decoder = await run(open_scrubber, matrix["h264.mkv"], width=160, cache_dir=tmp_path)
    with decoder:
        frame = await run(decoder.frame, 12)
    assert frame.from_proxy
    assert read_frame_index(frame.image) == 12
