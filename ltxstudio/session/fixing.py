"""The media layer's conversions applied to a request's local inputs before it is sent.

The GUI offers each conversion as a button next to the problem; the CLI applies them all on
`--fix`. Converted files go to a folder of ours and the request points at them; the user's
originals are never touched. Problems no conversion can cure (audio too short, too few frames)
stay, and preflight reports them as usual.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar, cast

from ltxstudio import media
from ltxstudio.session.preflight import REMOTE_PREFIXES, role_for
from ltxstudio.session.requests import GenerateRequest, Request

R = TypeVar("R", bound=Request)

#: The request attribute that holds each API media field's local path.
_ATTRIBUTE = {
    "image_uri": "image",
    "last_frame_uri": "last_frame",
    "audio_uri": "audio",
    "video_uri": "video",
}


async def fix_inputs(request: R, out_dir: Path) -> tuple[R, list[str]]:
    """`request` with every fixable local input converted, and one line per conversion."""
    model = getattr(request, "model", None)
    resolution = request.resolution if isinstance(request, GenerateRequest) else None
    changes: dict[str, str] = {}
    done: list[str] = []
    for api_field, source in request.media().items():
        if source.startswith(REMOTE_PREFIXES):
            continue
        role = role_for(request.endpoint, api_field)
        result = await media.run(
            media.autofix, Path(source), role, out_dir, model=model, resolution=resolution
        )
        if result.converted:
            changes[_ATTRIBUTE[api_field]] = str(result.path)
            how = ", ".join(fix.label for fix in result.applied)
            done.append(f"{role.value.replace('-', ' ')}: {how}: {result.path}")
    # replace() cannot be typed over a union of dataclasses; the result has request's type.
    fixed = cast(R, replace(cast(Any, request), **changes)) if changes else request
    return fixed, done
