"""`ltxstudio jobs list|show|resume|cancel|retry|approve`: the journal, from a terminal.

`list` and `show` only read the journal (no network, no key). `resume` lifts any hold and drives
every unfinished job of the current backend to the end, re-attaching the ones a killed process
left behind, and saves each result to the output path it was given.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from ltxstudio.cli._common import (
    BAD_INPUT,
    OK,
    Progress,
    add_version,
    job_line,
    opened_session,
    report,
    run_async,
    wait_for,
)
from ltxstudio.core.clock import SystemClock
from ltxstudio.core.request import codec
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.journal_codec import spec_to_json
from ltxstudio.jobs.model import Job, JobState
from ltxstudio.jobs.store import JobStore
from ltxstudio.settings.paths import app_paths


def register(subparsers: Any) -> None:
    jobs = subparsers.add_parser(
        "jobs", help="list, inspect, resume, cancel, retry or approve jobs"
    )
    add_version(jobs)
    sub = jobs.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="every job in the journal")
    listing.add_argument("--state", choices=[s.value for s in JobState], action="append")
    listing.set_defaults(func=_list)
    show = sub.add_parser("show", help="one job in full")
    show.add_argument("id", help="a job id or its first characters")
    show.set_defaults(func=_show)
    resume = sub.add_parser("resume", help="finish unfinished jobs (after a crash or a hold)")
    resume.add_argument(
        "--add-simulated-credit",
        metavar="USD",
        type=Decimal,
        help="on the sandbox: add this much simulated credit first (after a 402)",
    )
    resume.set_defaults(func=_resume)
    for name, helptext in (
        ("cancel", "stop working on a job (LTX may still bill one it accepted)"),
        ("retry", "send a failed job again, as a new submission"),
        ("approve", "let a job that would cross the budget run"),
    ):
        action = sub.add_parser(name, help=helptext)
        action.add_argument("ids", nargs="+", help="job ids or their first characters")
        action.set_defaults(func=_act, action=name)
    for parser in sub.choices.values():
        add_version(parser)


def _journal() -> JobStore:
    return JobStore(Journal(app_paths().journal), SystemClock())


def find(store: JobStore, prefix: str) -> Job:
    matches = [j for j in store if j.id.startswith(prefix)]
    if len(matches) != 1:
        what = "no job" if not matches else f"{len(matches)} jobs"
        raise LookupError(f"{what} with an id starting {prefix!r}")
    return matches[0]


def _list(args: argparse.Namespace) -> int:
    journal = Journal(app_paths().journal)
    try:
        lines = journal.lines(JobState(s) for s in args.state or ())
    finally:
        journal.close()
    sys.stdout.writelines(job_line(line) + "\n" for line in lines)
    return OK


def _show(args: argparse.Namespace) -> int:
    store = _journal()
    try:
        job = find(store, args.id)
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    data = asdict(job)
    data["estimate_usd"] = str(job.estimate_usd)
    data["spec"] = spec_to_json(job.spec)
    if job.prepared is not None:
        prepared = codec.encode(job.prepared)
        for ref in prepared["media"].values():  # a data: URI can be megabytes
            if ref.get("uri", "").startswith("data:"):
                ref["uri"] = ref["uri"][:60] + "…"
        data["prepared"] = prepared
    print(json.dumps(data, indent=2, default=str))
    return OK


def _resume(args: argparse.Namespace) -> int:
    async def main() -> int:
        async with opened_session(args, start=False) as session:
            credit = getattr(args, "add_simulated_credit", None)
            if credit is not None:
                if session.sandbox is None or credit <= 0:
                    print(
                        "error: --add-simulated-credit needs a positive amount and the sandbox "
                        "(a real account is topped up at console.ltx.video)",
                        file=sys.stderr,
                    )
                    return BAD_INPUT
                session.add_simulated_credit(credit)
            session.runner.resume()
            mine = [
                j
                for j in session.store
                if not j.state.terminal and j.backend == session.backend_name
            ]
            others = [
                j
                for j in session.store
                if not j.state.terminal and j.backend != session.backend_name
            ]
            for job in others:
                print(
                    f"{job.id[:8]} belongs to {job.backend}; run resume with that backend",
                    file=sys.stderr,
                )
            if not mine:
                print("nothing to resume", file=sys.stderr)
                return OK
            print(f"resuming {len(mine)} job(s)", file=sys.stderr)
            session.start()  # re-attaches what a killed process left, then drives the queue
            progress = Progress(session, mine)
            try:
                done = await wait_for(session, mine)
            finally:
                progress.close()
            return report(done, session)

    return run_async(main)


def _act(args: argparse.Namespace) -> int:
    async def main() -> int:
        async with opened_session(args, start=False) as session:
            try:
                jobs = [find(session.store, i) for i in args.ids]
            except LookupError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return BAD_INPUT
            for job in jobs:
                match args.action:
                    case "cancel":
                        print(job_line(session.cancel(job.id)))
                    case "retry":
                        new = session.retry(job.id)
                        print(f"{job.id[:8]} → new job {new.id[:8]} (run `ltxstudio jobs resume`)")
                    case "approve":
                        session.approve(job.id)
                        print(f"{job.id[:8]} approved (run `ltxstudio jobs resume`)")
            return OK

    return run_async(main)
