"""Serving the sandbox over HTTP with uvicorn: loopback by default, always behind the key.

`SandboxServer` binds its sockets before serving (so port 0 works and the URL is known up front),
runs uvicorn in the calling thread or a background one, and reports readiness through a
`threading.Event` set by uvicorn's own startup, not by polling. `run_from_args` (with
`arguments.add_arguments`) is shared by `ltxstudio sandbox` and `python -m ltxstudio.sandbox`.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import sys
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

import uvicorn
from starlette.types import ASGIApp

from ltxstudio.core.pricing import format_usd
from ltxstudio.sandbox.asgi import create_app, sandbox_of
from ltxstudio.sandbox.config import (
    RateLimit,
    SandboxConfig,
    new_api_key,
)
from ltxstudio.sandbox.faults import FaultPlan, FaultSpecError
from ltxstudio.sandbox.service import Sandbox
from ltxstudio.sandbox.statedb import SandboxStateError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; connections queue in its backlog until uvicorn accepts them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Uvicorn(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._ready.set()


class SandboxServer:
    """One app served on one or more pre-bound sockets."""

    def __init__(self, app: ASGIApp, sockets: list[socket.socket]) -> None:
        self.sockets = sockets
        self.ready = threading.Event()
        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
        self._server = _Uvicorn(config, self.ready)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return url_of(self.sockets[0])

    def run(self) -> None:
        """Serve in this thread until Ctrl-C (or `stop()` from another thread)."""
        try:
            self._server.run(sockets=self.sockets)
        finally:
            self._close_sockets()

    def start(self, timeout: float = 30.0) -> None:
        """Serve from a background thread; returns once uvicorn has started."""
        self._thread = threading.Thread(target=self.run, name="ltx-sandbox", daemon=True)
        self._thread.start()
        if not self.ready.wait(timeout):
            self.stop()
            raise RuntimeError("the sandbox server did not start")

    def stop(self, timeout: float = 30.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(timeout)
            self._thread = None

    def _close_sockets(self) -> None:
        for sock in self.sockets:
            sock.close()


# ---------------------------------------------------------------------------- command line


def config_from_args(args: argparse.Namespace, storage_base_url: str | None) -> SandboxConfig:
    try:
        balance = Decimal(args.balance)
    except InvalidOperation:
        raise ValueError(f"--balance must be an amount of dollars, not {args.balance!r}") from None
    requests, _, window = str(args.rate_limit).partition("/")
    try:
        rate = RateLimit(int(requests), float(window or 60))
    except ValueError:
        raise ValueError(f"--rate-limit must look like 300/60, not {args.rate_limit!r}") from None
    return SandboxConfig(
        api_key=args.api_key or new_api_key(),
        balance_usd=balance,
        faults=FaultPlan.parse(args.faults),
        speed=args.speed,
        concurrency_limit=args.concurrency,
        queued_job_limit=args.queue_limit,
        rate_limit=rate,
        result_url_seconds=args.result_url_seconds,
        storage_base_url=storage_base_url,
        state_dir=Path(args.state_dir).expanduser() if args.state_dir else None,
    )


def run_from_args(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"error: refusing to bind {args.host}, which is not a loopback address; "
            "pass --allow-remote to serve other machines",
            file=sys.stderr,
        )
        return 2
    try:
        sockets = [bind(args.host, args.port)]
        if args.storage_port is not None:
            sockets.append(bind(args.host, args.storage_port))
    except OSError as exc:
        print(f"error: cannot listen on {args.host}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    storage_url = url_of(sockets[1]) if len(sockets) > 1 else None
    try:
        config = config_from_args(args, storage_url)
    except (ValueError, FaultSpecError) as exc:
        for sock in sockets:
            sock.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        app = create_app(config)
    except SandboxStateError as exc:
        for sock in sockets:
            sock.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sandbox = sandbox_of(app)
    server = SandboxServer(app, sockets)
    _banner(out, server.base_url, sandbox, storage_url)
    try:
        # uvicorn shuts down gracefully on Ctrl-C, then re-raises the signal it captured.
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    finally:
        sandbox.close()
    print("sandbox stopped", file=out, flush=True)
    return 0


def _banner(out: TextIO, base_url: str, sandbox: Sandbox, storage_url: str | None) -> None:
    config = sandbox.config
    lines = [
        "ltxstudio sandbox: offline emulator of the LTX API (renders real MP4s, costs nothing)",
        f"  Base URL:  {base_url}",
        f"  API key:   {config.api_key}",
    ]
    if storage_url:
        lines.append(f"  Storage:   {storage_url}")
    if sandbox.state is not None:
        kept = sandbox.jobs.count()
        lines.append(
            f"  State:     {sandbox.state.root} ({kept} job{'' if kept == 1 else 's'} kept)"
        )
    faults = config.faults.spec() or "none"
    balance = format_usd(sandbox.ledger.balance_usd)
    lines += [
        f"  Balance {balance} · concurrency {config.concurrency_limit} · "
        f"queue {config.queued_job_limit} · "
        f"rate {config.rate_limit.requests}/{config.rate_limit.window_seconds:g} s · "
        f"result URLs {config.result_url_seconds:g} s · speed {config.speed:g}× · "
        f"faults: {faults}",
        f"  Try: curl -H 'Authorization: Bearer {config.api_key}' {base_url}/_sandbox/stats",
        "  Ctrl-C stops.",
    ]
    print("\n".join(lines), file=out, flush=True)
