"""`autofix`: check, apply one conversion that cures every fixable error, check again — what the
CLI's `--fix` does and what the UI's "Fix" button runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.media.checks import check, errors
from ltxstudio.media.convert import convert
from ltxstudio.media.errors import CancelToken
from ltxstudio.media.problems import Code, Fix, Problem, Role, Transport


@dataclass(frozen=True)
class FixResult:
    path: Path  # the converted file, or the original when nothing could be fixed
    converted: bool
    applied: tuple[Fix, ...]
    problems: tuple[Problem, ...]  # what the checks say about `path` now


def choose_fixes(problems: list[Problem], choices: Mapping[Code, int] | None = None) -> list[Fix]:
    """One fix per fixable error: the first, or the alternative picked in `choices` (e.g.
    `{Code.VIDEO_ASPECT: 1}` for crop instead of pad)."""
    picked: list[Fix] = []
    for problem in errors(problems):
        if problem.fixes:
            index = (choices or {}).get(problem.code, 0)
            fix = problem.fixes[min(max(index, 0), len(problem.fixes) - 1)]
            if fix not in picked:
                picked.append(fix)
    return picked


def autofix(
    path: Path | str,
    role: Role,
    out_dir: Path | str,
    transport: Transport = Transport.UPLOAD,
    *,
    model: Model | None = None,
    resolution: Resolution | None = None,
    choices: Mapping[Code, int] | None = None,
    cancel: CancelToken | None = None,
) -> FixResult:
    """Convert `path` so that it passes the checks for `role`, when conversions can do it.

    Errors without a fix (too short, too few frames, unreadable) stay in `problems`; the
    original file is never modified.
    """
    src = Path(path)
    problems = check(src, role, transport, model=model, resolution=resolution)
    fixes = choose_fixes(problems, choices)
    if not fixes:
        return FixResult(src, False, (), tuple(problems))
    out = convert(src, fixes, out_dir, cancel=cancel)
    after = check(out, role, transport, model=model, resolution=resolution)
    return FixResult(out, True, tuple(fixes), tuple(after))
