"""The contract-table tests' media (made once, at test time) and the in-process sandbox app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio

from ltxstudio.core.clock import ManualClock
from ltxstudio.sandbox.asgi import create_app, sandbox_of
from ltxstudio.sandbox.config import RateLimit, SandboxConfig
from ltxstudio.sandbox.render import Rendered
from tests.contract.support import KEY, App, Media, data_uri
from tests.support.media_factory import make_audio, make_image, make_sized_video

AUDIO_SECONDS = (1.9, 2.0, 4.0, 10.0, 10.5, 12.0, 20.0, 20.5)
#: (width, height, fps, frames); no audio track, so a file lasts exactly frames / fps.
VIDEOS = (
    (320, 180, 24, 96),  # 4 s: retake, extend
    (320, 180, 25, 75),  # 3 s at 25 fps: extend
    (320, 180, 24, 480),  # 20 s: extend near 505 frames
    (320, 180, 24, 48),  # 2 s: HDR low tier, reframe
    (1920, 1080, 24, 12),  # 0.5 s each: HDR at and around the tier boundaries
    (1984, 1116, 24, 12),
    (2560, 1440, 24, 12),
    (2592, 1458, 24, 12),
    (3840, 2160, 24, 12),
    (2592, 1458, 24, 42),  # over the 4K tier's 41 frames
)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Media:
    folder = tmp_path_factory.mktemp("contract-media")
    audio = {
        s: data_uri(
            make_audio(folder / f"a{s}.m4a", seconds=s, sample_rate=8_000, channels=1),
            "audio/mp4",
        )
        for s in AUDIO_SECONDS
    }
    land = data_uri(make_image(folder / "l.png", width=640, height=360), "image/png")
    port = data_uri(make_image(folder / "p.png", width=360, height=640), "image/png")
    video = {
        (w, h, fps, n): data_uri(
            make_sized_video(
                folder / f"v{w}x{h}-{fps}-{n}.mp4", width=w, height=h, frames=n, fps=fps
            ),
            "video/mp4",
        )
        for w, h, fps, n in VIDEOS
    }
    return Media(audio, land, port, video)


@pytest_asyncio.fixture
async def app() -> AsyncIterator[App]:
    """The real sandbox app on a ManualClock, with room for every row (balance, limits).

    Its renderer returns a canned result: painting 4K frames would take minutes, and what is
    charged is decided at admission and settled at completion, both of which run unchanged.
    """
    clock = ManualClock()
    config = SandboxConfig(
        api_key=KEY,
        clock=clock,
        balance_usd=Decimal(10_000),
        concurrency_limit=10_000,
        queued_job_limit=10_000,  # every priced row is submitted at once: no queue limit here
        rate_limit=RateLimit(1_000_000, 60.0),
    )
    asgi = create_app(config)
    sandbox = sandbox_of(asgi)
    renders: list[Any] = []

    def canned(spec: Any) -> Rendered:
        renders.append(spec)
        if type(spec).__name__ == "HdrSpec":
            return Rendered(b"PK\x05\x06" + bytes(18), "application/zip", ".zip", "exr_frames_url")
        return Rendered(b"\x00\x00\x00\x18ftypisom", "video/mp4", ".mp4", "video_url")

    sandbox.renderer.render = canned  # type: ignore[method-assign]
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://sandbox.test",
        headers={"Authorization": f"Bearer {KEY}"},
    ) as http:
        yield App(sandbox, clock, http, renders)
        await sandbox.idle()
