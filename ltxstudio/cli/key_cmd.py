"""`ltxstudio key set|clear|status`: the API key lives in the OS keyring, never in a file.

`set` reads the key from a prompt that does not echo, or from standard input when piped (never
from the command line, where it would land in the shell's history).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ltxstudio.cli._common import BAD_INPUT, OK, add_version
from ltxstudio.core.errors import UserFacingError
from ltxstudio.settings import secrets


def register(subparsers: Any) -> None:
    key = subparsers.add_parser("key", help="store, remove or check the LTX API key")
    add_version(key)
    sub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    for name, helptext, func in (
        ("set", "store a key in the system keyring (read from a prompt or stdin)", _set),
        ("clear", "remove the stored key", _clear),
        ("status", "say where the key comes from (never shows it)", _status),
    ):
        parser = sub.add_parser(name, help=helptext)
        add_version(parser)
        parser.set_defaults(func=func)


def _set(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        value = getpass.getpass("LTX API key (not shown): ")
    else:
        value = sys.stdin.readline()
    try:
        secrets.save_key(value)
    except (UserFacingError, ValueError) as exc:  # no keyring, or an empty key
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    print(f"saved in the system keyring ({secrets.backend_name()})")
    return OK


def _clear(args: argparse.Namespace) -> int:
    print("removed the stored key" if secrets.clear_key() else "no key was stored")
    return OK


def _status(args: argparse.Namespace) -> int:
    key = secrets.load_key()
    usable = secrets.keyring_usable()
    if key is None:
        print("no key: the app and the CLI use the offline sandbox (simulated, no charges)")
    elif key.source is secrets.KeySource.ENVIRONMENT:
        print("using the key from LTX_API_KEY")
    else:
        print(f"a key is stored in the system keyring ({secrets.backend_name()})")
    if not usable:
        print("note: no usable system keyring here; keys cannot be saved (use LTX_API_KEY)")
    return OK
