"""`ltxstudio sandbox`: serve the offline LTX API emulator on loopback."""

from __future__ import annotations

import argparse
from typing import Any

from ltxstudio.cli._common import add_version
from ltxstudio.sandbox.server import add_arguments, run_from_args


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sandbox",
        help="serve the offline LTX API sandbox (default 127.0.0.1:8765)",
        description=(
            "Serve the offline emulator of the LTX API: same routes, validation, errors and job "
            "lifecycle as api.ltx.video, real MP4 output, a simulated balance. Prints the base "
            "URL and the API key; Ctrl-C stops it."
        ),
    )
    add_version(parser)
    add_arguments(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    return run_from_args(args)
