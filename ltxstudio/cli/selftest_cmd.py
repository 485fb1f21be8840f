"""`ltxstudio selftest`: the parser only. The checks need Qt, which the CLI package may not
import, so `ltxstudio.__main__` runs them (see `ltxstudio.ui.selftest_main`)."""

from __future__ import annotations

import argparse
from typing import Any

from ltxstudio.cli._common import add_version

#: `ltxstudio.__main__` starts these subcommands in the GUI layer, not through `func`.
GUI_COMMAND = "selftest"


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        GUI_COMMAND,
        help="check this installation end to end (offscreen; exit 0 only if all checks pass)",
        description=(
            "Open the main window offscreen on the offline sandbox in a temporary directory "
            "(never your settings, jobs, library or keyring), generate one 2 s clip, probe it "
            "with PyAV, play it with QtMultimedia until a frame is decoded, and report the "
            "keyring backend. One line per check with its timing; exit status 0 only if every "
            "required check passes (no usable keyring is a warning)."
        ),
    )
    add_version(parser)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory (clip, journal, log) and print where it is",
    )
    parser.set_defaults(func=None)
