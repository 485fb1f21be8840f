"""What this build runs on (versions for About and the self-test) and where its bundled files
are, the same from a source checkout, an installed wheel (pipx) and the frozen bundle."""

from __future__ import annotations

import ctypes
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QLibraryInfo, qVersion

from ltxstudio import __version__
from ltxstudio.media.versions import BackendInfo, backend_info

_PACKAGE = Path(__file__).resolve().parents[1]


def resource(relative: str) -> Path | None:
    """A bundled file (`icons/ltxstudio.svg`, `THIRD-PARTY.md`, `LICENSE`), or None if absent.

    The frozen bundle keeps them in the package's `resources/`, a checkout at the top of the
    repository, a wheel (pipx) the licence files in its `.dist-info/licenses/` (no icon).
    """
    for folder in (_PACKAGE / "resources", _PACKAGE.parent / "resources", _PACKAGE.parent):
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    try:
        files = metadata.distribution("ltxstudio").files or []
    except metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.parent.name == "licenses" and entry.name == relative:
            located = Path(str(entry.locate()))
            return located if located.is_file() else None
    return None


def build_kind() -> str:
    if getattr(sys, "frozen", False):
        return f"bundle ({Path(sys.executable).parent})"
    return f"Python package ({_PACKAGE})"


def qt_ffmpeg_version() -> str | None:
    """The FFmpeg inside QtMultimedia, once its FFmpeg plugin is loaded (a QMediaPlayer exists).

    Qt has no API for it; its private libavutil answers `av_version_info()`. RTLD_NOLOAD only
    looks at a library already in the process: loading it ourselves would fail on its OpenSSL
    symbols, which Qt's plugin brings.
    """
    noload = getattr(os, "RTLD_NOLOAD", None)
    if noload is None:  # Windows: no dlopen flags; the About dialog says "not known"
        return None
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath))
    for lib in sorted(folder.glob("libavutil.so.*")) + sorted(folder.glob("libavutil.*.dylib")):
        try:
            handle = ctypes.CDLL(str(lib), mode=noload)
        except OSError:
            continue
        version_info = handle.av_version_info
        version_info.restype = ctypes.c_char_p
        answer = version_info()
        return answer.decode() if isinstance(answer, bytes) else None
    return None


def media_backend() -> BackendInfo | str:
    """PyAV's versions, or why PyAV cannot be loaded."""
    try:
        return backend_info()
    except ImportError as exc:
        return f"PyAV cannot be loaded: {exc}"


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not found"


def runtime_versions() -> list[tuple[str, str]]:
    """(component, version) rows, in the order the About dialog lists them."""
    backend = media_backend()
    pyav = backend.summary() if isinstance(backend, BackendInfo) else backend
    qt_ffmpeg = qt_ffmpeg_version()
    return [
        ("LTX Studio Desktop", __version__),
        ("Build", build_kind()),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Qt", qVersion()),
        ("PySide6", pyside_version),
        ("Media (PyAV)", pyav),
        ("Playback (QtMultimedia)", f"FFmpeg {qt_ffmpeg}" if qt_ffmpeg else "FFmpeg not loaded"),
        ("qasync", package_version("qasync")),
        ("httpx", package_version("httpx")),
        ("keyring", package_version("keyring")),
        ("Platform", f"{platform.system()} {platform.release()} {platform.machine()}"),
    ]
