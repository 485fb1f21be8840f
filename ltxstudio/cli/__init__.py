"""The headless command line: argument parsing and dispatch to one module per subcommand.

Qt-free by contract (import-linter): the GUI is started by `ltxstudio.__main__`, not from here.
Each subcommand module exposes `register(subparsers)`, which adds its parser and sets `func`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import cast

from ltxstudio import __version__
from ltxstudio.cli import batch_cmd, edit_cmd, generate_cmd, jobs_cmd, key_cmd, sandbox_cmd
from ltxstudio.cli._common import add_global_options, add_version

Handler = Callable[[argparse.Namespace], int]

#: Subcommand modules in the order `--help` lists them.
_COMMANDS: tuple[object, ...] = (
    generate_cmd,
    edit_cmd,
    batch_cmd,
    jobs_cmd,
    key_cmd,
    sandbox_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ltxstudio",
        description=(
            "LTX Studio Desktop: generate, retake and extend videos with the LTX-2 API. "
            "Without a subcommand it opens the desktop app (on the offline sandbox when no API "
            "key is stored)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"ltxstudio {__version__}")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = sub.add_parser("gui", help="open the desktop app (the default)")
    add_version(gui)
    for module in _COMMANDS:
        module.register(sub)  # type: ignore[attr-defined]
    return parser


def run(args: argparse.Namespace) -> int:
    handler = cast(Handler, args.func)
    return handler(args)
