"""What every subcommand shares: global options, opening a session, exit codes, progress output.

Exit codes: 0 success, 2 bad input (nothing was sent), 3 an API error or a held queue, 4 an
outcome we cannot know (a submission that may have been accepted and billed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

from ltxstudio import __version__
from ltxstudio.core.catalog import API_BASE_URL, LEGACY_API_BASE_URL
from ltxstudio.core.errors import UserFacingError
from ltxstudio.core.logsetup import configure
from ltxstudio.core.pricing import format_usd
from ltxstudio.core.remote import FailureKind
from ltxstudio.jobs.model import Job, JobLine, JobState
from ltxstudio.jobs.queue_state import HoldReason
from ltxstudio.settings.model import Backend
from ltxstudio.settings.paths import app_paths

if TYPE_CHECKING:
    from ltxstudio.session import Session

OK, BAD_INPUT, API_ERROR, UNKNOWN_OUTCOME = 0, 2, 3, 4
#: Connection refusals of one job (each after the client's own retries) before a headless command
#: stops waiting. The queue itself retries forever, which suits the GUI through a network blip,
#: but a script must not hang on an API it cannot reach.
UNREACHABLE_ROUNDS = 2
T = TypeVar("T")


def add_version(parser: argparse.ArgumentParser) -> None:
    """Every subcommand answers `--version` too."""
    parser.add_argument("--version", action="version", version=f"ltxstudio {__version__}")


def add_global_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (before the subcommand)")
    group.add_argument(
        "--base-url",
        help=f"the LTX API base URL (also LTX_API_BASE_URL; default {API_BASE_URL}; "
        f"{LEGACY_API_BASE_URL} works too)",
    )
    # Gone with the v1 routes; kept hidden so an old script gets a sentence, not "unrecognized".
    group.add_argument("--surface", action=_RemovedSurface, help=argparse.SUPPRESS)
    group.add_argument(
        "--sandbox",
        action="store_true",
        help="use the offline sandbox in-process (simulated clips, no charges); "
        "also the default when no API key is found",
    )
    group.add_argument("-v", "--verbose", action="store_true", help="log to stderr as well")


class _RemovedSurface(argparse.Action):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        parser.error(
            "--surface was removed: the synchronous v1 generation routes were retired on "
            "2026-10-26, so every job is sent to v2 (asynchronous, resumable); drop the option"
        )


def usd(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount of dollars: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("an amount cannot be negative")
    return value


def run_async(main: Callable[[], Awaitable[int]]) -> int:
    """Run a command; user-facing errors become a sentence and an exit code, never a traceback."""
    try:
        return asyncio.run(_guarded(main))
    except KeyboardInterrupt:
        print(
            "stopped. Jobs already sent keep running at LTX; "
            "`ltxstudio jobs resume` collects them.",
            file=sys.stderr,
        )
        return 130


async def _guarded(main: Callable[[], Awaitable[int]]) -> int:
    # The session is imported when a command opens one, not to build the parser (`jobs list`
    # and `--help` stay fast).
    from ltxstudio.session import BadInput, NoApiKey

    try:
        return await main()
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        for problem in exc.problems[1:]:
            print(f"       {problem}", file=sys.stderr)
        return BAD_INPUT
    except NoApiKey as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    except UserFacingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return API_ERROR


@contextlib.asynccontextmanager
async def opened_session(
    args: argparse.Namespace,
    *,
    concurrency: int | None = None,
    budget: Decimal | None = None,
    start: bool = True,
) -> AsyncIterator[Session]:
    """A session for one command; `start` runs the queue (off for actions that only edit it)."""
    from ltxstudio.session import Session, SessionOptions

    paths = app_paths()
    configure(paths.log, console=bool(getattr(args, "verbose", False)), name="ltxstudio-cli")
    options = SessionOptions(
        backend=Backend.SANDBOX if getattr(args, "sandbox", False) else None,
        base_url=getattr(args, "base_url", None),
        concurrency=concurrency,
        daily_budget_usd=budget,
        paths=paths,
    )
    session = await Session.open(options)
    if session.simulated:
        why = "" if getattr(args, "sandbox", False) else "No LTX API key found: "
        print(
            f"{why}using the offline sandbox (simulated clips, no charges). "
            "Set a key with `ltxstudio key set` or LTX_API_KEY.",
            file=sys.stderr,
        )
    if start:
        session.start()
    try:
        yield session
    finally:
        await session.aclose()


# ------------------------------------------------------------------ output


def short(job: Job) -> str:
    return job.id[:8]


def job_line(job: Job | JobLine) -> str:
    line = job if isinstance(job, JobLine) else JobLine.of(job)
    note = f"  {line.note}" if line.note else ""
    return (
        f"{line.id[:8]}  {line.state.label:<12} {line.endpoint.value:<22} "
        f"{line.model or '-':<13} {format_usd(line.estimate_usd):>8}  {line.title[:40]}{note}"
    )


class Progress:
    """Job progress for a terminal (one self-rewriting status line) or a pipe (one line per
    state change)."""

    def __init__(self, session: Session, jobs: list[Job], stream: IO[str] | None = None) -> None:
        self.session = session
        self.ids = {j.id for j in jobs}
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last_line = ""
        session.store.changed.connect(self._on_changed)
        session.runner.queue_changed.connect(lambda _status: self._redraw())

    def close(self) -> None:
        self.session.store.changed.disconnect(self._on_changed)
        if self.tty and self._last_line:
            self.stream.write("\n")
            self.stream.flush()

    def _on_changed(self, index: int, old: Job, new: Job, fields: frozenset[str]) -> None:
        if new.id not in self.ids:
            return
        if "state" in fields:
            self._emit(f"{short(new)} {new.state.label}" + (f" — {new.note}" if new.note else ""))
        elif self.tty and fields & {"progress", "next_retry_at"}:
            self._redraw()

    def _emit(self, line: str) -> None:
        if self.tty:
            self.stream.write("\r\033[K" + line + "\n")
            self._redraw()
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _redraw(self) -> None:
        if not self.tty:
            return
        jobs = [self.session.store.get(i) for i in self.ids]
        done = sum(j.state.terminal for j in jobs)
        running = [j for j in jobs if not j.state.terminal and j.state is not JobState.QUEUED]
        bars = " ".join(_bar(j) for j in running[:4])
        hold = self.session.runner.hold
        held = f" · paused ({hold.reason.value})" if hold else ""
        line = f"[{done}/{len(jobs)} done · {len(running)} active{held}] {bars}"
        self._last_line = line
        self.stream.write("\r\033[K" + line[:200])
        self.stream.flush()


def _bar(job: Job) -> str:
    if job.progress is None:
        return f"{short(job)}:{job.state.label}"
    filled = round(job.progress * 10)
    return f"{short(job)}:{'█' * filled}{'·' * (10 - filled)}"


async def wait_for(session: Session, jobs: list[Job]) -> list[Job]:
    """`session.wait(jobs)`, except that it gives up while nothing has been sent and the API
    keeps refusing the connection (see `unreachable`); those jobs stay queued for `jobs resume`."""
    ids = {j.id for j in jobs}
    stuck = asyncio.Event()

    def on_changed(index: int, old: Job, new: Job, fields: frozenset[str]) -> None:
        if new.id in ids and unreachable([session.store.get(i) for i in ids]):
            stuck.set()

    session.store.changed.connect(on_changed)
    done = asyncio.ensure_future(session.wait(jobs))
    gave_up = asyncio.ensure_future(stuck.wait())
    try:
        await asyncio.wait({done, gave_up}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        session.store.changed.disconnect(on_changed)
        for task in (done, gave_up):
            task.cancel()
        await asyncio.gather(done, gave_up, return_exceptions=True)
    return [session.store.get(j.id) for j in jobs]


def unreachable(jobs: list[Job]) -> list[Job]:
    """The jobs refused for want of a connection, when no job of these is at LTX or on its way
    and one was refused `UNREACHABLE_ROUNDS` times: then the API is out of reach, not blinking."""
    waiting = [j for j in jobs if not j.state.terminal]
    if not waiting or any(j.state is not JobState.QUEUED or j.remote for j in waiting):
        return []
    refused = [j for j in waiting if j.error and j.error.kind is FailureKind.CONNECTION]
    return refused if any(j.attempts >= UNREACHABLE_ROUNDS for j in refused) else []


def outcome_code(jobs: list[Job], session: Session) -> int:
    """The exit code for a set of jobs after waiting on them."""
    states = {j.state for j in jobs}
    if JobState.OUTCOME_UNKNOWN in states:
        return UNKNOWN_OUTCOME
    if states <= {JobState.COMPLETED}:
        return OK
    return API_ERROR


def report(jobs: list[Job], session: Session, stream: IO[str] | None = None) -> int:
    """Print what happened to `jobs` (and any hold), return the exit code."""
    out = stream or sys.stdout
    for job in jobs:
        where = (
            f" → {job.spec.output_path}"
            if job.spec.output_path and job.state is JobState.COMPLETED
            else ""
        )
        print(job_line(job) + where, file=out)
    hold = session.runner.hold
    if hold is not None and any(not j.state.terminal for j in jobs):
        match hold.reason:
            case HoldReason.FUNDS if session.sandbox is not None:
                print(
                    f"queue paused: {hold.message}. The sandbox's balance is simulated: run "
                    "`ltxstudio jobs resume --add-simulated-credit 25`.",
                    file=sys.stderr,
                )
            case HoldReason.FUNDS:
                print(
                    f"queue paused: {hold.message}. Top up your balance, then run "
                    "`ltxstudio jobs resume`.",
                    file=sys.stderr,
                )
            case HoldReason.AUTH:
                print(
                    f"queue paused: {hold.message}. Fix the key, then `ltxstudio jobs resume`.",
                    file=sys.stderr,
                )
            case HoldReason.USER:
                print("queue paused by you; `ltxstudio jobs resume` continues it.", file=sys.stderr)
            case HoldReason.DISK:
                print(
                    f"queue paused: {hold.message}. Nothing is lost: free some space, then "
                    "`ltxstudio jobs resume` saves the results (LTX keeps them for 24 h).",
                    file=sys.stderr,
                )
        return API_ERROR
    if cut_off := unreachable(jobs):
        error = cut_off[0].error
        assert error is not None
        print(
            f"error: cannot reach the LTX API at {session.backend_name} ({error.message}); "
            f"nothing was sent for {len(cut_off)} job(s), which stay queued: "
            "`ltxstudio jobs resume` sends them once it can be reached.",
            file=sys.stderr,
        )
        return API_ERROR
    waiting = [j for j in jobs if j.state is JobState.AWAITING_APPROVAL]
    if waiting:
        ids = " ".join(short(j) for j in waiting)
        print(
            f"{len(waiting)} job(s) would cross the budget: `ltxstudio jobs approve {ids}`",
            file=sys.stderr,
        )
        return API_ERROR
    return outcome_code(jobs, session)


def existing_file(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path
