"""`ltxstudio sandbox`: serve the offline LTX API emulator on loopback."""

from __future__ import annotations

import argparse
from typing import Any

from ltxstudio.cli._common import add_version
from ltxstudio.sandbox.arguments import add_arguments


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sandbox",
        help="serve the offline LTX API sandbox (default 127.0.0.1:8765)",
        description=(
            "Serve the offline emulator of the LTX API as documented in CONTRACT-2026-09: the "
            "same routes, validation, errors and v2 job lifecycle as api.ltx.io (the retired v1 "
            "generation routes answer 410), signed storage URLs that answer in storage's own "
            "XML and expire on their own clock (--result-url-seconds), real MP4 output and a "
            "simulated balance. Prints the base URL and the API key; Ctrl-C stops it."
        ),
    )
    add_version(parser)
    add_arguments(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ltxstudio.sandbox.server import run_from_args  # uvicorn and the render stack: on use

    return run_from_args(args)
