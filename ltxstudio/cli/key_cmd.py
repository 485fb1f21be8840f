"""`ltxstudio key set|clear|status|check`: the API key lives in the OS keyring, never in a file.

`set` reads the key from a prompt that does not echo, or from standard input when piped (never
from the command line, where it would land in the shell's history). `check` asks the API whether
it takes the key, with a request that creates nothing and costs nothing.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ltxstudio.cli._common import API_ERROR, BAD_INPUT, OK, add_version, run_async
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
        ("check", "ask the API whether it takes the key (free: creates no job)", _check),
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


def _check(args: argparse.Namespace) -> int:
    from ltxstudio.session.keycheck import KeyVerdict, check_key, target_base_url  # the client

    key = secrets.load_key()
    if key is None:
        print(
            "error: no API key to check: set one with `ltxstudio key set` or LTX_API_KEY "
            "(without a key the app uses the offline sandbox)",
            file=sys.stderr,
        )
        return BAD_INPUT
    url = target_base_url(getattr(args, "base_url", None))
    where = "LTX_API_KEY" if key.source is secrets.KeySource.ENVIRONMENT else "the keyring"

    async def main() -> int:
        try:
            found = await check_key(key.value, url)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return BAD_INPUT
        request = f" (x-request-id {found.request_id})" if found.request_id else ""
        match found.verdict:
            case KeyVerdict.VALID:
                print(f"the key from {where} works: {url} accepted it (no job was created)")
                return OK
            case KeyVerdict.REFUSED:
                print(
                    f"error: {url} refused the key from {where}{request}; "
                    "set another with `ltxstudio key set`",
                    file=sys.stderr,
                )
            case KeyVerdict.UNREACHABLE:
                print(f"error: could not check the key: {found.message}", file=sys.stderr)
            case KeyVerdict.UNKNOWN:
                print(
                    f"error: could not tell whether the key works: {found.message}", file=sys.stderr
                )
        return API_ERROR

    return run_async(main)
