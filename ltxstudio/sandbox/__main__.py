"""`python -m ltxstudio.sandbox`: the same server as `ltxstudio sandbox`."""

from __future__ import annotations

import argparse
import sys

from ltxstudio.sandbox.arguments import add_arguments
from ltxstudio.sandbox.server import run_from_args


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ltxstudio.sandbox", description="Serve the offline LTX API sandbox."
    )
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
