"""Waveform peaks of a file's first audio track: min, max and RMS per bucket of N ms, cached.

The channels are averaged (STACK-NOTES §4: FFmpeg's mono downmix adds +3 dB, so a full-scale
stereo signal would draw past the rails). Decoding streams through fixed-size buckets, so memory
stays flat whatever the file's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from ltxstudio.media.cache import DiskCache
from ltxstudio.media.errors import CancelToken, MediaError, check_cancel

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Waveform:
    bucket_seconds: float
    sample_rate: int
    channels: int
    minimum: Floats  # per bucket, in [-1, 1]
    maximum: Floats
    rms: Floats

    @property
    def duration(self) -> float:
        return len(self.maximum) * self.bucket_seconds

    @property
    def peaks(self) -> Floats:
        """max(|min|, |max|) per bucket, for a one-sided drawing."""
        return np.maximum(np.abs(self.minimum), np.abs(self.maximum))


def waveform(
    path: Path | str,
    *,
    bucket_ms: float = 10.0,
    cache_dir: Path | None = None,
    cancel: CancelToken | None = None,
) -> Waveform:
    """Peaks of the first audio track. Raises MediaError (no audio, unreadable), Cancelled."""
    p = Path(path)
    if bucket_ms <= 0:
        raise ValueError("bucket_ms must be positive")
    cache = DiskCache(cache_dir) if cache_dir is not None else None
    params = f"bucket_ms={bucket_ms!r}"
    if cache is not None and (entry := cache.load("waveform", p, params)) is not None:
        try:
            meta = entry["meta"]
            return Waveform(
                float(meta[0]),
                int(meta[1]),
                int(meta[2]),
                entry["min"].astype(np.float32),
                entry["max"].astype(np.float32),
                entry["rms"].astype(np.float32),
            )
        except (KeyError, IndexError):
            pass
    result = _compute(p, bucket_ms, cancel)
    if cache is not None:
        meta = np.array([result.bucket_seconds, result.sample_rate, result.channels], np.float64)
        cache.store(
            "waveform",
            p,
            params,
            {"meta": meta, "min": result.minimum, "max": result.maximum, "rms": result.rms},
        )
    return result


class _Buckets:
    def __init__(self, size: int) -> None:
        self.size = size
        self.carry = np.zeros(0, np.float32)
        self.mins: list[Floats] = []
        self.maxs: list[Floats] = []
        self.rms: list[Floats] = []

    def add(self, mono: Floats, final: bool = False) -> None:
        data = np.concatenate([self.carry, mono]) if self.carry.size else mono
        full = data.size // self.size
        if full:
            block = data[: full * self.size].reshape(full, self.size)
            self._emit(block.min(axis=1), block.max(axis=1), np.sqrt((block**2).mean(axis=1)))
        self.carry = data[full * self.size :]
        if final and self.carry.size:
            c = self.carry
            self._emit(
                c.min(keepdims=True), c.max(keepdims=True), np.sqrt((c**2).mean(keepdims=True))
            )
            self.carry = np.zeros(0, np.float32)

    def _emit(self, lo: Floats, hi: Floats, rms: Floats) -> None:
        self.mins.append(lo.astype(np.float32))
        self.maxs.append(hi.astype(np.float32))
        self.rms.append(rms.astype(np.float32))

    def arrays(self) -> tuple[Floats, Floats, Floats]:
        def join(parts: list[Floats]) -> Floats:
            return np.concatenate(parts) if parts else np.zeros(0, np.float32)

        return join(self.mins), join(self.maxs), join(self.rms)


def _compute(p: Path, bucket_ms: float, cancel: CancelToken | None) -> Waveform:
    try:
        container = av.open(str(p), metadata_errors="ignore")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError("unreadable", f"{p.name} cannot be opened ({exc}).") from exc
    with container:
        if not container.streams.audio:
            raise MediaError("wrong-kind", f"{p.name} has no audio track.")
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate or stream.rate
        channels = stream.codec_context.channels
        if not rate:
            raise MediaError("undecodable", f"{p.name}: the audio track has no sample rate.")
        size = max(1, round(rate * bucket_ms / 1000))
        buckets = _Buckets(size)
        # Resample only the sample format (to planar float); layout and rate stay as they are.
        resampler = av.AudioResampler(format="fltp", rate=rate)
        n = 0
        try:
            for frame in container.decode(stream):
                n += 1
                if n % 32 == 0:
                    check_cancel(cancel)
                for out in resampler.resample(frame):
                    planes = out.to_ndarray()  # (channels, samples) float32
                    buckets.add(planes.mean(axis=0, dtype=np.float32))
        except av.FFmpegError as exc:
            if n == 0:
                raise MediaError(
                    "undecodable", f"{p.name}: the audio track cannot be decoded ({exc})."
                ) from exc
            # Damaged tail: keep what decoded.
        for out in resampler.resample(None):
            buckets.add(out.to_ndarray().mean(axis=0, dtype=np.float32))
        buckets.add(np.zeros(0, np.float32), final=True)
        lo, hi, rms = buckets.arrays()
    return Waveform(size / rate, rate, channels, lo, hi, rms)
