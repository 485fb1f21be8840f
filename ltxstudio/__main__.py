"""`ltxstudio` and `python -m ltxstudio`: the GUI by default, headless subcommands otherwise.

The only module that may reach both the GUI (`app`) and the headless CLI (`cli`); it imports the
GUI lazily so `ltxstudio sandbox` and friends never load Qt.
"""

from __future__ import annotations

import sys

from ltxstudio.cli import build_parser, run
from ltxstudio.cli.selftest_cmd import GUI_COMMAND as SELFTEST


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in (None, "gui"):
        from ltxstudio.app import main as gui_main

        return gui_main(args)
    if args.command == SELFTEST:
        from ltxstudio.ui.selftest_main import main as selftest_main

        return selftest_main(args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
