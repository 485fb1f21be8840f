"""Scrubbing: the frame returned at random times equals a sequential decode of that frame
(pixel-identical from the master, within PROXY_TOLERANCE from the proxy)."""

from __future__ import annotations

import random
from pathlib import Path

import av
import numpy as np
import pytest

from ltxstudio.media import (
    PROXY_TOLERANCE,
    Cancelled,
    CancelToken,
    ScrubDecoder,
    build_proxy,
    find_proxy,
    open_scrubber,
    probe,
)
from ltxstudio.media.frames import RGB, to_rgb
from ltxstudio.media.reader import FrameReader
from tests.media.conftest import VFR_B_DURATIONS, VFR_DURATIONS, Matrix
from tests.support.media_factory import read_frame_index

pytestmark = pytest.mark.timeout(120)


def sequential(path: Path, width: int | None = None) -> list[tuple[float, RGB]]:
    """Every frame, decoded in order from the start: (start time, upright RGB)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [(f.pts, to_rgb(f, width)) for f in container.decode(stream)]
    start = frames[0][0]
    return [(float((pts - start) * stream.time_base), rgb) for pts, rgb in frames]


def mad(a: RGB, b: RGB) -> float:
    """Mean absolute difference per channel."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def index_of(image: RGB, rotation: int) -> int:
    """The frame code, read from the picture as it was stored (before the display rotation)."""
    return read_frame_index(np.rot90(image, k=-(rotation // 90)))


def random_times(
    frames: list[tuple[float, RGB]], n: int = 50, seed: int = 5
) -> list[tuple[int, float]]:
    """(frame number, a time inside that frame's interval), in random order."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        k = rnd.randrange(len(frames))
        start = frames[k][0]
        end = frames[k + 1][0] if k + 1 < len(frames) else start + 0.04
        out.append((k, start + rnd.random() * 0.98 * (end - start)))
    return out


@pytest.mark.parametrize(
    "name",
    [
        "h264-bframes.mp4",
        "bframes-gop48.mp4",
        "h264.mkv",
        "ntsc.mp4",
        "vp9.webm",
        "vfr.mkv",
        "vfr-bframes.mkv",
        "rot90.mp4",
        "h265.mp4",
        "av1.mkv",
        "prores.mov",
    ],
)
def test_master_frames_are_pixel_identical(matrix: Matrix, name: str) -> None:
    path = matrix[name]
    rotation = probe(path).first_video.rotation  # type: ignore[union-attr]
    frames = sequential(path)
    with ScrubDecoder(path) as decoder:
        for k, t in random_times(frames):
            frame = decoder.frame_at(t)
            assert np.array_equal(frame.image, frames[k][1]), f"{name}: t={t:.4f} is not frame {k}"
            assert index_of(frame.image, rotation) == k
            assert frame.time == pytest.approx(frames[k][0], abs=1e-6)


def test_a_jump_skips_unreferenced_frames(matrix: Matrix) -> None:
    path = matrix["bframes-gop48.mp4"]
    with FrameReader(path) as reader:
        frame, _ = reader.frame_at(40 / 24 + 0.01)
        assert read_frame_index(frame.to_ndarray(format="rgb24")) == 40
        # 41 frames lie between the keyframe and the target; the B-frames nobody references
        # were never decoded.
        assert reader.decoded < 30
        assert reader.redone == 0


def test_long_vfr_frames_are_redone_without_skipping(matrix: Matrix) -> None:
    path = matrix["vfr-bframes.mkv"]
    starts = np.cumsum([0, *VFR_B_DURATIONS[:-1]])
    order = list(range(len(starts)))
    random.Random(2).shuffle(order)
    with FrameReader(path) as reader:
        for n in order:
            t = (starts[n] + 0.9 * VFR_B_DURATIONS[n]) / 1000
            frame, _ = reader.frame_at(float(t))
            assert read_frame_index(frame.to_ndarray(format="rgb24")) == n
        assert reader.redone >= 1  # the safety net was needed, and it held


def test_frame_starts_exactly_on_the_boundary(matrix: Matrix) -> None:
    # Frame n covers [n/fps, (n+1)/fps): the boundary itself belongs to frame n.
    with ScrubDecoder(matrix["ntsc.mp4"]) as decoder:
        for n in (0, 1, 7, 29):
            assert decoder.frame(n).index == n
            assert read_frame_index(decoder.frame(n).image) == n


def test_vfr_frames_follow_timestamps(matrix: Matrix) -> None:
    starts = np.cumsum([0, *VFR_DURATIONS[:-1]]) / 1000
    with ScrubDecoder(matrix["vfr.mkv"]) as decoder:
        for n, start in enumerate(starts):
            assert read_frame_index(decoder.frame_at(float(start)).image) == n
            assert read_frame_index(decoder.frame_at(float(start) + 0.015).image) == n


@pytest.mark.parametrize("name", ["h264-bframes.mp4", "h264.mkv"])
def test_forward_drag_decodes_without_seeking(matrix: Matrix, name: str) -> None:
    # Also: frame(n) is frame n even where the container rounded its start to 1 ms (Matroska).
    path = matrix[name]
    with ScrubDecoder(path, width=160) as decoder:
        for n in range(48):
            assert read_frame_index(decoder.frame(n).image) == n
        assert decoder.seeks == 0


def test_lru_serves_repeats(matrix: Matrix) -> None:
    with ScrubDecoder(matrix["h264.mkv"], cache_size=4) as decoder:
        first = decoder.frame(30)
        again = decoder.frame_at(30 / 24 + 0.01)
        assert again is first
        assert decoder.hits == 1
        for n in range(31, 36):
            decoder.frame(n)
        decoder.frame(30)  # evicted by five newer frames: decoded again
        assert decoder.hits == 1


def test_width_and_clamping(matrix: Matrix) -> None:
    with ScrubDecoder(matrix["h264.mkv"], width=160) as decoder:
        assert decoder.frame(3).image.shape == (90, 160, 3)
        assert decoder.frame_at(-1).index == 0
        assert read_frame_index(decoder.frame_at(99.0).image) == 47  # past the end: the last


def test_rotated_output_is_upright(matrix: Matrix) -> None:
    with ScrubDecoder(matrix["rot90.mp4"], width=90) as decoder:
        image = decoder.frame(2).image
    assert image.shape == (160, 90, 3)
    # Turned back by 90 degrees clockwise, the stored picture (and its code) reappears.
    assert read_frame_index(np.rot90(image, k=-1)) == 2


# ------------------------------------------------------------------ proxies


def test_proxy_is_all_intra_small_and_keeps_timestamps(matrix: Matrix, tmp_path: Path) -> None:
    src = matrix["h264-bframes.mp4"]
    proxy = build_proxy(src, tmp_path, width=160)
    assert find_proxy(src, tmp_path, width=160) == proxy
    with av.open(str(proxy)) as container:
        packets = [p for p in container.demux(video=0) if p.size]
        assert all(p.is_keyframe for p in packets)
        assert len(packets) == 48
    info = probe(proxy).first_video
    assert info is not None
    assert (info.width, info.height) == (160, 90)
    # Built once: a second call finds it.
    assert build_proxy(src, tmp_path, width=160) == proxy


@pytest.mark.parametrize("name", ["h264-bframes.mp4", "vfr.mkv", "rot270.mp4"])
def test_proxy_frames_within_tolerance(matrix: Matrix, tmp_path: Path, name: str) -> None:
    src = matrix[name]
    rotation = probe(src).first_video.rotation  # type: ignore[union-attr]
    proxy = build_proxy(src, tmp_path, width=160)
    frames = sequential(src, width=160)
    with ScrubDecoder(src, width=160, proxy=proxy, proxy_width=160) as decoder:
        assert decoder.uses_proxy
        for k, t in random_times(frames):
            frame = decoder.frame_at(t)
            assert frame.from_proxy
            assert frame.image.shape == frames[k][1].shape
            diff = mad(frame.image, frames[k][1])
            assert diff <= PROXY_TOLERANCE, f"{name}: frame {k} differs by {diff:.2f}"
            # Nearer to its own master frame than to either neighbour: the right frame.
            for j in (k - 1, k + 1):
                if 0 <= j < len(frames):
                    assert diff < mad(frame.image, frames[j][1])
            assert index_of(frame.image, rotation) == k


def test_open_scrubber_prefers_the_proxy_only_when_it_is_big_enough(
    matrix: Matrix, tmp_path: Path
) -> None:
    src = matrix["h264.mkv"]
    with open_scrubber(src, width=160, cache_dir=tmp_path) as decoder:
        assert not decoder.uses_proxy  # none built yet
    build_proxy(src, tmp_path)
    with open_scrubber(src, width=160, cache_dir=tmp_path) as decoder:
        assert decoder.uses_proxy
    with open_scrubber(src, width=1280, cache_dir=tmp_path) as decoder:
        assert not decoder.uses_proxy


def test_proxy_build_is_cancellable(matrix: Matrix, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        build_proxy(matrix["h264.mkv"], tmp_path, cancel=token)
    assert find_proxy(matrix["h264.mkv"], tmp_path) is None
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


@pytest.mark.parametrize("name", ["h264.mkv", "ntsc.mp4"])
def test_proxy_frame_numbers_match_the_master(matrix: Matrix, tmp_path: Path, name: str) -> None:
    # Frame starts are where rounding bites: the proxy's container recomputes its average rate
    # from rounded timestamps (24.0075 fps for a Matroska source), so indices follow the master.
    src = matrix[name]
    proxy = build_proxy(src, tmp_path, width=160)
    count = probe(src).first_video.frame_count  # type: ignore[union-attr]
    with ScrubDecoder(src, width=160, proxy=proxy, proxy_width=160) as decoder:
        for n in range(count):
            frame = decoder.frame(n)
            assert (frame.index, read_frame_index(frame.image)) == (n, n)
