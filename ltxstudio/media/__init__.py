"""Media on disk (PyAV): probe, input checks and conversion, thumbnails, waveform, scrubbing,
proxies, frame grabs. Returns plain data (frozen dataclasses, numpy RGB `uint8` HxWx3 arrays);
never imports Qt or httpx.

Everything here is synchronous and blocking, callable as is from the CLI and tests. The UI awaits
it off the event loop: `await media.run(fn, ...)`, or `await media.run_cancellable(fn, ...)` for
the long jobs that take a `cancel` token (thumbnails, waveform, proxies, conversions).

The package loads lazily (PEP 562): importing `ltxstudio.media` or one of its light modules
(problems, info, errors, executor) does not load PyAV and numpy, so a command that never touches
media (`ltxstudio jobs list`) does not pay for them. The names below load on first use.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ltxstudio.media.autofix import FixResult, autofix, choose_fixes
    from ltxstudio.media.checks import check, check_info, max_file_bytes, transport_cap
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
    from ltxstudio.media.problems import (
        Aspect,
        Code,
        Fix,
        FixKind,
        Problem,
        Role,
        Severity,
        Transport,
    )
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

#: Where each public name lives.
_WHERE: dict[str, str] = {
    "FixResult": "autofix",
    "autofix": "autofix",
    "choose_fixes": "autofix",
    "check": "checks",
    "check_info": "checks",
    "max_file_bytes": "checks",
    "transport_cap": "checks",
    "convert": "convert",
    "Cancelled": "errors",
    "CancelToken": "errors",
    "MediaError": "errors",
    "Lane": "executor",
    "run": "executor",
    "run_cancellable": "executor",
    "frame_at": "grab",
    "grab_frame": "grab",
    "AudioStreamInfo": "info",
    "ImageInfo": "info",
    "MediaInfo": "info",
    "MediaKind": "info",
    "VideoStreamInfo": "info",
    "describe": "info",
    "probe": "probe",
    "Aspect": "problems",
    "Code": "problems",
    "Fix": "problems",
    "FixKind": "problems",
    "Problem": "problems",
    "Role": "problems",
    "Severity": "problems",
    "Transport": "problems",
    "PROXY_TOLERANCE": "proxy",
    "PROXY_WIDTH": "proxy",
    "build_proxy": "proxy",
    "find_proxy": "proxy",
    "open_scrubber": "proxy",
    "Frame": "scrub",
    "ScrubDecoder": "scrub",
    "Thumbnail": "thumbnails",
    "even_times": "thumbnails",
    "thumbnails": "thumbnails",
    "Waveform": "waveform",
    "waveform": "waveform",
}

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


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


class _Package(types.ModuleType):
    """Keeps a public function named like its module (`probe`, `thumbnails`, …) from being
    replaced by that module: importing a submodule binds it on the package, and with the names
    loaded lazily there is no eager binding left to win."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and _WHERE.get(name) == name:
            return  # the submodule stays reachable as sys.modules[f"{__name__}.{name}"]
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
