"""Which media backend this process runs on: PyAV, the FFmpeg inside its wheel, and the GPL
encoders that wheel links (they decide the project's licence, see THIRD-PARTY.md).

For the About dialog and the self-test, which may not import PyAV themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Encoders from GPL libraries that the `av` wheel links although its FFmpeg reports LGPL.
GPL_ENCODERS = ("libx264", "libx265")


@dataclass(frozen=True)
class BackendInfo:
    pyav: str
    ffmpeg: str
    #: What the FFmpeg build says of itself (misleading for the wheel: see GPL_ENCODERS).
    ffmpeg_licence: str
    #: The GPL encoders present in this build, e.g. ("libx264", "libx265").
    gpl_encoders: tuple[str, ...]

    def summary(self) -> str:
        """For the About dialog and the self-test: the build's licence as it really is."""
        gpl = f"; GPL encoders: {', '.join(self.gpl_encoders)}" if self.gpl_encoders else ""
        return f"PyAV {self.pyav} (FFmpeg {self.ffmpeg}, {self.ffmpeg_licence}{gpl})"


def backend_info() -> BackendInfo:
    """Imports PyAV; raises ImportError when it cannot be loaded (a broken install or bundle)."""
    import av

    available = set(av.codecs_available)
    meta = getattr(getattr(av, "_core", None), "library_meta", {})
    licence = str(meta.get("libavcodec", {}).get("license", "unknown"))
    return BackendInfo(
        pyav=str(av.__version__),
        ffmpeg=str(av.ffmpeg_version_info),
        ffmpeg_licence=licence,
        gpl_encoders=tuple(name for name in GPL_ENCODERS if name in available),
    )
