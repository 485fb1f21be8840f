"""Media on disk (PyAV): probe, input checks and conversion, thumbnails, waveform, scrubbing,
proxies, frame grabs. Returns plain data (frozen dataclasses, numpy RGB `uint8` HxWx3 arrays);
never imports Qt or httpx.

Everything here is synchronous and blocking, callable as is from the CLI and tests. The UI awaits
it off the event loop: `await media.run(fn, ...)`, or `await media.run_cancellable(fn, ...)` for
the long jobs that take a `cancel` token (thumbnails, waveform, proxies, conversions).
"""

from ltxstudio.media.autofix import FixResult, autofix, choose_fixes
from ltxstudio.media.checks import check, check_info, errors, max_file_bytes, transport_cap
from ltxstudio.media.convert import convert
from ltxstudio.media.errors import Cancelled, CancelToken, MediaError
from ltxstudio.media.executor import Lane, run, run_cancellable
from ltxstudio.media.grab import frame_at, grab_frame
from ltxstudio.media.info import (
    AudioStreamInfo,
    ImageInfo,
    MediaInfo,
    MediaKind,
    VideoStreamInfo,
    describe,
)
from ltxstudio.media.probe import probe
from ltxstudio.media.problems import Aspect, Code, Fix, FixKind, Problem, Role, Severity, Transport
from ltxstudio.media.proxy import (
    PROXY_TOLERANCE,
    PROXY_WIDTH,
    build_proxy,
    find_proxy,
    open_scrubber,
)
from ltxstudio.media.scrub import Frame, ScrubDecoder
from ltxstudio.media.thumbnails import Thumbnail, even_times, thumbnails
from ltxstudio.media.waveform import Waveform, waveform

__all__ = [
    "PROXY_TOLERANCE",
    "PROXY_WIDTH",
    "Aspect",
    "AudioStreamInfo",
    "CancelToken",
    "Cancelled",
    "Code",
    "Fix",
    "FixKind",
    "FixResult",
    "Frame",
    "ImageInfo",
    "Lane",
    "MediaError",
    "MediaInfo",
    "MediaKind",
    "Problem",
    "Role",
    "ScrubDecoder",
    "Severity",
    "Thumbnail",
    "Transport",
    "VideoStreamInfo",
    "Waveform",
    "autofix",
    "build_proxy",
    "check",
    "check_info",
    "choose_fixes",
    "convert",
    "describe",
    "errors",
    "even_times",
    "find_proxy",
    "frame_at",
    "grab_frame",
    "max_file_bytes",
    "open_scrubber",
    "probe",
    "run",
    "run_cancellable",
    "thumbnails",
    "transport_cap",
    "waveform",
]
