"""`ltxstudio generate {text,image,audio}` and `ltxstudio cost` (the same flags, estimate only)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ltxstudio.cli._common import (
    OK,
    Progress,
    add_version,
    existing_file,
    opened_session,
    report,
    run_async,
    wait_for,
)
from ltxstudio.core import catalog
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.pricing import format_usd
from ltxstudio.core.request import GenerationRequest
from ltxstudio.session.forms import Mode, generation_request
from ltxstudio.session.preflight import BadInput, preflight


def resolution(text: str) -> Resolution:
    try:
        return Resolution.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def duration(text: str) -> int | None:
    if text.lower() == "auto":
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a duration in seconds or 'auto', not {text!r}") from None
    if not value.is_integer():
        raise argparse.ArgumentTypeError(
            f"text/image-to-video durations are whole seconds, not {text}"
        )
    return int(value)


def add_generation_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("mode", choices=[m.value for m in Mode], help="what the video starts from")
    parser.add_argument("--prompt", default="", help="what happens (4–8 sentences work best)")
    parser.add_argument("--image", type=existing_file, help="first frame (image or audio mode)")
    parser.add_argument(
        "--last-frame", type=existing_file, help="last frame (image mode; audio mode with --image)"
    )
    parser.add_argument("--audio", type=existing_file, help="soundtrack, 2–20 s (audio mode)")
    parser.add_argument("--model", choices=[m.value for m in Model], help="default: ltx-2-3-pro")
    parser.add_argument("--resolution", type=resolution, help="WxH, e.g. 1920x1080 or 1080x1920")
    parser.add_argument(
        "--duration",
        type=duration,
        default=argparse.SUPPRESS,  # absent ≠ 'auto' (None)
        help="seconds (or 'auto' on LTX-2.5); default 6",
    )
    parser.add_argument(
        "--fps", type=int, help=f"frames per second (default {catalog.DEFAULT_FPS}; audio mode too)"
    )
    parser.add_argument("--no-audio", action="store_true", help="silent video (text/image mode)")
    parser.add_argument(
        "--camera-motion", choices=catalog.CAMERA_MOTIONS, help="a camera move (every mode)"
    )


def request_from(args: argparse.Namespace) -> GenerationRequest:
    mode = Mode(args.mode)
    values: dict[str, Any] = {"mode": mode, "prompt": args.prompt}
    if args.model:
        values["model"] = Model(args.model)
    if args.resolution is not None:
        values["resolution"] = args.resolution
    elif mode is Mode.AUDIO:
        values["resolution"] = None  # the API picks by the image's orientation
    if hasattr(args, "duration"):
        values["duration"] = args.duration
    if args.fps:
        values["fps"] = args.fps
    for name in ("image", "last_frame", "audio"):
        if getattr(args, name):
            values[name] = str(getattr(args, name))
    values["generate_audio"] = not args.no_audio
    values["camera_motion"] = args.camera_motion
    return generation_request(**values)


def register(subparsers: Any) -> None:
    gen = subparsers.add_parser(
        "generate",
        help="generate a video from text, an image or audio",
        description="Queue one generation, wait for it, save it with a provenance sidecar.",
    )
    add_version(gen)
    add_generation_flags(gen)
    gen.add_argument("-o", "--output", type=Path, help="where to save the MP4 (and .json sidecar)")
    gen.add_argument(
        "--fix",
        action="store_true",
        help="convert inputs the API would refuse when a conversion cures it (e.g. PCM WAV to "
        "AAC-LC M4A); converted copies go to the cache, your files stay as they are",
    )
    gen.set_defaults(func=_generate)

    cost = subparsers.add_parser(
        "cost", help="estimate what a generation would cost (nothing is sent)"
    )
    add_version(cost)
    add_generation_flags(cost)
    cost.set_defaults(func=_cost)


def _generate(args: argparse.Namespace) -> int:
    async def main() -> int:
        request = request_from(args)
        async with opened_session(args) as session:
            if args.fix:
                request, converted = await session.fix_inputs(request)
                for line in converted:
                    print(f"converted {line}", file=sys.stderr)
            try:
                job = await session.generate(request, output_path=args.output)
            except BadInput as exc:
                if exc.fixable and not args.fix:
                    exc.hint = "run again with --fix to convert it; your file stays as it is"
                raise
            print(f"queued {job.id[:8]}: estimated {format_usd(job.estimate_usd)}", file=sys.stderr)
            progress = Progress(session, [job])
            try:
                done = await wait_for(session, [job])
            finally:
                progress.close()
            return report(done, session)

    return run_async(main)


def _cost(args: argparse.Namespace) -> int:
    async def main() -> int:
        checked = await preflight(request_from(args))
        checked.raise_if_bad()
        price = format_usd(checked.estimate_usd) if checked.estimate_usd is not None else "unknown"
        unpublished = "" if checked.price_published else " (this tier's rate is not published)"
        print(f"estimated cost: {price}{unpublished}")
        for warning in checked.warnings:
            print(f"note: {warning}", file=sys.stderr)
        return OK

    return run_async(main)
