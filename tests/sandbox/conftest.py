"""Fixtures for the sandbox tests: an in-process sandbox on a ManualClock, and small media."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from ltxstudio.core.clock import ManualClock
from ltxstudio.sandbox.asgi import create_app, sandbox_of
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.service import Sandbox
from tests.support.media_factory import make_audio, make_image, make_video

KEY = "sbx_test_key"
T2V = {"prompt": "a lighthouse at dusk", "model": "ltx-2-3-fast", "duration": 2}
T2V_720 = {**T2V, "resolution": "1280x720"}


@dataclass
class Harness:
    app: Starlette
    clock: ManualClock
    client: httpx.AsyncClient  # sends the Bearer key
    anon: httpx.AsyncClient  # sends nothing (storage URLs, auth tests)

    @property
    def sandbox(self) -> Sandbox:
        return sandbox_of(self.app)

    async def upload(self, data: bytes, content_type: str = "video/mp4") -> str:
        slot = (await self.client.post("/v1/upload")).json()
        headers = {**slot["required_headers"], "Content-Type": content_type}
        put = await self.anon.put(slot["upload_url"], content=data, headers=headers)
        assert put.status_code == 200, put.text
        return str(slot["storage_uri"])

    async def finish(self, endpoint: str, job_id: str) -> dict[str, Any]:
        """Let a v2 job run to its end: wait for the render, then jump past the script."""
        await self.sandbox.idle()
        self.clock.advance(3600)
        response = await self.client.get(f"/v2/{endpoint}/{job_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def download(self, url: str) -> bytes:
        response = await self.anon.get(url)
        assert response.status_code == 200, response.text
        return response.content

    async def generate(self, endpoint: str, body: dict[str, Any]) -> bytes:
        """Submit a v2 job, let it finish and download its result (v1 generation is retired)."""
        r = await self.client.post(f"/v2/{endpoint}", json=body)
        assert r.status_code == 202, r.text
        done = await self.finish(endpoint, r.json()["id"])
        assert done["status"] == "completed", done
        return await self.download(next(iter(done["result"].values())))


HarnessFactory = Callable[..., Any]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest_asyncio.fixture
async def make_harness(clock: ManualClock) -> AsyncIterator[HarnessFactory]:
    made: list[Harness] = []

    async def factory(**overrides: Any) -> Harness:
        config = SandboxConfig(**{"api_key": KEY, "clock": clock, **overrides})
        app = create_app(config)
        transport = httpx.ASGITransport(app=app)
        client = httpx.AsyncClient(
            transport=transport,
            base_url="http://sandbox.test",
            headers={"Authorization": f"Bearer {KEY}"},
        )
        anon = httpx.AsyncClient(transport=transport, base_url="http://sandbox.test")
        harness = Harness(app, clock, client, anon)
        made.append(harness)
        return harness

    yield factory
    for harness in made:
        await harness.sandbox.idle()
        await harness.client.aclose()
        await harness.anon.aclose()


@pytest_asyncio.fixture
async def sandbox(make_harness: HarnessFactory) -> Harness:
    harness: Harness = await make_harness()
    return harness


# ------------------------------------------------------------------------------ media


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sandbox-media")


@pytest.fixture(scope="session")
def video_4s(media_dir: Path) -> bytes:
    """320x180, 24 fps, 4 s (96 frames, each showing its index), AAC-LC stereo."""
    return make_video(media_dir / "in4.mp4", seconds=4.0).read_bytes()


@pytest.fixture(scope="session")
def video_short(media_dir: Path) -> bytes:
    """2 s: fewer than the 73 frames retake and extend need."""
    return make_video(media_dir / "in2.mp4", seconds=2.0).read_bytes()


@pytest.fixture(scope="session")
def image_png(media_dir: Path) -> bytes:
    return make_image(media_dir / "still.png", width=640, height=360, index=7).read_bytes()


@pytest.fixture(scope="session")
def audio_m4a(media_dir: Path) -> bytes:
    """3 s AAC-LC, 440 Hz."""
    return make_audio(media_dir / "tone.m4a", seconds=3.0).read_bytes()


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def storage_error(response: httpx.Response) -> tuple[int, str, str]:
    """(status, Code, Message) of a storage error, which must be storage's XML, never the LTX
    JSON envelope (contract §5), and must say nothing about the API key."""
    assert response.headers["content-type"] == "application/xml", response.text
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?><Error>')
    root = ET.fromstring(response.content)
    assert root.tag == "Error"
    assert [child.tag for child in root] == ["Code", "Message"]
    code, message = root.findtext("Code"), root.findtext("Message")
    assert code
    assert message
    assert KEY not in response.text
    return response.status_code, code, message
