"""Focused HTTP behaviour of the client over `httpx.MockTransport`.

The sandbox is the project's fake of record (end-to-end tests run against it); these few tests
pin behaviours that need an exact, scripted exchange: who gets the Authorization header, what
is re-sent and what never is, how waits follow Retry-After, and how a cut download resumes.
Time is a `ManualClock`: every wait is recorded, none is slept.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ltxstudio.api import (
    ApiProtocolError,
    AuthenticationError,
    Completed,
    ConcurrencyLimitError,
    Container,
    DownloadVerificationError,
    KeyVerdict,
    LtxClient,
    NotFoundError,
    PaymentDeclinedError,
    Pending,
    PermissionDeniedError,
    Processing,
    RateLimitError,
    RequestValidationError,
    ServerError,
    StorageError,
    SubmitOutcomeUnknown,
)
from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.remote import FailureKind
from ltxstudio.core.request import (
    ImageToVideo,
    TextToVideo,
)
from tests.support.media_factory import make_image, make_video
from tests.support.retries import capture_retries, retry_notices

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
        resolution=Resolution.parse("3000x2000"),
        fps=24,
        duration=6,
    )
    async with make_client(script, clock) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.submit(bad)
    assert caught.value.field == "resolution"
    assert script.seen == []


async def test_the_client_speaks_no_v1_generation() -> None:
    """v1 generation was retired after 2026-10-26 (CONTRACT-2026-09 §1)."""
    assert not hasattr(LtxClient, "generate_sync")
    assert LtxClient("k").base_url == "https://api.ltx.io"  # the production host (§1)


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
    script: Script, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    capture_retries(caplog)
    script.on(
        "POST",
        "/v2/text-to-video",
        httpx.ConnectError("refused"),
        envelope(429, "concurrency_limit_error", "Too many jobs", **{"Retry-After": "7"}),
        created("job-9"),
    )
    async with make_client(script, clock, retry_policy=None) as client:
        handle = await client.submit(t2v())
    assert (handle.endpoint, handle.id, handle.request_id) == (
        Endpoint.TEXT_TO_VIDEO,
        "job-9",
        "req-sub",
    )
    assert script.count("POST", "/v2/text-to-video") == 3
    assert 0.5 <= clock.sleeps[0] <= 1.0  # connect error: backoff
    assert clock.sleeps[1] == 7.0  # Retry-After, exactly
    notices = retry_notices(caplog)
    assert isinstance(notices[1].error, ConcurrencyLimitError)  # logged, typed


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
    assert all(5.0 <= s <= 6.0 for s in clock.sleeps[3:])  # 5–6 s: jittered (contract §5)
    assert clock.sleeps[3] != clock.sleeps[4]
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


def storage_answer(status: int, code: str) -> httpx.Response:
    """What a signed-URL storage host answers: XML, no LTX envelope (contract §5)."""
    body = (
        "<?xml version='1.0' encoding='UTF-8'?><Error><Code>"
        f"{code}</Code><Message>Invalid argument.</Message><Details>sig</Details></Error>"
    )
    return httpx.Response(status, text=body, headers={"content-type": "application/xml"})


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (400, "ExpiredToken", "the signed URL has expired"),
        (403, "AccessDenied", "denied access"),
        (404, "NoSuchKey", "no longer in storage"),
    ],
)
async def test_a_refused_result_url_is_a_storage_error_not_a_key_problem(
    script: Script, clock: ManualClock, tmp_path: Path, status: int, code: str, words: str
) -> None:
    script.on("GET", "/out/v", storage_answer(status, code))
    async with make_client(script, clock) as client:
        with pytest.raises(StorageError) as caught:
            await client.download(f"{STORAGE}/out/v?X-Goog-Signature=s", tmp_path / "v.mp4")
    error = caught.value
    assert error.kind is FailureKind.STORAGE_REFUSED
    assert not isinstance(error, AuthenticationError)
    assert error.code == code
    assert words in str(error)
    assert "<" not in str(error)  # a sentence, not an XML dump
    assert script.count("GET", "/out/v") == 1  # a dead URL is not asked again
    assert list(tmp_path.iterdir()) == []


async def test_a_storage_5xx_is_retried_like_any_blip(
    script: Script, clock: ManualClock, tmp_path: Path, video_bytes: bytes
) -> None:
    script.on(
        "GET", "/out/v", storage_answer(503, "SlowDown"), httpx.Response(200, content=video_bytes)
    )
    async with make_client(script, clock) as client:
        await client.download(f"{STORAGE}/out/v", tmp_path / "v.mp4")
    assert (tmp_path / "v.mp4").read_bytes() == video_bytes


async def test_a_download_whose_url_expires_midway_resumes_from_the_fresh_url(
    script: Script, clock: ManualClock, tmp_path: Path, video_bytes: bytes
) -> None:
    """Contract §5: the URL dies on its own clock; the object does not. The partial is kept and
    the next URL of the same object (same ETag) resumes it; another object starts over."""
    size, cut = len(video_bytes), len(video_bytes) // 3
    script.on(
        "GET",
        "/out/v1",
        httpx.Response(
            200,
            stream=CutStream(video_bytes, cut),
            headers={"content-length": str(size), "etag": '"obj-1"'},
        ),
        storage_answer(400, "ExpiredToken"),  # the resume on the old URL finds it dead
    )

    def fresh(request: httpx.Request) -> httpx.Response:
        assert request.headers["range"] == f"bytes={cut}-"
        assert request.headers["if-range"] == '"obj-1"'
        return httpx.Response(
            206,
            content=video_bytes[cut:],
            headers={"content-range": f"bytes {cut}-{size - 1}/{size}", "etag": '"obj-1"'},
        )

    script.on("GET", "/out/v2", fresh)
    dest = tmp_path / "v.mp4"
    async with make_client(script, clock) as client:
        with pytest.raises(StorageError):
            await client.download(f"{STORAGE}/out/v1?sig=a", dest)
        assert dest.with_name("v.mp4.part").stat().st_size == cut  # kept for the next URL
        result = await client.download(f"{STORAGE}/out/v2?sig=b", dest)
    assert dest.read_bytes() == video_bytes
    assert result.sha256 == hashlib.sha256(video_bytes).hexdigest()
    assert not dest.with_name("v.mp4.part").exists()


async def test_a_resume_that_meets_another_object_is_never_spliced(
    script: Script, clock: ManualClock, tmp_path: Path, video_bytes: bytes
) -> None:
    size, cut = len(video_bytes), len(video_bytes) // 3
    script.on(
        "GET",
        "/out/v1",
        httpx.Response(
            200,
            stream=CutStream(video_bytes, cut),
            headers={"content-length": str(size), "etag": '"obj-1"'},
        ),
        storage_answer(403, "AccessDenied"),
    )
    # A host that ignores If-Range sends part of a different object.
    script.on(
        "GET",
        "/out/v2",
        httpx.Response(
            206,
            content=b"x" * (size - cut),
            headers={"content-range": f"bytes {cut}-{size - 1}/{size}", "etag": '"obj-2"'},
        ),
    )
    dest = tmp_path / "v.mp4"
    async with make_client(script, clock) as client:
        with pytest.raises(StorageError):
            await client.download(f"{STORAGE}/out/v1", dest)
        with pytest.raises(DownloadVerificationError, match="another object"):
            await client.download(f"{STORAGE}/out/v2", dest)
    assert list(tmp_path.iterdir()) == []


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


# ------------------------------------------------------------------ create-only uploads


def slot(name: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "upload_url": f"{STORAGE}/put/{name}?X-Goog-Signature=s",
            "storage_uri": f"ltx://uploads/{name}",
            "expires_at": "2026-11-23T11:00:00Z",
            "required_headers": {
                "x-goog-content-length-range": "0,209715200",
                "x-goog-if-generation-match": "0",
            },
        },
    )


async def test_a_put_sent_again_after_its_answer_was_lost_is_done_on_412(
    script: Script, clock: ManualClock, tmp_path: Path
) -> None:
    """Contract §4: upload URLs create and never overwrite; a resent PUT that meets the object
    its first attempt stored gets 412, which means the upload is done."""
    image = make_image(tmp_path / "first.png", width=64, height=36)
    script.on("POST", "/v1/upload", slot("a"))
    script.on(
        "PUT",
        "/put/a",
        httpx.ReadError("the answer was lost"),
        storage_answer(412, "PreconditionFailed"),
    )
    async with make_client(script, clock) as client:
        uri = await client.upload(image, transport="upload")
    assert uri == "ltx://uploads/a"
    puts = [r for r in script.seen if r.method == "PUT"]
    assert len(puts) == 2
    assert all(p.headers["x-goog-if-generation-match"] == "0" for p in puts)  # as given
    assert script.count("POST", "/v1/upload") == 1


async def test_a_412_on_the_first_put_is_not_taken_for_success(
    script: Script, clock: ManualClock, tmp_path: Path
) -> None:
    image = make_image(tmp_path / "first.png", width=64, height=36)
    script.on("POST", "/v1/upload", slot("a"))
    script.on("PUT", "/put/a", storage_answer(412, "PreconditionFailed"))
    async with make_client(script, clock) as client:
        with pytest.raises(StorageError, match="already holds a file"):
            await client.upload(image, transport="upload")


async def test_a_refused_upload_slot_is_replaced_by_a_new_one(
    script: Script, clock: ManualClock, tmp_path: Path
) -> None:
    image = make_image(tmp_path / "first.png", width=64, height=36)
    script.on("POST", "/v1/upload", slot("a"), slot("b"))
    script.on("PUT", "/put/a", storage_answer(400, "ExpiredToken"))
    script.on("PUT", "/put/b", httpx.Response(200))
    async with make_client(script, clock) as client:
        assert await client.upload(image, transport="upload") == "ltx://uploads/b"


# ------------------------------------------------------------------ errors as documented


@pytest.mark.parametrize(
    ("answer", "cls", "kind"),
    [
        (
            envelope(403, "permission_error", "This endpoint is not available for your account"),
            PermissionDeniedError,
            FailureKind.PERMISSION,
        ),
        (
            envelope(402, "payment_declined_error", "Payment declined"),
            PaymentDeclinedError,
            FailureKind.PAYMENT_DECLINED,
        ),
        (
            envelope(503, "service_unavailable_error", "Down for maintenance"),
            ServerError,
            FailureKind.SERVER,
        ),
        (
            envelope(429, "rate_limit_error", "Queue limit exceeded", **{"Retry-After": "200"}),
            RateLimitError,
            FailureKind.RATE_LIMITED,
        ),
    ],
)
async def test_documented_error_types_map_to_what_the_engine_must_do(
    script: Script, clock: ManualClock, answer: httpx.Response, cls: type, kind: FailureKind
) -> None:
    script.on("POST", "/v2/text-to-video", answer)
    async with make_client(script, clock) as client:
        with pytest.raises(cls) as caught:
            await client.submit(t2v())
    assert caught.value.kind is kind
    assert not isinstance(caught.value, AuthenticationError)


async def test_a_failed_jobs_402_and_422_carry_the_submit_kinds(
    script: Script, clock: ManualClock
) -> None:
    from ltxstudio.api import (
        Failed,
    )

    def failed(error_type: str) -> httpx.Response:
        body = {"status": "failed", "id": "j", "error": {"type": error_type, "message": "m"}}
        return httpx.Response(200, json=body)

    script.on(
        "GET",
        "/v2/text-to-video/j",
        failed("insufficient_funds_error"),
        failed("content_filtered_error"),
        failed("something_new"),
    )
    async with make_client(script, clock) as client:
        handle = client.handle_for("text-to-video", "j")
        kinds = [await client.status(handle) for _ in range(3)]
    assert [k.kind for k in kinds if isinstance(k, Failed)] == [
        FailureKind.INSUFFICIENT_FUNDS,
        FailureKind.CONTENT_FILTERED,
        FailureKind.SERVER,  # an unknown type is still a failed render
    ]


# ------------------------------------------------------------------ key check


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (envelope(404, "not_found_error", "Job not found"), KeyVerdict.VALID),
        (envelope(401, "authentication_error", "Invalid API key"), KeyVerdict.REFUSED),
        (httpx.ConnectError("no route to host"), KeyVerdict.UNREACHABLE),
    ],
)
async def test_the_key_check_creates_nothing_and_says_what_it_found(
    script: Script, clock: ManualClock, answer: httpx.Response | Exception, verdict: KeyVerdict
) -> None:
    from ltxstudio.api._keycheck import KEY_CHECK_JOB_ID

    script.on("GET", f"/v2/text-to-video/{KEY_CHECK_JOB_ID}", answer)
    async with make_client(script, clock) as client:
        found = await client.check_key()
    assert found.verdict is verdict
    assert {r.method for r in script.seen} == {"GET"}  # nothing created, nothing billed
