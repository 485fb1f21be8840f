"""`ltxstudio batch FILE.jsonl`: many requests through the queue, within the account's limits.

One JSON object per line, with the same fields as the flags: a generation
(`{"mode": "text", "prompt": "…", "duration": 6, "resolution": "1920x1080", "output": "a.mp4"}`)
or an edit (`{"kind": "retake", "video": "a.mp4", "start": 2, "duration": 2, "prompt": "…"}`;
kinds: retake, extend, hdr, reframe). Every line is checked before anything is sent; one bad line
stops the batch with all the reasons.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ltxstudio.cli._common import (
    BAD_INPUT,
    Progress,
    add_version,
    opened_session,
    report,
    run_async,
    usd,
    wait_for,
)
from ltxstudio.core.catalog import ExtendMode, Model, Resolution, RetakeMode
from ltxstudio.core.pricing import format_usd
from ltxstudio.core.request import Extend, Hdr, Placement, Reframe, Request, Retake, media_ref
from ltxstudio.session.forms import Mode, generation_request
from ltxstudio.session.preflight import destination_problems

if TYPE_CHECKING:
    from ltxstudio.session import Session


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("batch", help="run many requests from a JSON-lines file")
    add_version(parser)
    parser.add_argument("file", type=Path, help="one JSON request per line")
    parser.add_argument("--concurrency", type=int, help="jobs at once (default: your setting)")
    parser.add_argument("--out", type=Path, default=Path(), help="folder for the results")
    parser.add_argument("--budget", type=usd, help="ask before today's spend would pass USD")
    parser.set_defaults(func=_batch)


class LineError(ValueError):
    pass


#: Keys a batch line may no longer carry, and why (CONTRACT-2026-09 §1 and §3).
REMOVED_KEYS = {
    "surface": "the synchronous v1 routes were retired on 2026-10-26; every job goes to v2",
    "guidance_scale": "audio-to-video no longer has guidance_scale (2026-08-19)",
    "colorspace": "HDR takes only the video; the API returns EXR frames (contract §3)",
}


def parse_line(data: dict[str, Any]) -> Request:
    """One batch line → a request; raises LineError with what is wrong."""
    for key, why in REMOVED_KEYS.items():
        if key in data:
            raise LineError(f"{key!r} was removed: {why}; drop the key")
    kind = data.get("kind") or ("generate" if "mode" in data else None)
    try:
        match kind:
            case "generate":
                return _generate(data)
            case "retake":
                return Retake(
                    video_uri=media_ref(str(data["video"])),
                    start_time=float(data["start"]),
                    duration=float(data["duration"]),
                    mode=RetakeMode(data.get("mode", RetakeMode.AUDIO_AND_VIDEO.value)),
                    prompt=data.get("prompt"),
                )
            case "extend":
                context = data.get("context")
                return Extend(
                    video_uri=media_ref(str(data["video"])),
                    duration=float(data["duration"]),
                    mode=ExtendMode(data.get("mode", ExtendMode.END.value)),
                    context=float(context) if context is not None else None,
                    prompt=data.get("prompt"),
                )
            case "hdr":
                return Hdr(video_uri=media_ref(str(data["video"])))
            case "reframe":
                anchor = data.get("anchor")
                return Reframe(
                    video_uri=media_ref(str(data["video"])),
                    resolution=Resolution.parse(str(data["resolution"])),
                    placement=Placement(anchor=anchor) if anchor else None,
                )
            case _:
                raise LineError(
                    'give "mode" (text/image/audio) or "kind" (retake/extend/hdr/reframe)'
                )
    except KeyError as exc:
        raise LineError(f"missing field {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise LineError(str(exc)) from None


def _generate(data: dict[str, Any]) -> Request:
    values: dict[str, Any] = {"mode": Mode(data["mode"]), "prompt": str(data.get("prompt", ""))}
    if "model" in data:
        values["model"] = Model(data["model"])
    if "resolution" in data:
        values["resolution"] = (
            Resolution.parse(str(data["resolution"])) if data["resolution"] else None
        )
    elif values["mode"] is Mode.AUDIO:
        values["resolution"] = None
    if "duration" in data:
        values["duration"] = None if data["duration"] in (None, "auto") else int(data["duration"])
    for key in ("fps", "camera_motion", "image", "last_frame", "audio"):
        if key in data:
            values[key] = data[key]
    values["generate_audio"] = not data.get("no_audio", False) and data.get("generate_audio", True)
    return generation_request(**values)


def _batch(args: argparse.Namespace) -> int:
    async def main() -> int:
        lines = _read(args.file)
        if isinstance(lines, int):
            return lines
        async with opened_session(
            args, concurrency=args.concurrency, budget=args.budget
        ) as session:
            return await _run(session, lines, args.out)

    return run_async(main)


def _read(path: Path) -> list[tuple[int, Request, Path]] | int:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return BAD_INPUT
    out: list[tuple[int, Request, Path]] = []
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise LineError("each line must be a JSON object")
            request = parse_line(data)
        except (json.JSONDecodeError, LineError) as exc:
            errors.append(f"line {number}: {exc}")
            continue
        out.append(
            (number, request, Path(str(data.get("output") or f"{path.stem}-{number:04d}.mp4")))
        )
    if errors or not out:
        for error in errors or ["the batch file has no requests"]:
            print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    return out


async def _run(session: Session, lines: list[tuple[int, Request, Path]], out: Path) -> int:
    from ltxstudio.session.session import Submission  # with the session: not to build the parser

    # Check every line first: one bad line must not leave half a batch queued and paid for.
    problems = [str(p) for p in destination_problems(None, session.library.root)]
    total = Decimal(0)
    for number, request, name in lines:
        checked = await session.check(request)
        problems += [f"line {number}: {p}" for p in checked.problems]
        target = name if name.is_absolute() else out / name
        problems += [f"line {number}: {p}" for p in destination_problems(target, None)]
        total += checked.estimate_usd or 0
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return BAD_INPUT
    print(f"queueing {len(lines)} jobs, estimated {format_usd(total)} in all", file=sys.stderr)
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    submissions = []
    for _number, request, name in lines:
        target = name if name.is_absolute() else out / name
        match request:
            case Retake() | Extend() | Hdr() | Reframe():
                take = await session.take_for_file(Path(str(request.video_uri)))
                submissions.append(session.edit_submission(request, take, target))
            case _:
                submissions.append(Submission(request, target))
    jobs = await session.submit_many(submissions)  # all journaled at once, then dispatched
    progress = Progress(session, jobs)
    try:
        done = await wait_for(session, jobs)
    finally:
        progress.close()
    return report(done, session)
