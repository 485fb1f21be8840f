"""Everything checked before a request may cost anything: the form, the files, the price.

For each local media input the media layer probes the file and applies the API's rules for its
role; the probed facts of the main input (the soundtrack for audio-to-video, the video for an
edit) then sharpen the client's own checks and the estimate. Nothing here touches the network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ltxstudio import media
from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.errors import UserFacingError
from ltxstudio.core.pricing import UnpricedError, quote
from ltxstudio.core.request import FieldProblem, MediaFacts, Request
from ltxstudio.media import MediaError, MediaInfo, Role, Transport

_VIDEO_ROLE = {
    Endpoint.RETAKE: Role.RETAKE_SOURCE,
    Endpoint.EXTEND: Role.EXTEND_SOURCE,
    Endpoint.HDR: Role.HDR_SOURCE,
    Endpoint.REFRAME: Role.REFRAME_SOURCE,
}
_ROLE_BY_FIELD = {
    "image_uri": Role.FIRST_FRAME,
    "last_frame_uri": Role.LAST_FRAME,
    "audio_uri": Role.SOUNDTRACK,
}
#: The input whose facts price and check the request.
_MAIN_INPUT = {Endpoint.AUDIO_TO_VIDEO: "audio_uri", **dict.fromkeys(_VIDEO_ROLE, "video_uri")}


class BadInput(UserFacingError):
    """The request cannot be sent as it is; nothing was uploaded or paid. `fixable`: some of
    the problems are ones a conversion of an input would cure (`fixing.fix_inputs`)."""

    def __init__(self, problems: list[FieldProblem], *, fixable: bool = False) -> None:
        self.problems = problems
        self.fixable = fixable
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


@dataclass(frozen=True)
class Preflight:
    problems: list[FieldProblem]
    estimate_usd: Decimal | None
    facts: MediaFacts | None = None
    infos: dict[str, MediaInfo] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    fixable: bool = False
    #: False when the estimate uses a rate the pricing page does not publish (contract §6).
    price_published: bool = True

    def raise_if_bad(self) -> None:
        if self.problems:
            raise BadInput(self.problems, fixable=self.fixable)


def role_for(endpoint: Endpoint, api_field: str) -> Role:
    return _ROLE_BY_FIELD.get(api_field) or _VIDEO_ROLE[endpoint]


def facts_of(info: MediaInfo) -> MediaFacts:
    video = info.first_video
    if video is None:
        return MediaFacts(duration=info.duration or 0.0)
    return MediaFacts(
        duration=info.duration or video.duration or 0.0,
        width=video.display_width,
        height=video.display_height,
        fps=float(video.fps) if video.fps else None,
        frames=video.frame_count if video.frame_count_exact else None,
    )


async def preflight(request: Request, transport: Transport = Transport.UPLOAD) -> Preflight:
    problems: list[FieldProblem] = []
    warnings: list[str] = []
    infos: dict[str, MediaInfo] = {}
    fixable = False
    model = getattr(request, "model", None)
    resolution = getattr(request, "resolution", None)
    for api_field, local in request.local_files().items():
        path = Path(local.path)
        role = role_for(request.endpoint, api_field)
        label = role.value.replace("-", " ")
        try:
            info = await media.run(media.probe, path)
        except MediaError as exc:
            problems.append(FieldProblem(label, exc.message))
            continue
        except OSError as exc:
            problems.append(FieldProblem(label, f"cannot read {path}: {exc.strerror or exc}"))
            continue
        infos[api_field] = info
        found = media.check_info(info, role, transport, model=model, resolution=resolution)
        problems += [FieldProblem(label, p.message) for p in found if p.is_error]
        fixable = fixable or any(p.is_error and p.fixes for p in found)
        warnings += [p.message for p in found if not p.is_error]
    main = _MAIN_INPUT.get(request.endpoint)
    facts = facts_of(infos[main]) if main in infos else None
    if not problems:
        problems = request.problems(facts)
    estimate: Decimal | None = None
    published = True
    if main is None or facts is not None:  # an edit of a remote video has nothing to price on
        try:
            priced = quote(request.cost_basis(facts))
            estimate, published = priced.usd, priced.published
        except UnpricedError:
            estimate = None
    return Preflight(problems, estimate, facts, infos, warnings, fixable, published)


def destination_problems(output: Path | None, library_root: Path | None) -> list[FieldProblem]:
    """Where the result will be written must take it before the job is paid for: a read-only
    library or output folder found after the render would leave a paid result stranded."""
    problems = []
    if output is not None:
        if output.is_dir():
            problems.append(FieldProblem("output", f"the output {output} is a folder, not a file"))
        elif why := _unwritable(output.parent):
            problems.append(FieldProblem("output", f"cannot write the output {output}: {why}"))
    if library_root is not None and (why := _unwritable(library_root)):
        where = f"cannot save takes in the library folder {library_root}: {why}"
        problems.append(FieldProblem("library", where))
    return problems


def _unwritable(folder: Path) -> str | None:
    """Why files cannot be created in `folder` (or the folders that would be made for it)."""
    existing = folder.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a folder"
    # access() also answers EROFS for a read-only mount, and goes by the real user, as the
    # process does: a folder root may write to passes for root.
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"the folder {existing} is read-only for this user"
    return None
