"""Decoded frames for tests that compare what two clips show."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np


def decode(source: bytes | Path, size: tuple[int, int] | None = None) -> list[np.ndarray]:
    """Every video frame as RGB (scaled to `size` when given)."""
    opened = av.open(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    with opened as container:
        kwargs = {"width": size[0], "height": size[1]} if size else {}
        return [f.to_ndarray(format="rgb24", **kwargs) for f in container.decode(video=0)]


def mean_diff(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference per channel value (0-255)."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())
