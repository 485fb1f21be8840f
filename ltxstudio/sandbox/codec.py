"""PyAV plumbing for the renderer: an MP4 writer (H.264 + AAC-LC), frame and audio decoders, and
an EXR-sequence ZIP writer. Everything here is synchronous; callers run it in a worker thread.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from fractions import Fraction

import av
import numpy as np

SAMPLE_RATE = 48_000
_AAC_FRAME = 1024


class Mp4Writer:
    """Encodes RGB frames (and optionally a stereo float soundtrack) into an in-memory MP4.

    x264 `ultrafast`: the sandbox is a fake and tests render a lot; quality only has to keep the
    picture recognisable (frame codes, captions) after one generation of compression.
    """

    def __init__(self, width: int, height: int, fps: Fraction, *, audio: bool) -> None:
        self._buffer = io.BytesIO()
        self._out = av.open(self._buffer, "w", format="mp4")
        self._fps = fps
        self._video = self._out.add_stream("libx264", rate=fps)
        self._video.width, self._video.height = width, height
        self._video.pix_fmt = "yuv420p"
        self._video.options = {"preset": "ultrafast", "crf": "20"}
        self._video.codec_context.thread_type = "AUTO"
        self._audio = None
        if audio:
            self._audio = self._out.add_stream("aac", rate=SAMPLE_RATE)
            self._audio.layout = "stereo"
        self._frames = 0

    @property
    def frames(self) -> int:
        return self._frames

    def add_frame(self, rgb: np.ndarray) -> None:
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        frame = frame.reformat(format="yuv420p")
        frame.pts = self._frames
        frame.time_base = 1 / self._fps
        self._out.mux(self._video.encode(frame))
        self._frames += 1

    def finish(self, soundtrack: np.ndarray | None = None) -> bytes:
        """Flush the video, write `soundtrack` ((2, n) float32 at 48 kHz) and close."""
        self._out.mux(self._video.encode())
        if self._audio is not None:
            needed = round(self._frames / self._fps * SAMPLE_RATE)
            track = fit_length(soundtrack, needed) if soundtrack is not None else silence(needed)
            self._write_audio(track)
        self._out.close()
        return self._buffer.getvalue()

    def _write_audio(self, track: np.ndarray) -> None:
        assert self._audio is not None
        planes = np.ascontiguousarray(track, dtype=np.float32)
        for start in range(0, planes.shape[1], _AAC_FRAME):
            chunk = np.ascontiguousarray(planes[:, start : start + _AAC_FRAME])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = start
            self._out.mux(self._audio.encode(frame))
        self._out.mux(self._audio.encode())

    def abort(self) -> None:
        self._out.close()


def silence(samples: int) -> np.ndarray:
    return np.zeros((2, samples), dtype=np.float32)


def fit_length(track: np.ndarray, samples: int) -> np.ndarray:
    """Cut or pad (with silence) a (2, n) track to exactly `samples`."""
    if track.shape[1] >= samples:
        return track[:, :samples]
    return np.concatenate([track, silence(samples - track.shape[1])], axis=1)


def video_rate(data: bytes) -> Fraction:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or Fraction(24)
        return Fraction(rate).limit_denominator(1001)


def iter_frames(
    data: bytes, width: int | None = None, height: int | None = None
) -> Iterator[np.ndarray]:
    """Decode every video frame as RGB, scaled to `width`x`height` when given."""
    with av.open(io.BytesIO(data), "r") as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            if width and height:
                yield frame.to_ndarray(format="rgb24", width=width, height=height)
            else:
                yield frame.to_ndarray(format="rgb24")


def decode_audio(data: bytes) -> np.ndarray | None:
    """The first audio track as (2, n) float32 at 48 kHz, or None when there is none."""
    with av.open(io.BytesIO(data), "r") as container:
        if not container.streams.audio:
            return None
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        for frame in container.decode(container.streams.audio[0]):
            frame.pts = None  # the resampler restamps; source gaps must not trip it
            chunks.extend(f.to_ndarray() for f in resampler.resample(frame))
        chunks.extend(f.to_ndarray() for f in resampler.resample(None))
    if not chunks:
        return silence(0)
    return np.concatenate(chunks, axis=1).astype(np.float32)


def _planar_float(rgb: np.ndarray) -> av.VideoFrame:
    """A gbrpf32le frame filled plane by plane: swscale's rgbf32 → gbrpf32 conversion clamps
    to [0, 1], which would cut every highlight an HDR frame exists to keep."""
    height, width = rgb.shape[:2]
    frame = av.VideoFrame(width, height, "gbrpf32le")
    for plane, channel in zip(frame.planes, (1, 2, 0), strict=True):  # G, B, R
        row = plane.line_size // 4
        data = np.zeros((height, row), dtype=np.float32)
        data[:, :width] = rgb[..., channel]
        plane.update(data.tobytes())
    return frame


def exr_zip(frames: Iterator[np.ndarray], fps: Fraction) -> tuple[bytes, int]:
    """Write float RGB frames (H, W, 3, linear light) as half-float EXRs in a ZIP."""
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for rgb in frames:
            height, width = rgb.shape[:2]
            codec = av.CodecContext.create("exr", "w")
            codec.width, codec.height = width, height
            codec.pix_fmt = "gbrpf32le"
            codec.time_base = 1 / fps
            codec.options = {"compression": "zip1", "format": "half"}
            frame = _planar_float(rgb)
            frame.pts = count
            payload = b"".join(bytes(p) for p in codec.encode(frame))
            payload += b"".join(bytes(p) for p in codec.encode(None))
            archive.writestr(f"frame_{count:06d}.exr", payload)
            count += 1
    return buffer.getvalue(), count
