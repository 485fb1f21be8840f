"""P7 engine overhead: N jobs through the engine against a bare httpx script, same sandbox, same
poll interval.

Ours: a `Session` (preflight, journal with its fsyncs, runner with leases, the API client, the
verified download, filing into the library) on the sandbox served by the `ltxstudio sandbox` CLI
in another process; the time from `submit_many` until `wait` says all are done. Baseline: what
a careful script does by hand with one `httpx.AsyncClient`: POST the same body, GET the status
every poll interval until it is completed, stream the result to a file. Both hold at most 4 jobs
between submit and render end (as the runner counts: a download does not hold a slot), poll
every 1 s (the shortest interval the settings allow) and sleep through the same clock. 20
identical 2 s 720p text-to-video jobs per run (the sandbox renders once and serves the rest from
its render cache, x50 speed); runs alternate between the two, 3 each, medians compared.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.child import private_env, run_child
from tests.benchmarks.harness import Result, at_most, info

JOBS = 20
CONCURRENCY = 4
POLL = 1.0
ROUNDS = 3
PROMPT = "A paper boat drifts down a gutter stream; the camera tracks low; we hear water."


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="ltx-bench-engine-") as tmp:
        got = run_child("bench_engine_overhead", private_env(Path(tmp)), "--child", timeout=900)
    ours, bare = statistics.median(got["engine"]), statistics.median(got["bare"])
    return [
        info(f"P7 {JOBS} jobs, bare httpx script (baseline)", bare, "s"),
        info(f"P7 {JOBS} jobs through Session/runner", ours, "s"),
        at_most(
            "P7 engine/bare",
            ours / bare,
            "ratio",
            1.1,
            note=f"{JOBS} jobs, {CONCURRENCY} at a time, {POLL:g} s polls, served sandbox x50; "
            f"median of {ROUNDS} alternating runs (engine {_fmt(got['engine'])} s, "
            f"bare {_fmt(got['bare'])} s)",
        ),
    ]


def _fmt(values: list[float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


# ---------------------------------------------------------------------------- the child


def child() -> dict[str, list[float]]:
    import os

    from tests.support.cli_runner import fast_settings
    from tests.support.sandbox_process import sandbox_process

    fast_settings(Path(os.environ["XDG_CONFIG_HOME"]), concurrency=CONCURRENCY, poll_interval=POLL)
    # The sandbox allows more than the clients use, so neither side ever meets a 429.
    flags = ("--speed", "50", "--concurrency", str(2 * CONCURRENCY), "--rate-limit", "10000/60")
    engine: list[float] = []
    bare: list[float] = []
    with sandbox_process(*flags) as served:
        asyncio.run(_bare(served.base_url, served.api_key, 1, Path(tempfile.mkdtemp())))  # render
        for i in range(ROUNDS):
            engine.append(asyncio.run(_engine(served.base_url, served.api_key, i)))
            with tempfile.TemporaryDirectory() as out:
                bare.append(asyncio.run(_bare(served.base_url, served.api_key, JOBS, Path(out))))
    return {"engine": engine, "bare": bare}


def _request() -> Any:
    from ltxstudio.core.catalog import Model, Resolution
    from ltxstudio.session.forms import Mode, generation_request

    return generation_request(Mode.TEXT, PROMPT, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2)


async def _engine(base_url: str, api_key: str, round_: int) -> float:
    import os
    from dataclasses import replace

    from ltxstudio.jobs.model import JobState
    from ltxstudio.session import Session, SessionOptions
    from ltxstudio.session.session import Submission
    from ltxstudio.settings.paths import AppPaths
    from ltxstudio.settings.secrets import ApiKey, KeySource

    home = Path(os.environ["XDG_DATA_HOME"]) / f"round-{round_}"  # a fresh journal and library
    paths = AppPaths(
        config=Path(os.environ["XDG_CONFIG_HOME"]) / "ltxstudio",
        data=home / "data",
        cache=home / "cache",
        log=home / "log",
    )
    options = SessionOptions(
        base_url=base_url, api_key=ApiKey(api_key, KeySource.SESSION), paths=paths
    )
    async with await Session.open(options) as session:
        # A session on a URL other than the in-process sandbox polls no faster than LTX asks
        # (5 s, contract §5); the bare script polls every second, so the engine must too here.
        session.runner.config = replace(session.runner.config, poll_interval=POLL, poll_jitter=0)
        session.start()
        start = time.perf_counter()
        jobs = await session.submit_many([Submission(_request())] * JOBS)
        done = await session.wait(jobs)
        took = time.perf_counter() - start
    assert all(j.state is JobState.COMPLETED for j in done), [j.state for j in done]
    return took


async def _bare(base_url: str, api_key: str, count: int, out: Path) -> float:
    import httpx

    from ltxstudio.core.clock import SystemClock

    clock = SystemClock()
    body = _request().to_body()
    auth = {"Authorization": f"Bearer {api_key}"}
    slots = asyncio.Semaphore(CONCURRENCY)

    async def one(client: httpx.AsyncClient, n: int) -> None:
        async with slots:  # held from submit to render end, as the runner counts
            reply = await client.post(f"{base_url}/v2/text-to-video", json=body, headers=auth)
            reply.raise_for_status()
            job_id = reply.json()["id"]
            while True:
                status = await client.get(f"{base_url}/v2/text-to-video/{job_id}", headers=auth)
                status.raise_for_status()
                answer = status.json()
                if answer["status"] == "completed":
                    break
                assert answer["status"] in ("pending", "processing"), answer
                await clock.sleep(POLL)
        async with client.stream("GET", answer["result"]["video_url"]) as response:
            response.raise_for_status()
            with (out / f"{n}.mp4").open("wb") as sink:
                async for chunk in response.aiter_bytes():
                    sink.write(chunk)

    async with httpx.AsyncClient(timeout=60) as client:
        start = time.perf_counter()
        await asyncio.gather(*(one(client, n) for n in range(count)))
        return time.perf_counter() - start


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(child()))
    else:
        for result in run():
            print(result.line())
