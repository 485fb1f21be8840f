"""Pre-signed storage: uploads with required headers, results with Range, expiry, reuse."""

from __future__ import annotations

import pytest

from ltxstudio.sandbox.storage import parse_range
from ltxstudio.sandbox.uploads import META_HEADER, RANGE_HEADER
from tests.sandbox.conftest import T2V_720, Harness


def test_range_parsing() -> None:
    assert parse_range("bytes=0-99", 1000) == (0, 99)
    assert parse_range("bytes=900-", 1000) == (900, 999)
    assert parse_range("bytes=-100", 1000) == (900, 999)
    assert parse_range("bytes=990-5000", 1000) == (990, 999)
    assert parse_range("bytes=0-1,5-6", 1000) is None  # multi-range: served whole
    assert parse_range("items=0-1", 1000) is None


@pytest.mark.asyncio
async def test_result_downloads_support_ranges_and_head(sandbox: Harness) -> None:
    job_id = (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    url = (await sandbox.finish("text-to-video", job_id))["result"]["video_url"]
    whole = await sandbox.download(url)
    head = await sandbox.anon.head(url)
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(whole))
    assert head.headers["accept-ranges"] == "bytes"
    tail = await sandbox.anon.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206
    assert tail.headers["content-range"] == f"bytes {len(whole) - 10}-{len(whole) - 1}/{len(whole)}"
    assert tail.content == whole[-10:]
    beyond = await sandbox.anon.get(url, headers={"Range": f"bytes={len(whole)}-"})
    assert beyond.status_code == 416
    assert beyond.json()["error"]["type"] == "range_not_satisfiable_error"
    unsigned = await sandbox.anon.get(url.split("?")[0])
    assert (unsigned.status_code, unsigned.json()["error"]["type"]) == (403, "permission_error")


@pytest.mark.asyncio
async def test_a_result_url_can_feed_the_next_request(sandbox: Harness, video_4s: bytes) -> None:
    """The API reads its own bucket: a previous result's URL works as a `video_uri`."""
    uri = await sandbox.upload(video_4s)
    job_id = (
        await sandbox.client.post("/v2/extend", json={"video_uri": uri, "duration": 2})
    ).json()["id"]
    url = (await sandbox.finish("extend", job_id))["result"]["video_url"]
    sandbox.sandbox.ledger.balance_usd *= 0  # admitted requests now answer 402, not render
    r = await sandbox.client.post("/v2/extend", json={"video_uri": url, "duration": 2})
    assert r.status_code == 402  # 6 s input: admitted
    forged = url.replace("signature=", "signature=f")
    r = await sandbox.client.post("/v2/extend", json={"video_uri": forged, "duration": 2})
    assert r.status_code == 400
    assert "only https URLs are accepted" in r.json()["error"]["message"]


@pytest.mark.asyncio
async def test_upload_rules(sandbox: Harness, video_4s: bytes) -> None:
    slot = (await sandbox.client.post("/v1/upload")).json()
    assert slot["storage_uri"].startswith("ltx://uploads/")
    assert slot["required_headers"] == {
        RANGE_HEADER: "0,100000000",
        META_HEADER: slot["storage_uri"].removeprefix("ltx://uploads/"),
    }
    wrong = {**slot["required_headers"], META_HEADER: "someone-else"}
    r = await sandbox.anon.put(slot["upload_url"], content=b"x", headers=wrong)
    assert r.status_code == 400
    assert f"required header {META_HEADER} must be" in r.json()["error"]["message"]
    huge = {**slot["required_headers"], "Content-Length": str(100_000_001)}
    r = await sandbox.anon.put(slot["upload_url"], content=b"x", headers=huge)
    assert (r.status_code, r.json()["error"]["type"]) == (413, "request_too_large")
    r = await sandbox.anon.put(
        slot["upload_url"], content=video_4s, headers=slot["required_headers"]
    )
    assert r.status_code == 200
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert (stats["uploads"], stats["uploads_completed"]) == (1, 1)
    sandbox.sandbox.ledger.balance_usd *= 0
    body = {"video_uri": slot["storage_uri"], "duration": 2}
    assert (await sandbox.client.post("/v2/extend", json=body)).status_code == 402
    sandbox.clock.advance(24 * 3600 + 1)  # files are kept 24 h
    r = await sandbox.client.post("/v2/extend", json=body)
    assert r.json()["error"]["message"] == (
        f"video_uri: the upload {slot['storage_uri']!r} has expired"
    )
