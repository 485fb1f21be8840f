"""The media layer's conversions applied to a request's local inputs before it is sent.

The GUI offers each conversion as a button next to the problem; the CLI applies them all on
`--fix`. Converted files go to a folder of ours and the request points at them; the user's
originals are never touched. Problems no conversion can cure (audio too short, too few frames)
stay, and preflight reports them as usual.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar, cast

from ltxstudio import media
from ltxstudio.core.request import LocalFile, MediaRef, Request
from ltxstudio.session.preflight import role_for

R = TypeVar("R", bound=Request)


async def fix_inputs(request: R, out_dir: Path) -> tuple[R, list[str]]:
    """`request` with every fixable local input converted, and one line per conversion."""
    model = getattr(request, "model", None)
    resolution = getattr(request, "resolution", None)
    changes: dict[str, MediaRef] = {}
    done: list[str] = []
    for api_field, local in request.local_files().items():
        role = role_for(request.endpoint, api_field)
        result = await media.run(
            media.autofix, Path(local.path), role, out_dir, model=model, resolution=resolution
        )
        if result.converted:
            changes[api_field] = LocalFile(str(result.path))
            how = ", ".join(fix.label for fix in result.applied)
            done.append(f"{role.value.replace('-', ' ')}: {how}: {result.path}")
    # with_media keeps the request's own class; mypy cannot see that through a bound union.
    return (cast(R, request.with_media(changes)) if changes else request), done
