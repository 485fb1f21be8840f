"""The SDR preview of HDR frames (issue 14, item 3): tone mapping and the preview's frames."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from ltxstudio.media.errors import MediaError
from ltxstudio.media.hdr_preview import exr_frame_count, hdr_preview, tone_map
from ltxstudio.sandbox.codec import exr_zip


def test_tone_mapping_rolls_highlights_off_and_keeps_black_black() -> None:
    linear = np.array([[[0, 0, 0], [0.18, 0.18, 0.18], [1, 1, 1], [4, 4, 4], [16, 16, 16]]])
    mapped = tone_map(linear.astype(np.float32))[0, :, 0].tolist()
    assert mapped[0] == 0
    assert 90 < mapped[1] < 140  # mid-grey stays a mid tone
    assert mapped[1] < mapped[2] < mapped[3]  # 1.0 is not yet white: highlights keep detail
    assert mapped[3] == mapped[4] == 255  # white at the white point and above


def test_the_preview_has_one_picture_per_exr_frame_with_highlights_kept(tmp_path: Path) -> None:
    levels = np.linspace(0.0, 6.0, 12, dtype=np.float32)
    data, count = exr_zip(
        (np.full((90, 160, 3), v, dtype=np.float32) for v in levels), Fraction(24)
    )
    frames = tmp_path / "hdr.exr.zip"
    frames.write_bytes(data)
    assert exr_frame_count(frames) == count == 12
    made = hdr_preview(frames, tmp_path / "preview.mp4", Fraction(24))
    assert (made.frames, made.width, made.height) == (12, 160, 90)
    with av.open(str(tmp_path / "preview.mp4")) as preview:
        means = [float(f.to_ndarray(format="rgb24").mean()) for f in preview.decode(video=0)]
    assert len(means) == 12
    assert means == sorted(means)  # brighter linear light, brighter picture: nothing clipped at 1
    assert means[4] < means[8]  # 2.2 and 4.4 in linear light are told apart


def test_a_zip_without_frames_is_refused_with_a_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "notes.exr.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(MediaError, match="not a ZIP of EXR frames"):
        hdr_preview(bad, tmp_path / "out.mp4", Fraction(24))
    assert not (tmp_path / "out.mp4").exists()
