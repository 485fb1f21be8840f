"""`ltxstudio retake|extend|hdr|reframe VIDEO`: edit a video; the result joins the video's clip.

The video is matched to its library take by content (a result saved earlier with `-o` is found
again), or imported as a new clip, so provenance chains across commands: generate, then retake,
then extend the outputs, and the clip holds three takes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ltxstudio.cli._common import (
    Progress,
    add_version,
    existing_file,
    opened_session,
    report,
    run_async,
    wait_for,
)
from ltxstudio.cli.generate_cmd import resolution
from ltxstudio.core import catalog
from ltxstudio.core.catalog import ExtendMode, RetakeMode
from ltxstudio.core.pricing import format_usd
from ltxstudio.core.request import EditRequest, Extend, Hdr, Placement, Reframe, Retake, media_ref


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of seconds, not {text!r}") from None
    return value


def register(subparsers: Any) -> None:
    retake = subparsers.add_parser("retake", help="regenerate a time window of a video")
    retake.add_argument("video", type=existing_file)
    retake.add_argument("--start", type=seconds, required=True, help="window start, seconds")
    retake.add_argument("--duration", type=seconds, required=True, help="window length (≥ 2 s)")
    retake.add_argument("--mode", choices=catalog.RETAKE_MODES, default=catalog.RETAKE_MODES[0])
    retake.add_argument("--prompt", help="what happens in the window")
    retake.set_defaults(func=_retake)

    extend = subparsers.add_parser("extend", help="add 2–20 s at the start or end of a video")
    extend.add_argument("video", type=existing_file)
    extend.add_argument("--duration", type=seconds, required=True, help="seconds to add")
    extend.add_argument("--mode", choices=catalog.EXTEND_MODES, default="end")
    extend.add_argument("--context", type=seconds, help="seconds of input used as context")
    extend.add_argument("--prompt", help="what happens in the new part")
    extend.set_defaults(func=_extend)

    hdr = subparsers.add_parser("hdr", help="HDR frames (EXR in a ZIP) from an SDR video")
    hdr.add_argument("video", type=existing_file)
    hdr.set_defaults(func=_hdr)

    reframe = subparsers.add_parser("reframe", help="outpaint a video to another aspect ratio")
    reframe.add_argument("video", type=existing_file)
    reframe.add_argument(
        "--resolution",
        type=resolution,
        required=True,
        help="one of " + ", ".join(str(r) for r in catalog.REFRAME_RESOLUTIONS),
    )
    reframe.add_argument("--anchor", choices=catalog.REFRAME_ANCHORS)
    reframe.set_defaults(func=_reframe)

    for parser in (retake, extend, hdr, reframe):
        add_version(parser)
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            required=parser is hdr,
            help="where to save the result" + (" (a .zip of EXR frames)" if parser is hdr else ""),
        )


def _run(args: argparse.Namespace, request: EditRequest) -> int:
    async def main() -> int:
        async with opened_session(args) as session:
            take = await session.take_for_file(args.video)
            job = await session.edit(request, take, output_path=args.output)
            print(
                f"queued {job.id[:8]} ({request.endpoint.value} of clip {take.clip_id[:8]}): "
                f"estimated {format_usd(job.estimate_usd)}",
                file=sys.stderr,
            )
            progress = Progress(session, [job])
            try:
                done = await wait_for(session, [job])
            finally:
                progress.close()
            return report(done, session)

    return run_async(main)


def _retake(args: argparse.Namespace) -> int:
    return _run(
        args,
        Retake(
            video_uri=media_ref(args.video),
            start_time=args.start,
            duration=args.duration,
            mode=RetakeMode(args.mode),
            prompt=args.prompt,
        ),
    )


def _extend(args: argparse.Namespace) -> int:
    return _run(
        args,
        Extend(
            video_uri=media_ref(args.video),
            duration=args.duration,
            mode=ExtendMode(args.mode),
            context=args.context,
            prompt=args.prompt,
        ),
    )


def _hdr(args: argparse.Namespace) -> int:
    return _run(args, Hdr(video_uri=media_ref(args.video)))


def _reframe(args: argparse.Namespace) -> int:
    placement = Placement(anchor=args.anchor) if args.anchor else None
    return _run(
        args,
        Reframe(video_uri=media_ref(args.video), resolution=args.resolution, placement=placement),
    )
