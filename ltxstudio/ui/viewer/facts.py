"""What the viewer needs to know about a take's file, read once by `media.probe`, what an edit
of it would cost (from `core.pricing`, the table the session and sandbox also use), and which
clip and take the viewer shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ltxstudio.core.catalog import Resolution
from ltxstudio.core.pricing import UnpricedError, estimate_usd
from ltxstudio.core.request import EditRequest, MediaFacts
from ltxstudio.core.timebase import as_fps, frame_at, frame_time
from ltxstudio.library.model import Clip, Take
from ltxstudio.media import MediaInfo


@dataclass(frozen=True)
class ClipFacts:
    """One video file as the player, the timeline and the edit dialogs see it."""

    path: Path
    fps: Fraction
    frames: int
    width: int  # display size (rotation and pixel aspect applied)
    height: int
    has_audio: bool
    info: MediaInfo

    @classmethod
    def from_info(cls, info: MediaInfo) -> ClipFacts:
        video = info.first_video
        if video is None:
            raise ValueError(f"{info.path.name} has no video stream")
        fps = as_fps(video.fps) if video.fps else Fraction(24)
        frames = video.frame_count
        if frames <= 0:
            seconds = video.duration or info.duration or 0.0
            frames = max(1, round(seconds * fps))
        return cls(
            path=info.path,
            fps=fps,
            frames=frames,
            width=video.display_width,
            height=video.display_height,
            has_audio=bool(info.audio),
            info=info,
        )

    @property
    def duration(self) -> float:
        """Seconds of picture: frame count over rate, the grid every selection snaps to."""
        return frame_time(self.frames, self.fps)

    @property
    def last_frame(self) -> int:
        return max(0, self.frames - 1)

    @property
    def size(self) -> Resolution:
        return Resolution(self.width, self.height)

    def media_facts(self) -> MediaFacts:
        """These facts as the API client checks and prices an edit of this file."""
        return MediaFacts(
            duration=self.duration,
            width=self.width,
            height=self.height,
            fps=float(self.fps),
            frames=self.frames,
        )

    def frame_at(self, seconds: float) -> int:
        return min(self.last_frame, frame_at(max(0.0, seconds), self.fps))

    def time_of(self, frame: int) -> float:
        return frame_time(frame, self.fps)


def estimate(request: EditRequest, facts: ClipFacts) -> Decimal | None:
    """The estimated charge of `request` on this input, or None when it has no price: the
    request's own basis on the probed input (the one the session records and checks the budget
    with), so the dialog never shows another figure than the queue."""
    try:
        return estimate_usd(request.cost_basis(facts.media_facts()))
    except UnpricedError:
        return None


@dataclass
class Showing:
    """The clip and take on screen, and the facts of the take's file: the panel changes them
    when a take loads (all three together), its parts read them."""

    clip: Clip | None = None
    take: Take | None = None
    facts: ClipFacts | None = None
