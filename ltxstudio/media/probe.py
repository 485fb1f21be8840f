"""`probe(path) -> MediaInfo`: fast, never crashes on bad input (it raises `MediaError` with a
sentence instead), never decodes more than the first frame and a few audio packets."""

from __future__ import annotations

import itertools
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from PIL import Image, UnidentifiedImageError

from ltxstudio.media.aac import profile_from_asc
from ltxstudio.media.errors import MediaError
from ltxstudio.media.formats import container_name, mime_for
from ltxstudio.media.info import AudioStreamInfo, ImageInfo, MediaInfo, MediaKind, VideoStreamInfo

#: Packet timestamps sampled for VFR detection (demux only, no decoding).
_VFR_SAMPLE = 240
#: Audio packets decoded to let the decoder report HE-AAC found in the payload.
_AUDIO_PACKETS = 4
#: Past this size a container without a frame count gets an estimate instead of a packet count.
_COUNT_LIMIT_BYTES = 2_000_000_000


def probe(path: Path | str) -> MediaInfo:
    """Describe the file at `path`.

    Raises:
        MediaError: the file is missing, empty, not media, damaged, or has no usable stream.
            `code` is one of "missing", "empty", "unreadable", "undecodable".
    """
    p = Path(path)
    name = p.name
    if not p.is_file():
        raise MediaError("missing", f"{name} does not exist or is not a file.")
    size = p.stat().st_size
    if size == 0:
        raise MediaError("empty", f"{name} is empty (0 bytes).")
    image = _probe_image(p, size)
    if image is not None:
        return image
    return _probe_av(p, size)


# --------------------------------------------------------------------------- images


def _probe_image(p: Path, size: int) -> MediaInfo | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(p) as im:
                fmt = (im.format or "").upper()
                width, height = im.size
                mode = im.mode
                frames = int(getattr(im, "n_frames", 1))
                try:
                    im.load()
                except (OSError, ValueError, SyntaxError) as exc:
                    raise MediaError(
                        "undecodable", f"{p.name} is a damaged {fmt} image ({exc})."
                    ) from exc
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return None
    except MediaError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError):
        return None
    info = ImageInfo(format=fmt, width=width, height=height, mode=mode, frames=frames)
    container = fmt.lower()
    return MediaInfo(
        path=p,
        size_bytes=size,
        kind=MediaKind.IMAGE,
        container=container,
        mime=mime_for(MediaKind.IMAGE, container),
        duration=None,
        bit_rate=None,
        image=info,
    )


# --------------------------------------------------------------------------- audio/video


def _looks_like_text(p: Path) -> bool:
    with open(p, "rb") as f:
        head = f.read(512)
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _unreadable(p: Path, detail: str) -> MediaError:
    if _looks_like_text(p):
        return MediaError(
            "unreadable", f"{p.name} is a text file, not an image, video or audio file."
        )
    # The decoder's own words ("[Errno 1094995529] Invalid data found…") mean nothing to a user;
    # they stay in the hint for logs and bug reports.
    return MediaError(
        "unreadable",
        f"{p.name} is not an image, video or audio file that can be read: it is damaged or in "
        "a format ltxstudio does not know.",
        hint=detail,
    )


def _probe_av(p: Path, size: int) -> MediaInfo:
    try:
        container = av.open(str(p), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise _unreadable(p, str(exc)) from exc
    with container:
        try:
            return _describe(p, size, container)
        except MediaError:
            raise
        except (av.FFmpegError, ValueError, OverflowError, ZeroDivisionError) as exc:
            raise MediaError(
                "undecodable", f"{p.name} is damaged and cannot be read ({exc})."
            ) from exc


def _is_attached_picture(stream: Any) -> bool:
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def _describe(p: Path, size: int, container: Any) -> MediaInfo:
    demuxer = container.format.name
    videos = [s for s in container.streams.video if not _is_attached_picture(s)]
    audios = list(container.streams.audio)
    if not videos and not audios:
        raise _unreadable(p, "no audio or video stream")
    if demuxer == "image2" or demuxer.endswith("_pipe"):
        return _ffmpeg_image(p, size, container, videos)

    duration = container.duration / 1_000_000 if container.duration else None
    state = _Scan(p, size, videos[:1], audios[:1])
    state.run(container)

    video_infos = tuple(state.video_info(s, duration) for s in videos[:1])
    audio_infos = tuple(state.audio_info(s) for s in audios)
    if not video_infos and not audio_infos:
        raise _unreadable(p, "no stream could be decoded")
    kind = MediaKind.VIDEO if video_infos else MediaKind.AUDIO
    if duration is None:
        known = [v.duration for v in video_infos if v.duration]
        known += [a.duration for a in audio_infos if a.duration]
        duration = max(known) if known else None
    codecs = [v.codec for v in video_infos] + [a.codec for a in audio_infos]
    name = container_name(demuxer, dict(container.metadata), p.suffix, codecs, kind)
    return MediaInfo(
        path=p,
        size_bytes=size,
        kind=kind,
        container=name,
        mime=mime_for(kind, name),
        duration=duration,
        bit_rate=container.bit_rate or None,
        video=video_infos,
        audio=audio_infos,
        truncated=state.truncated,
    )


def _ffmpeg_image(p: Path, size: int, container: Any, videos: list[Any]) -> MediaInfo:
    """A still that Pillow could not open but FFmpeg's image demuxer claims; decode to be sure."""
    stream = videos[0]
    try:
        frame = next(container.decode(stream), None)
    except av.FFmpegError as exc:
        raise _unreadable(p, str(exc)) from exc
    if frame is None:
        raise _unreadable(p, "no picture could be decoded")
    codec = stream.codec_context.codec.canonical_name
    info = ImageInfo(
        format=codec.upper(), width=frame.width, height=frame.height, mode=None, frames=1
    )
    return MediaInfo(
        path=p,
        size_bytes=size,
        kind=MediaKind.IMAGE,
        container=codec,
        mime=mime_for(MediaKind.IMAGE, codec),
        duration=None,
        bit_rate=None,
        image=info,
    )


class _Scan:
    """One demux pass: packet timestamps and counts, the first decoded frame of each stream."""

    def __init__(self, p: Path, size: int, videos: list[Any], audios: list[Any]) -> None:
        self.p = p
        self.size = size
        self.videos = videos
        self.audios = audios
        self.pts: dict[int, list[int]] = {s.index: [] for s in videos}
        self.packets: dict[int, int] = {s.index: 0 for s in videos}
        self.rotation: dict[int, int] = {}
        self.decoded: dict[int, bool] = {}
        self.errors: dict[int, str] = {}
        self.audio_frames: set[int] = set()
        self.audio_packets: dict[int, int] = {s.index: 0 for s in audios}
        self.truncated = False
        self.counting = {s.index: s.frames <= 0 and size <= _COUNT_LIMIT_BYTES for s in videos}

    def _video_done(self, s: Any) -> bool:
        return s.index in self.decoded and (
            not self.counting[s.index] and len(self.pts[s.index]) >= _VFR_SAMPLE
        )

    def _audio_done(self, s: Any) -> bool:
        return s.index in self.decoded

    def run(self, container: Any) -> None:
        for s in self.videos:
            s.thread_type = "AUTO"
            self._check_index(s)
        streams = [*self.videos, *self.audios]
        by_index = {s.index: s for s in streams}
        try:
            for packet in container.demux(streams):
                s = by_index.get(packet.stream.index)
                if s is None:
                    continue
                if s.type == "video":
                    self._video_packet(s, packet)
                else:
                    self._audio_packet(s, packet)
                if all(self._video_done(v) for v in self.videos) and all(
                    self._audio_done(a) for a in self.audios
                ):
                    break
        except av.FFmpegError:
            # Demuxing stopped early on damaged data: what was read so far still describes it.
            self.truncated = True
        for s in streams:
            if s.index not in self.decoded:
                self._flush(s)

    def _check_index(self, s: Any) -> None:
        try:
            entries = s.index_entries
            if entries:
                last = entries[len(entries) - 1]
                if last.pos + last.size > self.size:
                    self.truncated = True
        except (AttributeError, TypeError, ValueError):
            return

    def _video_packet(self, s: Any, packet: Any) -> None:
        if packet.size == 0 and packet.pts is None:
            return  # demuxer's end-of-stream flush packet
        self.packets[s.index] += 1
        if packet.pts is not None and len(self.pts[s.index]) < _VFR_SAMPLE:
            self.pts[s.index].append(packet.pts)
        if s.index not in self.decoded:
            try:
                frames = s.decode(packet)
            except av.FFmpegError as exc:
                self.errors[s.index] = str(exc)
                return
            if frames:
                self.decoded[s.index] = True
                self.rotation[s.index] = _normal_rotation(frames[0].rotation)

    def _audio_packet(self, s: Any, packet: Any) -> None:
        if packet.size == 0:
            return
        self.audio_packets[s.index] += 1
        try:
            if s.decode(packet):
                self.audio_frames.add(s.index)
        except av.FFmpegError as exc:
            self.errors[s.index] = str(exc)
        if s.index in self.audio_frames and self.audio_packets[s.index] >= _AUDIO_PACKETS:
            self.decoded[s.index] = True

    def _flush(self, s: Any) -> None:
        try:
            frames = s.decode(None)
        except av.FFmpegError as exc:
            self.errors.setdefault(s.index, str(exc))
            return
        if frames:
            self.decoded[s.index] = True
            if s.type == "video":
                self.rotation[s.index] = _normal_rotation(frames[0].rotation)

    # ---------------------------------------------------------------- results

    def video_info(self, s: Any, container_duration: float | None) -> VideoStreamInfo:
        ctx = s.codec_context
        codec = ctx.codec.canonical_name
        if s.index not in self.decoded:
            detail = self.errors.get(s.index, "no frame came out of the decoder")
            raise MediaError(
                "undecodable",
                f"{self.p.name}: the video stream ({codec}) cannot be decoded ({detail}).",
            )
        fps = _rate(s)
        tb = s.time_base or Fraction(1, 1000)
        duration = float(s.duration * tb) if s.duration else container_duration
        start = float(s.start_time * tb) if s.start_time is not None else 0.0
        if s.frames > 0:
            frames, exact = int(s.frames), True
        elif self.counting[s.index]:
            frames, exact = self.packets[s.index], True
        else:
            frames = round(duration * float(fps)) if duration and fps else 0
            exact = False
        rotation = self.rotation.get(s.index, 0)
        width, height = ctx.width, ctx.height
        sar = s.sample_aspect_ratio
        shown_w = round(width * sar) if sar else width
        dw, dh = (height, shown_w) if rotation in (90, 270) else (shown_w, height)
        return VideoStreamInfo(
            index=s.index,
            codec=codec,
            profile=ctx.profile or None,
            width=width,
            height=height,
            display_width=dw,
            display_height=dh,
            rotation=rotation,
            pixel_format=ctx.format.name if ctx.format else None,
            fps=fps,
            vfr=_is_vfr(self.pts[s.index]),
            frame_count=frames,
            frame_count_exact=exact,
            duration=duration,
            start_time=start,
            bit_rate=ctx.bit_rate or None,
        )

    def audio_info(self, s: Any) -> AudioStreamInfo:
        ctx = s.codec_context
        codec = ctx.codec.canonical_name
        profile = ctx.profile or None
        if codec == "aac":
            signalled = profile_from_asc(bytes(ctx.extradata or b""))
            # The decoder upgrades to HE-AAC on SBR data; the config may announce it up front.
            for candidate in (profile, signalled):
                if candidate and candidate.startswith("HE-AAC"):
                    profile = candidate
                    break
            else:
                profile = profile or signalled
        tb = s.time_base or Fraction(1, ctx.sample_rate or 1)
        duration = float(s.duration * tb) if s.duration else None
        return AudioStreamInfo(
            index=s.index,
            codec=codec,
            profile=profile,
            channels=ctx.channels,
            sample_rate=ctx.sample_rate,
            layout=ctx.layout.name if ctx.layout else None,
            sample_format=ctx.format.name if ctx.format else None,
            duration=duration,
            bit_rate=ctx.bit_rate or None,
        )


def _rate(s: Any) -> Fraction | None:
    for rate in (s.average_rate, s.guessed_rate, s.base_rate):
        if rate:
            return Fraction(rate)
    return None


def _normal_rotation(degrees: float | int | None) -> int:
    """FFmpeg's counter-clockwise display angle, snapped to a quarter turn in [0, 360)."""
    if not degrees:
        return 0
    return round(degrees / 90) % 4 * 90


def _is_vfr(pts: list[int]) -> bool:
    """True when frame intervals differ by more than rounding (2 ticks and 10 % of the median)."""
    if len(pts) < 3:
        return False
    ordered = sorted(set(pts))
    deltas = sorted(b - a for a, b in itertools.pairwise(ordered))
    median = deltas[len(deltas) // 2]
    spread = deltas[-1] - deltas[0]
    return spread > max(2, median // 10)
