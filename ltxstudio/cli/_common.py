"""Helpers shared by the subcommand modules."""

from __future__ import annotations

import argparse

from ltxstudio import __version__


def add_version(parser: argparse.ArgumentParser) -> None:
    """Every subcommand answers `--version` too."""
    parser.add_argument("--version", action="version", version=f"ltxstudio {__version__}")
