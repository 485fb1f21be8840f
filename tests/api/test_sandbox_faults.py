"""Acceptance 3: the client against the sandbox's fault plan.

In-process (httpx.ASGITransport, one ManualClock for client and sandbox) where timing does not
matter: 429 with Retry-After is waited out in simulated time, 500/503/529 are retried on GETs,
what a submit may not repeat is not repeated. Over real loopback where only a socket can show it:
a connection reset mid-download resumes with Range, and a read timeout on a submit becomes
"outcome unknown" and is never sent again. The sandbox's own counts are the witness throughout.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from ltxstudio.api import (
    Completed,
    LtxClient,
    RateLimitError,
    ServerError,
    SubmitOutcomeUnknown,
    Timeouts,
)
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.clock import ManualClock, SystemClock
from ltxstudio.core.remote import FailureKind
from ltxstudio.core.request import (
    TextToVideo,
)
from ltxstudio.sandbox.asgi import create_app, sandbox_of
from ltxstudio.sandbox.faults import FaultPlan
from ltxstudio.sandbox.service import Sandbox
from tests.api.sandbox_support import TEST_KEY, probe_mp4, sandbox_config, serve
from tests.support.retries import capture_retries, retry_notices

pytestmark = pytest.mark.asyncio

T2V = TextToVideo(
    prompt="a lighthouse at dusk",
    model=Model.LTX_2_3_FAST,
    resolution=Resolution.parse("1280x720"),
    fps=24,
    duration=2,
)


class InProcess:
    def __init__(self, spec: str) -> None:
        self.clock = ManualClock()
        self.app = create_app(sandbox_config(clock=self.clock, faults=FaultPlan.parse(spec)))
        self.client = LtxClient(TEST_KEY, asgi_app=self.app, clock=self.clock)

    @property
    def sandbox(self) -> Sandbox:
        return sandbox_of(self.app)


@pytest_asyncio.fixture
async def harness() -> AsyncIterator[type[InProcess]]:
    made: list[InProcess] = []

    def make(spec: str) -> InProcess:
        h = InProcess(spec)
        made.append(h)
        return h

    yield make  # type: ignore[misc]
    for h in made:
        await h.sandbox.idle()
        await h.client.aclose()


async def test_429_retry_after_is_waited_out_in_simulated_time(
    harness: type[InProcess], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    capture_retries(caplog)
    h = harness("submit#1=429:7,submit#2=queue_full:3")
    real_waits: list[float] = []  # every asyncio.sleep that would have waited (the clock's are 0)
    sleep = asyncio.sleep  # noqa: TID251 - wrapped to catch real waits, not to wait

    async def recorded(delay: float, result: object = None) -> object:
        if delay > 0:
            real_waits.append(delay)
        return await sleep(delay, result)

    with monkeypatch.context() as patched:
        patched.setattr(asyncio, "sleep", recorded)
        handle = await h.client.submit(T2V)
    # 10 s of Retry-After, all of it on the injected clock, none of it slept for real.
    assert h.clock.sleeps == [7.0, 3.0]
    assert real_waits == []
    # Contract §5: on v2 a 429 rate_limit_error means the organisation's queue is full.
    notices = retry_notices(caplog)
    assert [type(n.error) for n in notices][1] is RateLimitError
    assert "Queue limit exceeded" in notices[1].error.message
    stats = h.sandbox.stats()
    assert stats["requests"]["POST /v2/text-to-video"] == 3
    assert stats["jobs_created"] == 1
    assert stats["faults_injected"] == ["v2/text-to-video=429:7", "v2/text-to-video=queue_full:3"]
    await h.sandbox.idle()
    assert isinstance(await h.client.poll(handle), Completed)


async def test_server_errors_on_gets_are_retried(
    harness: type[InProcess], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    capture_retries(caplog)
    h = harness("poll#1=500,poll#2=503,poll#3=529,download#1=503:4,download#2=529")
    handle = await h.client.submit(T2V)
    await h.sandbox.idle()
    status = await h.client.poll(handle)
    assert isinstance(status, Completed)
    files = await h.client.download_result(status, tmp_path, "take")
    assert probe_mp4(files["video_url"].path).width == 1280
    injected = h.sandbox.stats()["faults_injected"]
    assert injected == ["poll=500", "poll=503", "poll=529", "download=503:4", "download=529"]
    assert 4.0 in h.clock.sleeps  # the download's Retry-After
    kinds = [n.error.kind for n in retry_notices(caplog)]
    assert kinds.count(FailureKind.SERVER) == 5


@pytest.mark.parametrize(
    ("spec", "error", "created"),
    [
        ("submit#1=500", ServerError, 0),  # the API's own 500: a definite refusal
        ("submit#1=529", SubmitOutcomeUnknown, 0),  # unplaceable: unknown (here: not created)
        ("submit#1=reset", SubmitOutcomeUnknown, 1),  # accepted, answer lost
        ("submit#1=truncate", SubmitOutcomeUnknown, 1),
    ],
)
async def test_a_submit_is_never_repeated_once_it_may_have_been_taken(
    harness: type[InProcess], spec: str, error: type[Exception], created: int
) -> None:
    h = harness(spec)
    with pytest.raises(error):
        await h.client.submit(T2V)
    stats = h.sandbox.stats()
    assert stats["requests"]["POST /v2/text-to-video"] == 1
    assert stats["jobs_created"] == created


async def test_a_gateway_504_on_a_submit_is_outcome_unknown(harness: type[InProcess]) -> None:
    h = harness("submit#1=504")
    with pytest.raises(SubmitOutcomeUnknown) as caught:
        await h.client.submit(T2V)
    assert caught.value.status == 504
    stats = h.sandbox.stats()
    assert stats["requests"]["POST /v2/text-to-video"] == 1
    assert stats["v1_calls"] == 0


# ------------------------------------------------------------------ over loopback


@pytest.mark.loopback
async def test_a_reset_mid_download_resumes_with_range(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock()
    config = sandbox_config(clock=clock, faults=FaultPlan.parse("download#1=reset"))
    with serve(config) as served:
        async with LtxClient(TEST_KEY, served.base_url, clock=clock) as client:
            handle = await client.submit(T2V)
            await served.idle()
            status = await client.poll(handle)
            assert isinstance(status, Completed)
            with caplog.at_level(logging.INFO, logger="ltxstudio.api"):
                files = await client.download_result(status, tmp_path, "take")
        stats = await served.stats()
    result = files["video_url"]
    assert probe_mp4(result.path).frames == 48
    assert stats["faults_injected"] == ["download=reset"]
    assert stats["requests"]["GET /_sandbox/storage/results/{id}"] == 2
    answers = [
        r.getMessage() for r in caplog.records if "/_sandbox/storage/results/" in r.getMessage()
    ]
    assert any("ReadError" in a or "RemoteProtocolError" in a for a in answers), answers
    assert any("-> 206" in a for a in answers), answers  # resumed, not restarted
    assert not (tmp_path / "take.mp4.part").exists()


class HeldClock(SystemClock):
    """Real time for the served sandbox, except that a `slow` fault holds its answer until the
    test releases it — so the client's read timeout fires first by construction, however slow
    the machine, instead of winning a race against a fixed delay."""

    def __init__(self) -> None:
        self.released = threading.Event()

    async def sleep(self, seconds: float) -> None:
        # 60 s only guards against a test that never releases; it is not a delay.
        await asyncio.to_thread(self.released.wait, 60)


@pytest.mark.loopback
async def test_a_read_timeout_on_submit_is_outcome_unknown(tmp_path: Path) -> None:
    # Only a real socket can time out: the sandbox holds the answer until the client has given
    # up (its submit timeout, 0.3 s), then lets the request finish.
    clock = HeldClock()
    config = sandbox_config(clock=clock, faults=FaultPlan.parse("submit#1=slow:1.5"))
    with serve(config) as served:
        client = LtxClient(
            TEST_KEY, served.base_url, timeouts=Timeouts(submit=0.3), clock=ManualClock()
        )
        try:
            async with client:
                with pytest.raises(SubmitOutcomeUnknown) as caught:
                    await client.submit(T2V)
        finally:
            clock.released.set()
        assert caught.value.kind is FailureKind.OUTCOME_UNKNOWN
        assert "ReadTimeout" in caught.value.message
    # Leaving `serve` waited for the sandbox to finish the request the client gave up on.
    stats = served.sandbox.stats()
    assert stats["requests"]["POST /v2/text-to-video"] == 1  # never re-sent
    # The sandbox reads the body only after the delay, sees the client gone and creates
    # nothing; a real server might have. "Unknown" is the only honest answer either way.
    assert stats["jobs_created"] <= 1
