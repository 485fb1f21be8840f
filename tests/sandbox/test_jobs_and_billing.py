"""v2 job lifecycle on a ManualClock, the ledger, 402, 429 (request rate and the queued-job
cap), jobs waiting in `pending` beyond the render concurrency, and `/_sandbox/stats` counting
exactly what was sent (acceptance 4)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest

from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.core.pricing import CostBasis, estimate_usd, quote
from ltxstudio.sandbox.config import JobScript, RateLimit
from ltxstudio.sandbox.probe import probe_media
from tests.sandbox.conftest import T2V_720, Harness, HarnessFactory, data_uri, storage_error

pytestmark = pytest.mark.asyncio

#: What T2V_720 costs: 2 s of ltx-2-3-fast at 720p.
T2V_COST = estimate_usd(
    CostBasis(Endpoint.TEXT_TO_VIDEO, 2, Model.LTX_2_3_FAST, Resolution(1280, 720))
)


async def _status(h: Harness, job_id: str, endpoint: str = "text-to-video") -> dict[str, Any]:
    r = await h.client.get(f"/v2/{endpoint}/{job_id}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_lifecycle_follows_the_clock_and_the_render(sandbox: Harness) -> None:
    r = await sandbox.client.post("/v2/text-to-video", json=T2V_720)
    assert r.status_code == 202
    job_id = r.json()["id"]
    assert (await _status(sandbox, job_id))["status"] == "pending"
    sandbox.clock.advance(1.9)
    assert (await _status(sandbox, job_id))["status"] == "pending"
    sandbox.clock.advance(0.2)
    assert (await _status(sandbox, job_id))["status"] == "processing"
    await sandbox.sandbox.idle()
    sandbox.clock.advance(7.0)  # 9.1 s: the script says 10 s
    assert (await _status(sandbox, job_id))["status"] == "processing"
    sandbox.clock.advance(1.0)
    done = await _status(sandbox, job_id)
    assert done["status"] == "completed"
    assert set(done) == {"id", "status", "created_at", "completed_at", "result"}
    assert done["created_at"] == r.json()["created_at"]
    video = await sandbox.download(done["result"]["video_url"])
    assert video[4:8] == b"ftyp"


async def test_a_job_is_processing_until_its_render_really_finished(
    make_harness: HarnessFactory,
) -> None:
    h = await make_harness(job_script=JobScript(pending_seconds=0, processing_seconds=0))
    release = threading.Event()
    render = h.sandbox.renderer.render

    def gated(spec: Any) -> Any:
        release.wait(30)  # the worker thread holds the render until the test lets it go
        return render(spec)

    h.sandbox.renderer.render = gated  # type: ignore[method-assign]
    r = await h.client.post("/v2/text-to-video", json=T2V_720)
    job_id = r.json()["id"]
    h.clock.advance(600)  # the script is long over, the render is not
    assert (await _status(h, job_id))["status"] == "processing"
    release.set()
    await h.sandbox.idle()
    done = await _status(h, job_id)
    assert done["status"] == "completed"
    assert done["completed_at"] > done["created_at"]


async def test_speed_divides_the_script(make_harness: HarnessFactory) -> None:
    h = await make_harness(speed=10.0)
    job_id = (await h.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    await h.sandbox.idle()
    h.clock.advance(0.9)
    assert (await _status(h, job_id))["status"] == "processing"
    h.clock.advance(0.2)
    assert (await _status(h, job_id))["status"] == "completed"


async def test_404_for_wrong_endpoint_unknown_id_and_after_retention(sandbox: Harness) -> None:
    job_id = (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    for path in (f"/v2/image-to-video/{job_id}", "/v2/text-to-video/not-a-job"):
        r = await sandbox.client.get(path)
        assert r.status_code == 404
        assert r.json()["error"]["type"] == "not_found_error"
    submitted = sandbox.clock.time()
    await sandbox.finish("text-to-video", job_id)
    ended = submitted + 10  # the default script: 2 s pending + 8 s processing
    sandbox.clock.advance(ended + 24 * 3600 - 1 - sandbox.clock.time())
    last = await sandbox.client.get(f"/v2/text-to-video/{job_id}")
    assert last.status_code == 200
    url = last.json()["result"]["video_url"]
    assert (await sandbox.anon.get(url)).status_code == 200
    sandbox.clock.advance(2)
    r = await sandbox.client.get(f"/v2/text-to-video/{job_id}")
    assert (r.status_code, r.json()["error"]["type"]) == (404, "not_found_error")
    gone = await sandbox.anon.get(url)  # the result went with the status
    assert storage_error(gone)[:2] == (404, "NoSuchKey")


async def test_completed_jobs_are_charged_and_failed_jobs_are_not(sandbox: Harness) -> None:
    start = sandbox.sandbox.ledger.balance_usd
    await sandbox.client.put("/_sandbox/faults", json={"spec": "submit#2=fail:api_error"})
    ok = (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    bad = (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert Decimal(stats["reserved_usd"]) == 2 * T2V_COST
    assert stats["reserved_usd"] == "0.12"
    assert Decimal(stats["balance_usd"]) == start
    assert (await sandbox.finish("text-to-video", ok))["status"] == "completed"
    failed = await _status(sandbox, bad)
    assert failed["status"] == "failed"
    assert failed["error"] == {
        "type": "api_error",
        "message": "The generation failed unexpectedly.",
    }
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert Decimal(stats["balance_usd"]) == start - T2V_COST
    assert (stats["jobs_charged"], stats["jobs_failed"], stats["jobs_completed"]) == (1, 1, 1)
    ledger = (await sandbox.client.get("/_sandbox/ledger")).json()["entries"]
    kinds = sorted((e["kind"], e["job_id"]) for e in ledger)
    assert kinds == sorted([("reserve", ok), ("reserve", bad), ("charge", ok), ("release", bad)])


async def test_402_names_the_credits_and_a_top_up_lets_the_client_resume(
    make_harness: HarnessFactory,
) -> None:
    h = await make_harness(balance_usd=Decimal("0.05"))
    r = await h.client.post("/v2/text-to-video", json=T2V_720)
    assert r.status_code == 402
    assert r.json()["error"] == {
        "type": "insufficient_funds_error",
        "message": "Insufficient funds. Required: 6 credits",  # $0.06
    }
    r = await h.client.post("/_sandbox/balance", json={"add_usd": "0.01"})
    assert r.json()["balance_usd"] == "0.06"
    r = await h.client.post("/v2/text-to-video", json=T2V_720)
    assert r.status_code == 202
    # The reservation holds the money: a second job cannot spend it again.
    r = await h.client.post("/v2/text-to-video", json=T2V_720)
    assert r.status_code == 402
    r = await h.client.post("/_sandbox/balance", json={"set_usd": "10"})
    assert r.json()["available_usd"] == "9.94"
    assert (await h.client.post("/_sandbox/balance", json={"set_usd": "-1"})).status_code == 400


async def test_jobs_beyond_the_render_concurrency_wait_in_pending(sandbox: Harness) -> None:
    """Contract §5: the concurrency limit is the retired sync API's; v2 accepts the job and it
    waits in `pending` until a render slot frees (default 2 slots, first come first served)."""
    ids = []
    for _ in range(3):
        r = await sandbox.client.post("/v2/text-to-video", json=T2V_720)
        assert r.status_code == 202, r.text  # never 429 concurrency_limit_error
        ids.append(r.json()["id"])
    await sandbox.sandbox.idle()

    async def states() -> list[str]:
        return [(await _status(sandbox, job_id))["status"] for job_id in ids]

    sandbox.clock.advance(2.1)  # the script: 2 s pending, 8 s processing
    assert await states() == ["processing", "processing", "pending"]
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert (stats["jobs_processing"], stats["jobs_pending"]) == (2, 1)
    sandbox.clock.advance(7.8)  # 9.9 s: the first two are still processing
    assert await states() == ["processing", "processing", "pending"]
    sandbox.clock.advance(0.2)  # 10.1 s: a slot is free
    assert await states() == ["completed", "completed", "processing"]
    sandbox.clock.advance(8)  # the third started at 10 s, so it ends at 18 s
    assert await states() == ["completed", "completed", "completed"]
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert stats["jobs_created"] == stats["jobs_submitted"] == stats["jobs_charged"] == 3
    assert (stats["concurrency_limit"], stats["jobs_in_flight_max"]) == (2, 3)


async def test_too_many_queued_jobs_answer_429_queue_limit_exceeded(
    make_harness: HarnessFactory,
) -> None:
    """Contract §5: v2 caps the organisation's *queued* jobs with 429 rate_limit_error "Queue
    limit exceeded"; Retry-After says when the first waiting job leaves the queue."""
    h = await make_harness(concurrency_limit=1, queued_job_limit=3)
    codes = [(await h.client.post("/v2/text-to-video", json=T2V_720)).status_code for _ in range(3)]
    assert codes == [202, 202, 202]  # all three pending (the first for its scripted 2 s)
    r = await h.client.post("/v2/text-to-video", json=T2V_720)
    assert r.status_code == 429
    assert r.json()["error"] == {"type": "rate_limit_error", "message": "Queue limit exceeded"}
    assert r.headers["retry-after"] == "2"  # the first job starts processing at 2 s
    h.clock.advance(2)  # it has: two wait
    assert (await h.client.post("/v2/text-to-video", json=T2V_720)).status_code == 202
    r = await h.client.post("/v2/text-to-video", json=T2V_720)
    assert r.status_code == 429
    assert r.headers["retry-after"] == "8"  # the next starts when the first ends, at 10 s
    # 402 before 429: a client that cannot pay is not told to come back later.
    await h.client.post("/_sandbox/balance", json={"set_usd": "0"})
    assert (await h.client.post("/v2/text-to-video", json=T2V_720)).status_code == 402
    stats = (await h.client.get("/_sandbox/stats")).json()
    assert (stats["queued_job_limit"], stats["queue_refusals"]) == (3, 2)
    assert stats["jobs_created"] == stats["jobs_submitted"] == 4
    assert stats["jobs_pending"] == 3


async def test_stats_keep_the_peak_in_flight_and_count_real_refusals(
    make_harness: HarnessFactory,
) -> None:
    h = await make_harness(concurrency_limit=3, queued_job_limit=4)

    async def stats() -> dict[str, Any]:
        body: dict[str, Any] = (await h.client.get("/_sandbox/stats")).json()
        return body

    async def submit() -> int:
        return (await h.client.post("/v2/text-to-video", json=T2V_720)).status_code

    assert [await submit(), await submit()] == [202, 202]
    first = await stats()
    assert (first["jobs_active"], first["jobs_in_flight_max"]) == (2, 2)
    h.clock.advance(3600)  # both end; the peak stays
    await h.sandbox.idle()
    assert await submit() == 202
    later = await stats()
    assert (later["jobs_active"], later["jobs_in_flight_max"]) == (1, 2)
    assert [await submit(), await submit(), await submit(), await submit()] == [
        202,
        202,
        202,
        429,  # four pending: the queue is full
    ]
    await h.client.put("/_sandbox/faults", json={"spec": "submit#1=429"})
    assert await submit() == 429  # injected: not a refusal by the queue limit
    last = await stats()
    assert (last["jobs_in_flight_max"], last["concurrency_limit"]) == (4, 3)
    assert last["queue_refusals"] == 1


async def test_rate_limit_answers_429_with_the_wait(make_harness: HarnessFactory) -> None:
    h = await make_harness(rate_limit=RateLimit(requests=3, window_seconds=10))
    for _ in range(3):
        assert (await h.client.get("/v2/text-to-video/x")).status_code == 404
    h.clock.advance(4)
    r = await h.client.post("/v1/upload")
    assert r.status_code == 429
    assert r.json()["error"] == {
        "type": "rate_limit_error",
        "message": "Too many requests. Please try again later.",
    }
    assert r.headers["retry-after"] == "6"
    h.clock.advance(6)
    assert (await h.client.post("/v1/upload")).status_code == 200
    # Admin routes are not rate limited (tests must be able to look).
    assert (await h.client.get("/_sandbox/stats")).status_code == 200


async def test_auth_errors(sandbox: Harness) -> None:
    cases = {
        None: "Missing authorization header",
        "Basic abc": "Authorization header must be 'Bearer <API key>'",
        "Bearer wrong": "Invalid API key",
    }
    for header, message in cases.items():
        headers = {"Authorization": header} if header else {}
        for method, path in (("POST", "/v1/upload"), ("GET", "/_sandbox/stats")):
            r = await sandbox.anon.request(method, path, headers=headers)
            assert r.status_code == 401
            assert r.json()["error"] == {"type": "authentication_error", "message": message}
            assert "sbx_test_key" not in r.text


async def test_stats_count_exactly_what_was_sent(sandbox: Harness, video_4s: bytes) -> None:
    """Acceptance 4: every request is counted once under its route, whatever its answer."""
    uri = await sandbox.upload(video_4s)  # 1 upload slot + 1 PUT
    job_ids = []
    for _ in range(2):
        r = await sandbox.client.post("/v2/text-to-video", json=T2V_720)
        job_ids.append(r.json()["id"])
    await sandbox.client.post("/v2/text-to-video", json={"prompt": "no model"})  # 400
    await sandbox.client.get("/v2/text-to-video")  # 405: counted under the route's template
    await sandbox.client.post("/v3/text-to-video", json={})  # 404: no route at all
    await sandbox.client.delete("/_sandbox/faults")  # admin routes are not counted
    await sandbox.anon.post("/v2/extend", json={"video_uri": uri, "duration": 2})  # 401
    for job_id in job_ids:
        await sandbox.client.get(f"/v2/text-to-video/{job_id}")
    done = await sandbox.finish("text-to-video", job_ids[0])  # one more poll
    await sandbox.download(done["result"]["video_url"])
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert stats["requests"] == {
        "GET /_sandbox/storage/results/{id}": 1,
        "GET /v2/text-to-video/{id}": 3,
        "GET /v2/{endpoint}": 1,
        "POST (no route)": 1,
        "POST /v1/upload": 1,
        "POST /v2/extend": 1,
        "POST /v2/text-to-video": 3,
        "PUT /_sandbox/storage/uploads/{id}": 1,
    }
    assert stats["jobs_created"] == stats["jobs_submitted"] == 2
    assert stats["v1_calls"] == 0
    assert stats["uploads"] == stats["uploads_completed"] == 1
    assert stats["jobs_charged"] == 2  # finish() moved the clock past both scripts
    assert Decimal(stats["balance_usd"]) == Decimal("25.00") - 2 * T2V_COST


async def test_each_endpoint_is_priced_on_its_own_basis(
    make_harness: HarnessFactory, video_4s: bytes, audio_m4a: bytes, image_png: bytes
) -> None:
    """With no money every admitted request answers 402, and the credits it names show which
    basis was priced (API-NOTES §8): output seconds, input audio, input video, extension +
    context, the input's HDR tier, the reframe output class."""
    h = await make_harness(balance_usd=Decimal(0))
    video = await h.upload(video_4s)
    audio = await h.upload(audio_m4a, "audio/mp4")
    cases: list[tuple[str, dict[str, Any], int]] = [
        ("text-to-video", {**T2V_720, "model": "ltx-2-5-pro", "duration": 6}, 72),  # 6 × 0.12
        (
            "text-to-video",
            {**T2V_720, "model": "ltx-2-5-pro", "resolution": "3840x2160", "duration": 6},
            234,  # 6 × 0.39: 2.5 Pro 4K (contract §6)
        ),
        (
            "text-to-video",
            {**T2V_720, "model": "ltx-2-5-pro", "resolution": "1440x2560", "duration": 6},
            150,  # 6 × 0.25: 2.5 Pro 1440p
        ),
        ("image-to-video", {**T2V_720, "image_uri": data_uri(image_png, "image/png")}, 6),
        # Audio-to-video per model × output tier, per second of input audio (contract §6).
        ("audio-to-video", {"audio_uri": audio, "prompt": "x"}, 30),  # 2.3 Pro 1080p: 3 × 0.10
        ("audio-to-video", {"audio_uri": audio, "prompt": "x", "model": "ltx-2-5-fast"}, 39),
        (
            "audio-to-video",
            {"audio_uri": audio, "prompt": "x", "model": "ltx-2-5-fast", "resolution": "720x1280"},
            27,  # 2.5 Fast 720p: 3 × 0.09
        ),
        (
            "audio-to-video",
            {"audio_uri": audio, "prompt": "x", "model": "ltx-2-5-pro", "resolution": "3840x2160"},
            117,  # 2.5 Pro 4K, unpublished: the t2v rate 0.39 × 3
        ),
        (
            "audio-to-video",
            {"audio_uri": audio, "prompt": "x", "resolution": "1280x720"},
            12,  # 2.3 Pro 720p, unpublished: the t2v rate 0.04 × 3
        ),
        ("retake", {"video_uri": video, "start_time": 0, "duration": 2}, 40),  # 4 s input
        ("extend", {"video_uri": video, "duration": 2}, 60),  # 2 s + 4 s of context
        ("extend", {"video_uri": video, "duration": 2, "context": 1}, 30),
        ("video-to-video-hdr", {"video_uri": video}, 80),  # 4 s × 0.20 (≤ 1080p)
        (
            "video-to-video-reframe",
            {"video_uri": video, "resolution": "1080x1920"},
            80,  # 4 s × 0.20 (1080-class output)
        ),
    ]
    for endpoint, body, credits in cases:
        r = await h.client.post(f"/v2/{endpoint}", json=body)
        assert r.status_code == 402, (endpoint, r.text)
        expected = f"Insufficient funds. Required: {credits} credits"
        assert r.json()["error"]["message"] == expected, (endpoint, body)
    assert (await h.client.get("/_sandbox/stats")).json()["jobs_created"] == 0


async def test_the_charge_is_the_quote_of_the_admitted_request(
    sandbox: Harness, audio_m4a: bytes
) -> None:
    """The ledger bills `pricing.quote` of exactly what was admitted: here an A2V job on an
    unpublished tier, priced per second of the input audio at the model's t2v rate."""
    body = {
        "audio_uri": data_uri(audio_m4a, "audio/mp4"),
        "prompt": "x",
        "model": "ltx-2-3-pro",
        "resolution": "1280x720",
    }
    job_id = (await sandbox.client.post("/v2/audio-to-video", json=body)).json()["id"]
    assert (await sandbox.finish("audio-to-video", job_id))["status"] == "completed"
    info = probe_media(audio_m4a)
    assert info.audio is not None
    basis = CostBasis(
        Endpoint.AUDIO_TO_VIDEO, info.audio.duration, Model.LTX_2_3_PRO, Resolution(1280, 720)
    )
    expected = quote(basis)
    assert not expected.published
    ledger = (await sandbox.client.get("/_sandbox/ledger")).json()["entries"]
    assert [(e["kind"], Decimal(e["amount_usd"])) for e in ledger] == [
        ("reserve", expected.usd),
        ("charge", expected.usd),
    ]
