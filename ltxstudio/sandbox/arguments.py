"""The sandbox server's command-line options, apart from the server so that building the CLI's
parser does not import uvicorn, starlette and the render stack."""

from __future__ import annotations

import argparse

from ltxstudio.core.catalog import DEFAULT_CONCURRENCY
from ltxstudio.sandbox.config import QUEUED_JOB_LIMIT, RESULT_URL_SECONDS

DEFAULT_PORT = 8765


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0 = any free one)")
    parser.add_argument("--api-key", help="the key clients must send (default: a random one)")
    parser.add_argument(
        "--balance",
        default="25.00",
        metavar="USD",
        help="starting balance in dollars (with --state-dir: of a new state dir only)",
    )
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        help="keep jobs, uploads, results, the balance and the stats in DIR across restarts "
        "(default: in memory, gone when the sandbox stops)",
    )
    parser.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help="fault plan, e.g. 'submit#3=429:5,poll#2=503,rate=0.1,seed=7' "
        "(syntax: ltxstudio.sandbox.faults)",
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, metavar="FACTOR", help="finish v2 jobs FACTOR× faster"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help=f"v2 jobs processing at once; more wait in pending (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--queue-limit",
        type=int,
        default=QUEUED_JOB_LIMIT,
        metavar="N",
        help="v2 jobs that may wait in pending before a submit answers 429 rate_limit_error "
        f"'Queue limit exceeded' (default {QUEUED_JOB_LIMIT})",
    )
    parser.add_argument(
        "--rate-limit",
        default="300/60",
        metavar="N/SECONDS",
        help="requests per sliding window before 429 (default 300/60)",
    )
    parser.add_argument(
        "--result-url-seconds",
        type=float,
        default=RESULT_URL_SECONDS,
        metavar="SECONDS",
        help="how long a result URL works after the poll that handed it out; each poll signs "
        f"a fresh one (default {RESULT_URL_SECONDS:g}; job statuses are kept 24 h)",
    )
    parser.add_argument(
        "--storage-port",
        type=int,
        metavar="PORT",
        help="serve upload/result URLs from a second port (0 = any free one), like a separate "
        "storage host",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (the sandbox still requires the key)",
    )
