from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.request import TextToVideo
from ltxstudio.jobs.journal import Journal
from ltxstudio.jobs.model import Job, JobSpec, JobState
from ltxstudio.jobs.ports import Finalizer
from ltxstudio.jobs.queue_state import RunnerConfig
from ltxstudio.jobs.runner import Runner
from ltxstudio.jobs.store import JobStore
from tests.support.fake_backend import FakeBackend


def spec(prompt: str = "a lighthouse at dusk", **fields: Any) -> JobSpec:
    return JobSpec(
        TextToVideo(
            prompt=prompt,
            **{
                "model": Model.LTX_2_3_PRO,
                "duration": 8,
                "resolution": Resolution(1920, 1080),
                **fields,
            },
        )
    )


@dataclass
class Engine:
    clock: ManualClock
    journal: Journal
    store: JobStore
    backend: FakeBackend
    runner: Runner
    task: asyncio.Task[None] | None = None

    def add(self, n: int = 1, estimate: str = "0.64", **kw: object) -> list[Job]:
        return [
            self.store.add(spec(f"job {i}", **kw), estimate_usd=Decimal(estimate), backend="fake")
            for i in range(n)
        ]

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.runner.run())

    async def run_until_settled(self, jobs: list[Job]) -> list[Job]:
        if self.task is None:
            self.start()
        return await asyncio.wait_for(self.runner.drain([j.id for j in jobs]), 30)

    async def reach(self, job_id: str, state: JobState) -> Job:
        """Wait (without sleeping) until the job is in `state`."""
        reached = asyncio.Event()

        def on_change(index: int, old: Job, new: Job, fields: frozenset[str]) -> None:
            if new.id == job_id and new.state is state:
                reached.set()

        self.store.changed.connect(on_change)
        try:
            if self.store.get(job_id).state is not state:
                await asyncio.wait_for(reached.wait(), 10)
        finally:
            self.store.changed.disconnect(on_change)
        return self.store.get(job_id)

    async def stop(self) -> None:
        await self.runner.stop()
        if self.task is not None:
            await asyncio.wait_for(self.task, 5)
            self.task = None


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest_asyncio.fixture
async def make_engine(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Callable[..., Engine]]:
    engines: list[Engine] = []

    def make(
        config: RunnerConfig | None = None,
        backend: FakeBackend | None = None,
        finalize: Finalizer | None = None,
    ) -> Engine:
        config = config or RunnerConfig()
        journal = Journal(tmp_path / "journal.db")
        store = JobStore(journal, clock, sync_in_thread=False)
        backend = backend or FakeBackend(clock)
        runner = Runner(store, backend, clock, tmp_path / "results", config, finalize)
        engine = Engine(clock, journal, store, backend, runner)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        if engine.task is not None:
            await engine.stop()
        engine.journal.close()
