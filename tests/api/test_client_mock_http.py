"""Focused HTTP behaviour of the client over `httpx.MockTransport`.

The sandbox is the project's fake of record (end-to-end tests run against it); these few tests
pin behaviours that need an exact, scripted exchange: who gets the Authorization header, what
is re-sent and what never is, how waits follow Retry-After, and how a cut download resumes.
Time is a `ManualClock`: every wait is recorded, none is slept.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ltxstudio.api import (
    ApiProtocolError,
    Completed,
    ConcurrencyLimitError,
    Container,
    DownloadVerificationError,
    ImageToVideo,
    LtxClient,
    NotFoundError,
    Pending,
    Processing,
    RateLimitError,
    RequestValidationError,
    RetryNotice,
    ServerError,
    SubmitOutcomeUnknown,
    TextToVideo,
)
from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.remote import FailureKind
from tests.support.media_factory import make_image, make_video

pytestmark = pytest.mark.asyncio

KEY = "sk-test-7f3a9c1e5b"
BASE = "https://api.ltx.video"
STORAGE = "https://storage.example.com"

Handler = Callable[[httpx.Request], httpx.Response]


def envelope(status: int, error_type: str, message: str, **headers: str) -> httpx.Response:
    body = {"type": "error", "error": {"type": error_type, "message": message}}
    return httpx.Response(status, json=body, headers={"x-request-id": "req-err", **headers})


def created(job_id: str = "job-1") -> httpx.Response:
    return httpx.Response(
        202,
        json={"id": job_id, "created_at": "2026-11-23T10:00:00Z"},
        headers={"x-request-id": "req-sub"},
    )


@dataclass
class Script:
    """Answers per (method, path) in order; records every request that arrived."""

    routes: dict[tuple[str, str], list[Handler | httpx.Response | Exception]] = field(
        default_factory=dict
    )
    seen: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, path: str, *answers: Handler | httpx.Response | Exception) -> None:
        self.routes.setdefault((method, path), []).extend(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        queue = self.routes.get((request.method, _path(request)))
        assert queue, f"unexpected {request.method} {request.url}"
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.seen if r.method == method and _path(r) == path)


def _path(request: httpx.Request) -> str:
    """The path as sent (still percent-encoded)."""
    return request.url.raw_path.decode().split("?")[0]


def make_client(script: Script, clock: ManualClock, **kw: object) -> LtxClient:
    return LtxClient(
        KEY,
        BASE,
        transport=httpx.MockTransport(script),
        clock=clock,
        rng=random.Random(7),
        **kw,  # type: ignore[arg-type]
    )


def t2v() -> TextToVideo:
    return TextToVideo(
        prompt="a lighthouse at dusk",
        model=Model.LTX_2_3_FAST,
        resolution=Resolution.parse("1920x1080"),
        fps=24,
        duration=6,
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def script() -> Script:
    return Script()


# ------------------------------------------------------------------ credentials


async def test_the_key_goes_only_to_the_api_origin(
    script: Script, clock: ManualClock, tmp_path: Path
) -> None:
    image = make_image(tmp_path / "first.png", width=64, height=36)
    video = make_video(tmp_path / "clip.mp4", seconds=0.5, width=64, height=36, audio=None)
    script.on(
        "POST",
        "/v1/upload",
        httpx.Response(
            200,
            json={
                "upload_url": f"{STORAGE}/put/abc?X-Goog-Signature=s1",
                "storage_uri": "ltx://uploads/abc",
                "expires_at": "2026-11-23T11:00:00Z",
                "required_headers": {"x-goog-content-length-range": "0,104857600"},
            },
        ),
    )
    script.on("PUT", "/put/abc", httpx.Response(200))
    script.on("POST", "/v2/image-to-video", created())
    script.on(
        "GET",
        "/v2/image-to-video/job-1",
        httpx.Response(
            200,
            json={
                "status": "completed",
                "id": "job-1",
                "created_at": "2026-11-23T10:00:00Z",
                "completed_at": "2026-11-23T10:01:00Z",
                "result": {"video_url": f"{STORAGE}/out/job-1.mp4?X-Goog-Signature=s2"},
            },
        ),
    )
    script.on("GET", "/out/job-1.mp4", httpx.Response(200, content=video.read_bytes()))
    async with make_client(script, clock) as client:
        uri = await client.upload(image, transport="upload")
        handle = await client.submit(
            ImageToVideo(
                prompt="the light turns",
                model=Model.LTX_2_3_FAST,
                resolution=Resolution.parse("1920x1080"),
                fps=24,
                duration=6,
                image_uri=uri,
            )
        )
        status = await client.status(handle)
        assert isinstance(status, Completed)
        files = await client.download_result(status, tmp_path / "out", "take")
    assert files["video_url"].path.read_bytes() == video.read_bytes()

    for request in script.seen:
        on_api = request.url.host == "api.ltx.video"
        assert ("authorization" in request.headers) is on_api, request.url
        if on_api:
            assert request.headers["authorization"] == f"Bearer {KEY}"
        assert request.headers["user-agent"].startswith("ltxstudio/")
        assert KEY not in str(request.url)
    put = next(r for r in script.seen if r.method == "PUT")
    assert put.headers["content-type"] == "image/png"
    assert put.headers["x-goog-content-length-range"] == "0,104857600"
    assert int(put.headers["content-length"]) == image.stat().st_size


async def test_plain_http_result_urls_off_loopback_are_refused(
    script: Script, clock: ManualClock, tmp_path: Path
) -> None:
    async with make_client(script, clock) as client:
        with pytest.raises(RequestValidationError, match="plain http"):
            await client.download("http://storage.example.com/v.mp4", tmp_path / "v.mp4")
    assert script.seen == []


# ------------------------------------------------------------------ submits


async def test_an_invalid_request_never_reaches_the_network(
    script: Script, clock: ManualClock, tmp_path: Path
) -> None:
    bad = TextToVideo(
        prompt="p",
        model=Model.LTX_2_5_PRO,
        resolution=Resolution.parse("3840x2160"),
        fps=24,
        duration=6,
    )
    async with make_client(script, clock) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.submit(bad)
        with pytest.raises(RequestValidationError):
            await client.generate_sync(bad, tmp_path / "v.mp4")
    assert caught.value.field == "resolution"
    assert script.seen == []
    assert not (tmp_path / "v.mp4.part").exists()


async def test_a_read_timeout_after_sending_is_outcome_unknown_and_never_resent(
    script: Script, clock: ManualClock
) -> None:
    script.on("POST", "/v2/text-to-video", httpx.ReadTimeout("no answer"))
    async with make_client(script, clock) as client:
        with pytest.raises(SubmitOutcomeUnknown) as caught:
            await client.submit(t2v())
    assert script.count("POST", "/v2/text-to-video") == 1
    assert caught.value.kind is FailureKind.OUTCOME_UNKNOWN
    assert caught.value.endpoint == "text-to-video"
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "answer",
    [
        httpx.WriteError("cut while sending"),
        httpx.RemoteProtocolError("server disconnected"),
        httpx.Response(500, text="<html>upstream</html>"),
        httpx.Response(502, text="bad gateway"),
        httpx.Response(504, text="gateway timeout"),
        envelope(529, "overloaded_error", "Overloaded"),
        httpx.Response(202, text="not json"),
        httpx.Response(202, json={"created_at": "2026-11-23T10:00:00Z"}),
    ],
)
async def test_anything_the_server_may_have_accepted_is_outcome_unknown(
    script: Script, clock: ManualClock, answer: httpx.Response | Exception
) -> None:
    script.on("POST", "/v2/text-to-video", answer)
    async with make_client(script, clock) as client:
        with pytest.raises(SubmitOutcomeUnknown):
            await client.submit(t2v())
    assert script.count("POST", "/v2/text-to-video") == 1


async def test_refusals_are_retried_and_waits_follow_retry_after(
    script: Script, clock: ManualClock
) -> None:
    notices: list[RetryNotice] = []
    script.on(
        "POST",
        "/v2/text-to-video",
        httpx.ConnectError("refused"),
        envelope(429, "concurrency_limit_error", "Too many jobs", **{"Retry-After": "7"}),
        created("job-9"),
    )
    async with make_client(script, clock, retry_policy=None, on_retry=notices.append) as client:
        handle = await client.submit(t2v())
    assert (handle.endpoint, handle.id, handle.request_id) == (
        Endpoint.TEXT_TO_VIDEO,
        "job-9",
        "req-sub",
    )
    assert script.count("POST", "/v2/text-to-video") == 3
    assert 0.5 <= clock.sleeps[0] <= 1.0  # connect error: backoff
    assert clock.sleeps[1] == 7.0  # Retry-After, exactly
    assert isinstance(notices[1].error, ConcurrencyLimitError)  # the engine hears of it


async def test_a_500_with_the_envelope_is_a_definite_refusal(
    script: Script, clock: ManualClock
) -> None:
    script.on("POST", "/v2/text-to-video", envelope(500, "api_error", "Internal error"))
    async with make_client(script, clock) as client:
        with pytest.raises(ServerError) as caught:
            await client.submit(t2v())
    assert caught.value.kind is FailureKind.SERVER
    assert caught.value.request_id == "req-err"
    assert script.count("POST", "/v2/text-to-video") == 1


async def test_a_retry_after_over_the_cap_is_surfaced(script: Script, clock: ManualClock) -> None:
    script.on(
        "POST",
        "/v2/text-to-video",
        envelope(429, "rate_limit_error", "Slow down", **{"Retry-After": "3600"}),
    )
    async with make_client(script, clock) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.submit(t2v())
    assert caught.value.retry_after == 3600
    assert clock.sleeps == []


# ------------------------------------------------------------------ polling


async def test_polls_retry_server_errors_and_unknown_statuses_raise(
    script: Script, clock: ManualClock
) -> None:
    path = "/v2/retake/job%2F7"  # ids are opaque: one path segment, escaped
    script.on(
        "GET",
        path,
        envelope(500, "api_error", "oops"),
        httpx.Response(503),
        envelope(529, "overloaded_error", "busy"),
        httpx.Response(200, json={"status": "pending", "id": "job/7", "created_at": "t"}),
        httpx.Response(200, json={"status": "processing", "id": "job/7", "created_at": "t"}),
        httpx.Response(200, json={"status": "exploded", "id": "job/7"}),
    )
    async with make_client(script, clock) as client:
        handle = client.handle_for("retake", "job/7")
        seen: list[object] = []

        async def follow() -> None:
            async for status in client.iter_status(handle):
                seen.append(status)

        with pytest.raises(ApiProtocolError, match="exploded"):
            await follow()
    assert seen == [Pending(), Processing()]
    assert len(clock.sleeps) == 5  # three backoffs, then two poll intervals
    assert clock.sleeps[3:] == [5.0, 5.0]
    assert all(r.url.raw_path == path.encode() for r in script.seen)


async def test_an_expired_job_is_not_found(script: Script, clock: ManualClock) -> None:
    script.on("GET", "/v2/extend/gone", envelope(404, "not_found_error", "Job not found"))
    async with make_client(script, clock) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.status(client.handle_for(Endpoint.EXTEND, "gone"))
    assert caught.value.kind is FailureKind.NOT_FOUND
    assert script.count("GET", "/v2/extend/gone") == 1


# ------------------------------------------------------------------ downloads


class CutStream(httpx.AsyncByteStream):
    """Sends `data[:cut]`, then fails like a dropped connection."""

    def __init__(self, data: bytes, cut: int) -> None:
        self.data, self.cut = data, cut

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for i in range(0, self.cut, 1000):
            yield self.data[i : min(i + 1000, self.cut)]
        raise httpx.ReadError("connection reset by peer")


@pytest.fixture(scope="module")
def video_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = make_video(tmp_path_factory.mktemp("v") / "v.mp4", seconds=1.0, width=160, height=90)
    return path.read_bytes()


async def test_a_dropped_download_resumes_with_range(
    script: Script, clock: ManualClock, tmp_path: Path, video_bytes: bytes
) -> None:
    size, cut = len(video_bytes), len(video_bytes) // 3

    def resumed(request: httpx.Request) -> httpx.Response:
        assert request.headers["range"] == f"bytes={cut}-"
        assert request.headers["if-range"] == '"v1"'
        return httpx.Response(
            206,
            content=video_bytes[cut:],
            headers={"content-range": f"bytes {cut}-{size - 1}/{size}"},
        )

    script.on(
        "GET",
        "/out/v.mp4",
        httpx.Response(
            200,
            stream=CutStream(video_bytes, cut),
            headers={"content-length": str(size), "etag": '"v1"', "accept-ranges": "bytes"},
        ),
        resumed,
    )
    progress: list[tuple[int, int | None]] = []
    dest = tmp_path / "take.mp4"
    async with make_client(script, clock) as client:
        result = await client.download(
            f"{STORAGE}/out/v.mp4?sig=1", dest, progress=lambda d, t: progress.append((d, t))
        )
    assert dest.read_bytes() == video_bytes
    assert result.size == size
    assert result.sha256 == hashlib.sha256(video_bytes).hexdigest()
    assert progress[-1] == (size, size)
    assert not dest.with_name("take.mp4.part").exists()
    assert script.count("GET", "/out/v.mp4") == 2


async def test_a_server_that_ignores_range_is_followed_from_the_start(
    script: Script, clock: ManualClock, tmp_path: Path, video_bytes: bytes
) -> None:
    size = len(video_bytes)
    script.on(
        "GET",
        "/out/v.mp4",
        httpx.Response(
            200, stream=CutStream(video_bytes, size // 2), headers={"content-length": str(size)}
        ),
        httpx.Response(200, content=video_bytes),
    )
    async with make_client(script, clock) as client:
        result = await client.download(f"{STORAGE}/out/v.mp4", tmp_path / "v.mp4")
    assert (tmp_path / "v.mp4").read_bytes() == video_bytes
    assert result.sha256 == hashlib.sha256(video_bytes).hexdigest()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(200, text="<html>AccessDenied</html>"), None),
        (httpx.Response(200, content=b"PK\x03\x04 not really"), Container.ZIP),
        ("half", Container.MP4),
    ],
)
async def test_a_file_that_fails_verification_never_gets_the_final_name(
    script: Script,
    clock: ManualClock,
    tmp_path: Path,
    video_bytes: bytes,
    answer: httpx.Response | str,
    expected: Container | None,
) -> None:
    if answer == "half":
        answer = httpx.Response(200, content=video_bytes[: len(video_bytes) // 2])
    assert isinstance(answer, httpx.Response)
    script.on("GET", "/out/v", answer)
    dest = tmp_path / "v.mp4"
    async with make_client(script, clock) as client:
        with pytest.raises(DownloadVerificationError):
            await client.download(f"{STORAGE}/out/v", dest, expected=expected)
    assert list(tmp_path.iterdir()) == []


async def test_an_expired_result_url_is_not_retried(
    script: Script, clock: ManualClock, tmp_path: Path
) -> None:
    script.on("GET", "/out/v", httpx.Response(403, text="<Error>ExpiredToken</Error>"))
    async with make_client(script, clock) as client:
        with pytest.raises(Exception, match="403"):
            await client.download(f"{STORAGE}/out/v", tmp_path / "v.mp4")
    assert script.count("GET", "/out/v") == 1
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ v1


@pytest.mark.parametrize("content_type", ["video/mp4", "application/octet-stream"])
async def test_v1_streams_the_video_to_disk(
    script: Script, clock: ManualClock, tmp_path: Path, video_bytes: bytes, content_type: str
) -> None:
    script.on(
        "POST",
        "/v1/text-to-video",
        httpx.Response(
            200,
            content=video_bytes,
            headers={"content-type": content_type, "x-request-id": "req-v1"},
        ),
    )
    dest = tmp_path / "v1.mp4"
    async with make_client(script, clock) as client:
        result = await client.generate_sync(t2v(), dest)
    assert dest.read_bytes() == video_bytes
    assert (result.request_id, result.content_type) == ("req-v1", content_type)
    sent = script.seen[0]
    assert json.loads(sent.content)["fps"] == 24


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, json={"video_url": "https://x"}),
        "cut",
        httpx.ReadTimeout("generation took too long"),
    ],
)
async def test_v1_trouble_after_sending_is_outcome_unknown_and_leaves_no_file(
    script: Script,
    clock: ManualClock,
    tmp_path: Path,
    video_bytes: bytes,
    answer: httpx.Response | Exception | str,
) -> None:
    if answer == "cut":
        answer = httpx.Response(
            200,
            stream=CutStream(video_bytes, 5000),
            headers={"content-type": "video/mp4", "content-length": str(len(video_bytes))},
        )
    assert not isinstance(answer, str)
    script.on("POST", "/v1/text-to-video", answer)
    async with make_client(script, clock) as client:
        with pytest.raises(SubmitOutcomeUnknown):
            await client.generate_sync(t2v(), tmp_path / "v1.mp4")
    assert list(tmp_path.iterdir()) == []
    assert script.count("POST", "/v1/text-to-video") == 1


async def test_hdr_has_no_v1_route(script: Script, clock: ManualClock, tmp_path: Path) -> None:
    from ltxstudio.api import Hdr

    async with make_client(script, clock) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.generate_sync(Hdr(video_uri="ltx://v"), tmp_path / "x.mp4")
    assert caught.value.field == "endpoint"
    assert script.seen == []


# ------------------------------------------------------------------ uploads


async def test_small_files_go_inline_and_big_ones_must_upload(
    script: Script, clock: ManualClock, tmp_path: Path
) -> None:
    image = make_image(tmp_path / "tiny.png", width=32, height=18)
    async with make_client(script, clock, auto_data_uri_max=10_000) as client:
        uri = await client.upload(image)
        assert uri.startswith("data:image/png;base64,")
        assert await client.upload("https://media.example.com/a.png") == (
            "https://media.example.com/a.png"
        )
        assert await client.upload("ltx://uploads/x") == "ltx://uploads/x"
        big = tmp_path / "big.mp4"
        big.write_bytes(b"\0" * 12_000_000)  # 16 MB as base64: over the 15 MB video cap
        with pytest.raises(RequestValidationError, match="upload") as caught:
            await client.upload(big, transport="data")
        assert caught.value.field == "transport"
        with pytest.raises(RequestValidationError, match="unsupported"):
            await client.upload(tmp_path / "notes.txt")
    assert script.seen == []


class ShortStream(httpx.AsyncByteStream):
    """Ends cleanly after `data[:cut]` although the headers announced more (a truncated body)."""

    def __init__(self, data: bytes, cut: int) -> None:
        self.data, self.cut = data, cut

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.data[: self.cut]


async def test_a_body_that_ends_short_resumes_like_a_dropped_one(
    script: Script, clock: ManualClock, tmp_path: Path, video_bytes: bytes
) -> None:
    size, cut = len(video_bytes), len(video_bytes) // 2
    script.on(
        "GET",
        "/out/v.mp4",
        httpx.Response(
            200, stream=ShortStream(video_bytes, cut), headers={"content-length": str(size)}
        ),
        httpx.Response(
            206,
            content=video_bytes[cut:],
            headers={"content-range": f"bytes {cut}-{size - 1}/{size}"},
        ),
    )
    async with make_client(script, clock) as client:
        result = await client.download(f"{STORAGE}/out/v.mp4", tmp_path / "v.mp4")
    assert result.size == size
    assert (tmp_path / "v.mp4").read_bytes() == video_bytes
    assert script.seen[1].headers["range"] == f"bytes={cut}-"


# ------------------------------------------------------------------ in-process apps


def dropping_app(body: bytes, *, status: int = 200) -> object:
    """An ASGI app that starts an answer, sends part of it, then drops the connection."""

    async def app(scope: dict[str, object], receive: object, send: Callable[..., object]) -> None:
        assert scope["type"] == "http"
        await send({"type": "http.response.start", "status": status, "headers": []})  # type: ignore[misc]
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})  # type: ignore[misc]
        raise ConnectionResetError("dropped")

    return app


async def test_an_in_process_drop_is_a_transport_failure(clock: ManualClock) -> None:
    client = LtxClient(KEY, asgi_app=dropping_app(b"x" * 100), clock=clock)  # type: ignore[arg-type]
    async with client:
        assert client.base_url == "http://sandbox.localhost"
        with pytest.raises(SubmitOutcomeUnknown):  # mid-answer on a submit: may be accepted
            await client.submit(t2v())
        with pytest.raises(Exception, match="dropped the connection") as caught:
            await client.status(client.handle_for("text-to-video", "j"))
    assert caught.value.kind is FailureKind.CONNECTION
    assert len(clock.sleeps) == 4  # the poll was retried up to the attempt limit (5)
