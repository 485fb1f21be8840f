"""Acceptance 2: end to end against the sandbox over real loopback HTTP.

All seven generation endpoints on v2 (submit → poll → download) and the five on v1 (the answer
is the video), with local inputs uploaded both ways: v2 cases through `/v1/upload` + PUT to the
pre-signed URL, v1 cases inline as data: URIs. Every result is probed with PyAV for the size,
frame rate and length the request implies. Storage is a second port that refuses any
Authorization header, so each upload and download also proves the key stayed with the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import httpx
import pytest

from ltxstudio.api import (
    Completed,
    LtxClient,
)
from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.request import (
    AudioToVideo,
    Extend,
    GenerationRequest,
    Hdr,
    ImageToVideo,
    Reframe,
    Retake,
    TextToVideo,
)
from tests.api.conftest import Inputs
from tests.api.sandbox_support import (
    TEST_KEY,
    ServedSandbox,
    probe_exr_zip,
    probe_mp4,
    sandbox_config,
    serve,
)

pytestmark = [pytest.mark.loopback, pytest.mark.slow]

R = Resolution.parse
INPUT_SECONDS = 77 / 24


@dataclass(frozen=True)
class Expect:
    width: int
    height: int
    fps: int
    seconds: float


Uris = dict[str, str]
Build = Callable[[Uris], GenerationRequest]

CASES: dict[Endpoint, tuple[Build, Expect]] = {
    Endpoint.TEXT_TO_VIDEO: (
        lambda u: TextToVideo(
            prompt="a lighthouse at dusk, waves below",
            model=Model.LTX_2_3_FAST,
            resolution=R("1280x720"),
            fps=24,
            duration=2,
        ),
        Expect(1280, 720, 24, 2.0),
    ),
    Endpoint.IMAGE_TO_VIDEO: (
        lambda u: ImageToVideo(
            prompt="the camera rises over the harbour",
            model=Model.LTX_2_5_FAST,
            resolution=R("720x1280"),
            fps=25,
            duration=2,
            image_uri=u["image"],
            last_frame_uri=u["image"],
        ),
        Expect(720, 1280, 25, 2.0),
    ),
    Endpoint.AUDIO_TO_VIDEO: (
        lambda u: AudioToVideo(
            audio_uri=u["audio"],
            prompt="a drummer in a small club",
            model=Model.LTX_2_5_PRO,
            resolution=R("1280x720"),
            fps=48,  # contract §3: A2V takes fps (24 unless sent) and renders at it
            camera_motion="dolly_in",
            image_uri=u["image"],
            last_frame_uri=u["image"],
        ),
        Expect(1280, 720, 48, 3.0),  # as long as the audio
    ),
    Endpoint.RETAKE: (
        lambda u: Retake(video_uri=u["video"], start_time=1.0, duration=2.0, prompt="rain"),
        Expect(1920, 1080, 24, INPUT_SECONDS),  # retake output is 1080p, input length
    ),
    Endpoint.EXTEND: (
        lambda u: Extend(video_uri=u["video"], duration=2.0, prompt="the boat sails on"),
        Expect(320, 180, 24, INPUT_SECONDS + 2.0),  # keeps the input size
    ),
    Endpoint.REFRAME: (
        lambda u: Reframe(video_uri=u["video"], resolution=R("720x720")),
        Expect(720, 720, 24, INPUT_SECONDS),
    ),
}


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def served(clock: ManualClock) -> Iterator[ServedSandbox]:
    with serve(sandbox_config(clock=clock)) as sandbox:
        yield sandbox


def client_for(served: ServedSandbox, clock: ManualClock) -> LtxClient:
    return LtxClient(TEST_KEY, served.base_url, clock=clock)


async def upload_all(client: LtxClient, inputs: Inputs, how: Literal["upload", "data"]) -> Uris:
    uris = {
        "image": await client.upload(inputs.image, transport=how),
        "video": await client.upload(inputs.video, transport=how),
        "audio": await client.upload(inputs.audio, transport=how),
    }
    for uri in uris.values():
        assert uri.startswith("data:") is (how == "data")
    return uris


def check_video(path: Path, expect: Expect) -> None:
    got = probe_mp4(path)
    assert (got.width, got.height) == (expect.width, expect.height)
    assert got.fps == Fraction(expect.fps)
    assert got.seconds == pytest.approx(expect.seconds, abs=1.5 / expect.fps)
    assert got.frames == pytest.approx(expect.seconds * expect.fps, abs=1)


@pytest.mark.asyncio
@pytest.mark.parametrize("endpoint", list(Endpoint), ids=lambda e: e.value)
async def test_v2_with_uploaded_inputs(
    served: ServedSandbox, clock: ManualClock, inputs: Inputs, tmp_path: Path, endpoint: Endpoint
) -> None:
    async with client_for(served, clock) as client:
        uris = await upload_all(client, inputs, "upload")
        if endpoint is Endpoint.HDR:
            request: GenerationRequest = Hdr(video_uri=uris["video"])
        else:
            request = CASES[endpoint][0](uris)
        before = await served.stats()
        handle = await client.submit(request)
        assert handle.endpoint is endpoint
        await served.idle()  # the render is real work in the sandbox's thread
        status = await client.poll(handle)
        assert isinstance(status, Completed), status
        files = await client.download_result(status, tmp_path, "take", job_id=handle.id)
    after = await served.stats()
    assert after["jobs_created"] - before["jobs_created"] == 1
    for url in status.result.values():
        assert url.startswith(served.storage_url)  # another host:port than the API
    if endpoint is Endpoint.HDR:
        frames, width, height = probe_exr_zip(files["exr_frames_url"].path)
        assert (frames, width, height) == (77, 320, 180)
    else:
        check_video(files["video_url"].path, CASES[endpoint][1])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "endpoint", [e for e in CASES if e is not Endpoint.REFRAME], ids=lambda e: e.value
)
async def test_v2_with_inline_inputs(
    served: ServedSandbox, clock: ManualClock, inputs: Inputs, tmp_path: Path, endpoint: Endpoint
) -> None:
    """The same requests with their media inline as data: URIs (v2 only: CONTRACT-2026-09 §1)."""
    build, expect = CASES[endpoint]
    async with client_for(served, clock) as client:
        request = build(await upload_all(client, inputs, "data"))
        before = await served.stats()
        handle = await client.submit(request)
        await served.idle()
        status = await client.poll(handle)
        assert isinstance(status, Completed), status
        files = await client.download_result(status, tmp_path, "take", job_id=handle.id)
    after = await served.stats()
    assert after["jobs_created"] - before["jobs_created"] == 1
    assert after["v1_calls"] == before["v1_calls"] == 0
    check_video(files["video_url"].path, expect)


@pytest.mark.asyncio
async def test_audio_to_video_renders_24_fps_unless_asked(
    served: ServedSandbox, clock: ManualClock, inputs: Inputs, tmp_path: Path
) -> None:
    async with client_for(served, clock) as client:
        uris = await upload_all(client, inputs, "upload")
        handle = await client.submit(AudioToVideo(audio_uri=uris["audio"], prompt="a drummer"))
        await served.idle()
        status = await client.poll(handle)
        assert isinstance(status, Completed), status
        files = await client.download_result(status, tmp_path, "take", job_id=handle.id)
    check_video(files["video_url"].path, Expect(1920, 1080, 24, 3.0))


@pytest.mark.asyncio
async def test_storage_refuses_a_bearer_key_so_each_download_above_proves_none_was_sent(
    served: ServedSandbox, clock: ManualClock, tmp_path: Path
) -> None:
    async with client_for(served, clock) as client:
        handle = await client.submit(CASES[Endpoint.TEXT_TO_VIDEO][0]({}))
        await served.idle()
        status = await client.poll(handle)
        assert isinstance(status, Completed)
        url = status.result["video_url"]
        async with httpx.AsyncClient() as raw:  # what a careless client would do
            leaked = await raw.get(url, headers={"Authorization": f"Bearer {TEST_KEY}"})
        assert leaked.status_code == 400
        assert "Authorization" in leaked.text
        result = await client.download(url, tmp_path / "ok.mp4")  # ours: accepted
    assert result.size > 0
