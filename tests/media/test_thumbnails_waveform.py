"""Thumbnails at exact times (cached, cancellable) and waveform peaks (channel mean, cached)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from ltxstudio.core.timebase import frame_at
from ltxstudio.media import (
    Cancelled,
    CancelToken,
    MediaError,
    ScrubDecoder,
    even_times,
    thumbnails,
    waveform,
)
from ltxstudio.media.reader import FrameReader
from tests.media.conftest import Matrix
from tests.support.media_factory import read_frame_index

pytestmark = pytest.mark.timeout(120)


def test_even_times() -> None:
    assert even_times(2.0, 4) == [0.25, 0.75, 1.25, 1.75]
    assert even_times(0, 4) == []
    assert even_times(2.0, 0) == []


@pytest.mark.parametrize("name", ["h264-bframes.mp4", "h264.mkv", "vp9.webm"])
def test_thumbnails_are_the_exact_frames(matrix: Matrix, name: str) -> None:
    path = matrix[name]
    thumbs = thumbnails(path, count=10, width=160)
    assert len(thumbs) == 10
    with ScrubDecoder(path, width=160) as decoder:
        for thumb in thumbs:
            n = frame_at(thumb.time, 24)
            assert thumb.index == n
            assert read_frame_index(thumb.image) == n
            assert np.array_equal(thumb.image, decoder.frame_at(thumb.time).image)
    assert [t.time for t in thumbs] == even_times(thumbs[-1].time * 20 / 19, 10)


def test_any_order_and_width(matrix: Matrix) -> None:
    times = [1.5, 0.1, 1.0, 0.1]
    thumbs = thumbnails(matrix["h264.mkv"], times=times, width=64)
    assert [t.time for t in thumbs] == times
    assert [read_frame_index(t.image) for t in thumbs] == [36, 2, 24, 2]
    assert thumbs[0].image.shape == (36, 64, 3)


def test_linear_decode_not_one_seek_per_thumbnail(
    matrix: Matrix, monkeypatch: pytest.MonkeyPatch
) -> None:
    readers: list[FrameReader] = []
    original = FrameReader.__init__

    def spy(self: FrameReader, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        readers.append(self)

    monkeypatch.setattr(FrameReader, "__init__", spy)
    thumbnails(matrix["h264.mkv"], count=20, width=64)  # 48 frames, keyframe every 10
    (reader,) = readers
    assert reader.seeks <= 5  # at most one per keyframe crossed, never one per thumbnail
    assert reader.decoded <= 48 + 2


def test_thumbnail_cache(matrix: Matrix, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "clip.mkv"
    src.write_bytes(matrix["h264.mkv"].read_bytes())
    first = thumbnails(src, count=5, width=80, cache_dir=tmp_path / "cache")
    assert len(list((tmp_path / "cache").rglob("*.npz"))) == 5

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded although cached")

    monkeypatch.setattr(FrameReader, "frame_at", no_decoding)
    again = thumbnails(src, count=5, width=80, cache_dir=tmp_path / "cache")
    for a, b in zip(first, again, strict=True):
        assert (a.time, a.index, a.frame_time) == (b.time, b.index, b.frame_time)
        assert np.array_equal(a.image, b.image)
    # A different width is a different entry; a changed file is a different key.
    with pytest.raises(AssertionError, match="decoded although cached"):
        thumbnails(src, count=5, width=81, cache_dir=tmp_path / "cache")
    stat = src.stat()
    os.utime(src, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with pytest.raises(AssertionError, match="decoded although cached"):
        thumbnails(src, count=5, width=80, cache_dir=tmp_path / "cache")


def test_thumbnails_cancel(matrix: Matrix) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        thumbnails(matrix["h264.mkv"], count=5, cancel=token)


def test_thumbnails_of_audio_fail_with_a_sentence(matrix: Matrix) -> None:
    with pytest.raises(MediaError, match="has no video stream"):
        thumbnails(matrix["aac-lc.m4a"], count=3)


# ------------------------------------------------------------------ waveform


def test_channel_mean_not_a_louder_downmix(matrix: Matrix) -> None:
    wave = waveform(matrix["stereo-same.wav"], bucket_ms=10)
    # 0.8 in both channels stays 0.8; FFmpeg's mono downmix would say ~1.13 (+3 dB).
    assert wave.maximum.max() == pytest.approx(0.8, abs=0.002)
    assert wave.minimum.min() == pytest.approx(-0.8, abs=0.002)
    assert wave.rms.mean() == pytest.approx(0.8 / np.sqrt(2), abs=0.01)
    opposite = waveform(matrix["stereo-opposite.wav"], bucket_ms=10)
    assert np.abs(opposite.peaks).max() < 1e-6  # the mean of +x and -x is silence


def test_bucket_count_and_duration(matrix: Matrix) -> None:
    wave = waveform(matrix["stereo-same.wav"], bucket_ms=10)
    assert len(wave.maximum) == 100
    assert wave.bucket_seconds == pytest.approx(0.01)
    assert wave.duration == pytest.approx(1.0)
    coarse = waveform(matrix["stereo-same.wav"], bucket_ms=30)
    assert len(coarse.maximum) == 34  # 33 full buckets of 30 ms and the 10 ms rest


@pytest.mark.parametrize(
    "name", ["aac-lc.m4a", "mp3.mp3", "opus.ogg", "flac.flac", "he-aac.m4a", "h264.mkv"]
)
def test_waveform_of_any_audio(matrix: Matrix, name: str) -> None:
    wave = waveform(matrix[name], bucket_ms=20)
    assert 0.45 < float(wave.peaks.max()) < 0.56  # the factory's tone has amplitude 0.5
    assert wave.duration == pytest.approx(3.0 if name != "h264.mkv" else 2.0, abs=0.1)


def test_waveform_cache(matrix: Matrix, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = waveform(matrix["aac-lc.m4a"], cache_dir=tmp_path)
    import importlib

    module = importlib.import_module("ltxstudio.media.waveform")

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded although cached")

    monkeypatch.setattr(module, "_compute", no_decoding)
    again = waveform(matrix["aac-lc.m4a"], cache_dir=tmp_path)
    assert np.array_equal(first.maximum, again.maximum)
    assert np.array_equal(first.rms, again.rms)
    assert (again.sample_rate, again.channels) == (48000, 2)


def test_waveform_without_audio(matrix: Matrix) -> None:
    with pytest.raises(MediaError, match="has no audio track"):
        waveform(matrix["silent.mp4"])
