"""Pre-signed storage: uploads with required headers, results with Range, expiry, reuse, and
errors in storage's own XML (contract §5), never the API's JSON envelope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ltxstudio.sandbox.storage import parse_range
from ltxstudio.sandbox.uploads import GENERATION_MATCH_HEADER, META_HEADER, RANGE_HEADER
from tests.sandbox.conftest import T2V_720, Harness, HarnessFactory, storage_error


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
    assert storage_error(beyond)[:2] == (416, "InvalidRange")
    assert beyond.headers["content-range"] == f"bytes */{len(whole)}"


@pytest.mark.asyncio
async def test_storage_refuses_in_its_own_xml(sandbox: Harness) -> None:
    """Storage errors come from the storage host: XML `Error` bodies with GCS's codes, never the
    LTX envelope (contract §5), so a client cannot mistake one for an API answer."""
    job_id = (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    url = (await sandbox.finish("text-to-video", job_id))["result"]["video_url"]
    base, _, query = url.partition("?")
    unsigned = await sandbox.anon.get(base)
    assert storage_error(unsigned)[:2] == (403, "AccessDenied")
    tampered = await sandbox.anon.get(url.replace("signature=", "signature=0"))
    status, code, message = storage_error(tampered)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert message.startswith("The request signature we calculated does not match")
    other = await sandbox.anon.get(base.replace(job_id, "not-" + job_id) + "?" + query)
    assert storage_error(other)[:2] == (403, "SignatureDoesNotMatch")  # signed for another key
    leaked = await sandbox.anon.get(url, headers={"Authorization": "Bearer sbx_test_key"})
    status, code, message = storage_error(leaked)
    assert (status, code) == (400, "InvalidArgument")
    assert "do not send an Authorization header" in message
    assert "the API key must never go to the storage host" in message
    # An object gone before its URL expires (results are kept `retention_seconds`).
    sandbox.sandbox.store.discard(f"results/{job_id}.mp4")
    assert storage_error(await sandbox.anon.get(url))[:2] == (404, "NoSuchKey")
    # Unknown storage paths and wrong methods are storage's answers too.
    r = await sandbox.anon.get("/_sandbox/storage/results/a/b")
    assert storage_error(r)[:2] == (404, "NoSuchKey")
    r = await sandbox.anon.put(url, content=b"x")
    assert storage_error(r)[:2] == (405, "MethodNotAllowed")
    assert r.headers["allow"] == "GET, HEAD"
    r = await sandbox.anon.delete(url)
    assert storage_error(r)[:2] == (405, "MethodNotAllowed")


@pytest.mark.asyncio
async def test_injected_faults_and_crashes_on_storage_are_xml_too(
    sandbox: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    url = (await sandbox.finish("text-to-video", job_id))["result"]["video_url"]
    spec = "download#1=503:4,download#2=500,download#3=429,download#4=504"
    await sandbox.client.put("/_sandbox/faults", json={"spec": spec})
    seen = [storage_error(await sandbox.anon.get(url))[:2] for _ in range(4)]
    assert seen == [
        (503, "ServiceUnavailable"),
        (500, "InternalError"),
        (429, "SlowDown"),
        (504, "GatewayTimeout"),
    ]
    await sandbox.client.put("/_sandbox/faults", json={"spec": "download#1=503:4"})
    assert (await sandbox.anon.get(url)).headers["retry-after"] == "4"

    def broken(key: str) -> None:
        raise RuntimeError("a bug in the sandbox")

    monkeypatch.setattr(sandbox.sandbox.store, "get", broken)
    crashed = await sandbox.anon.get(url)
    assert storage_error(crashed)[:2] == (500, "InternalError")
    assert crashed.headers["x-request-id"].startswith("req_")


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
        RANGE_HEADER: "0,209715200",  # contract §4: 200 MB
        GENERATION_MATCH_HEADER: "0",  # create-only
        META_HEADER: slot["storage_uri"].removeprefix("ltx://uploads/"),
    }
    wrong = {**slot["required_headers"], META_HEADER: "someone-else"}
    r = await sandbox.anon.put(slot["upload_url"], content=b"x", headers=wrong)
    status, code, message = storage_error(r)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert f"The signed header {META_HEADER} must be" in message
    missing = {k: v for k, v in slot["required_headers"].items() if k != RANGE_HEADER}
    r = await sandbox.anon.put(slot["upload_url"], content=b"x", headers=missing)
    assert storage_error(r)[:2] == (403, "SignatureDoesNotMatch")
    assert f"The signed header {RANGE_HEADER} is missing" in storage_error(r)[2]
    for value in ("1", "*"):
        other = {**slot["required_headers"], GENERATION_MATCH_HEADER: value}
        r = await sandbox.anon.put(slot["upload_url"], content=b"x", headers=other)
        assert storage_error(r)[:2] == (403, "SignatureDoesNotMatch")
    huge = {**slot["required_headers"], "Content-Length": str(209_715_201)}
    r = await sandbox.anon.put(slot["upload_url"], content=b"x", headers=huge)
    assert storage_error(r)[:2] == (400, "EntityTooLarge")  # GCS: 400 outside the signed range
    assert sandbox.sandbox.store.get(f"uploads/{slot['storage_uri'][14:]}") is None
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
        f"video_uri: the upload {slot['storage_uri']!r} has expired (an uploaded file lives "
        "24 h); upload the file again"
    )


@pytest.mark.asyncio
async def test_the_range_allows_exactly_200_mb(sandbox: Harness) -> None:
    slot = (await sandbox.client.post("/v1/upload")).json()
    declared = {**slot["required_headers"], "Content-Length": str(209_715_200)}
    r = await sandbox.anon.put(slot["upload_url"], content=b"x", headers=declared)
    assert r.status_code == 200, r.text  # the bound is inclusive: 0,209715200


@pytest.mark.asyncio
async def test_an_upload_url_creates_once_and_never_overwrites(
    sandbox: Harness, video_4s: bytes
) -> None:
    """Contract §4 (`x-goog-if-generation-match: 0`): a PUT sent again, say because its answer
    was lost, gets 412 PreconditionFailed and leaves the object as it was."""
    slot = (await sandbox.client.post("/v1/upload")).json()
    key = "uploads/" + slot["storage_uri"].removeprefix("ltx://uploads/")
    first = await sandbox.anon.put(
        slot["upload_url"], content=video_4s, headers=slot["required_headers"]
    )
    assert first.status_code == 200
    stored = sandbox.sandbox.store.get(key)
    assert stored is not None
    etag = stored.etag
    for body in (video_4s, b"something else entirely"):
        again = await sandbox.anon.put(
            slot["upload_url"], content=body, headers=slot["required_headers"]
        )
        status, code, message = storage_error(again)
        assert (status, code) == (412, "PreconditionFailed")
        assert "x-goog-if-generation-match: 0, and the object already exists" in message
    kept = sandbox.sandbox.store.get(key)
    assert kept is not None
    assert (kept.etag, kept.read()) == (etag, video_4s)
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert (stats["uploads"], stats["uploads_completed"]) == (1, 1)
    assert stats["requests"]["PUT /_sandbox/storage/uploads/{id}"] == 3


@pytest.mark.asyncio
async def test_an_upload_lives_24_hours_from_its_put(sandbox: Harness, video_4s: bytes) -> None:
    """Contract §4: a `storage_uri` older than 24 h is dead, so a client must upload again
    before it submits; the lifetime runs on the injected clock."""
    sandbox.clock.advance(1800)  # the PUT, not the slot, starts the 24 h
    uri = await sandbox.upload(video_4s)
    sandbox.sandbox.ledger.balance_usd *= 0  # an admitted request answers 402
    body = {"video_uri": uri, "duration": 2}
    sandbox.clock.advance(24 * 3600 - 1)
    assert (await sandbox.client.post("/v2/extend", json=body)).status_code == 402
    sandbox.clock.advance(2)
    r = await sandbox.client.post("/v2/extend", json=body)
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith(f"video_uri: the upload {uri!r} has expired")
    fresh = await sandbox.upload(video_4s)  # the client's re-upload works at once
    r = await sandbox.client.post("/v2/extend", json={**body, "video_uri": fresh})
    assert r.status_code == 402


@pytest.mark.asyncio
async def test_the_upload_lifetime_is_configurable(
    make_harness: HarnessFactory, video_4s: bytes
) -> None:
    h = await make_harness(upload_lifetime_seconds=600, balance_usd=Decimal(0))
    uri = await h.upload(video_4s)
    h.clock.advance(601)
    r = await h.client.post("/v2/extend", json={"video_uri": uri, "duration": 2})
    assert "(an uploaded file lives 10 min)" in r.json()["error"]["message"]


@pytest.mark.asyncio
async def test_result_urls_expire_on_their_own_clock_and_each_poll_signs_a_fresh_one(
    sandbox: Harness,
) -> None:
    """Contract §5: result URLs expire independently of (and before) the status. A client whose
    download was cut and whose URL then expired polls again and resumes on the new URL with
    Range + If-Range: same object, same ETag."""
    job_id = (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    first = (await sandbox.finish("text-to-video", job_id))["result"]["video_url"]
    whole = await sandbox.download(first)
    etag = (await sandbox.anon.head(first)).headers["etag"]
    head = await sandbox.anon.get(first, headers={"Range": "bytes=0-999"})
    assert (head.status_code, head.headers["etag"]) == (206, etag)

    sandbox.clock.advance(3600 - 1)  # the default result_url_seconds: an hour
    assert (await sandbox.anon.get(first)).status_code == 200
    sandbox.clock.advance(2)
    status, code, message = storage_error(await sandbox.anon.get(first))
    assert (status, code) == (400, "ExpiredToken")
    assert message.startswith("The provided token has expired.")

    poll = await sandbox.client.get(f"/v2/text-to-video/{job_id}")
    assert poll.json()["status"] == "completed"  # the status outlives the URL
    fresh = poll.json()["result"]["video_url"]
    assert fresh != first
    assert fresh.split("?")[0] == first.split("?")[0]  # the same object
    rest = await sandbox.anon.get(fresh, headers={"Range": "bytes=1000-", "If-Range": etag})
    assert (rest.status_code, rest.headers["etag"]) == (206, etag)
    assert head.content + rest.content == whole
    # A validator that no longer matches gets the whole object, not a mismatched tail.
    stale = await sandbox.anon.get(fresh, headers={"Range": "bytes=1000-", "If-Range": '"old"'})
    assert (stale.status_code, stale.content) == (200, whole)
    weak = await sandbox.anon.get(fresh, headers={"Range": "bytes=1000-", "If-Range": f"W/{etag}"})
    assert weak.status_code == 200  # If-Range needs a strong match
    # Every poll signs anew; polls within one second hand out the same URL.
    sandbox.clock.advance(30)
    again = (await sandbox.client.get(f"/v2/text-to-video/{job_id}")).json()
    assert again["result"]["video_url"] not in (first, fresh)


@pytest.mark.asyncio
async def test_the_result_url_lifetime_is_configurable(make_harness: HarnessFactory) -> None:
    h = await make_harness(result_url_seconds=60)
    job_id = (await h.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    url = (await h.finish("text-to-video", job_id))["result"]["video_url"]
    h.clock.advance(61)
    assert storage_error(await h.anon.get(url))[:2] == (400, "ExpiredToken")
    url = (await h.client.get(f"/v2/text-to-video/{job_id}")).json()["result"]["video_url"]
    assert (await h.anon.get(url)).status_code == 200
    with pytest.raises(ValueError, match="result_url_seconds must be positive"):
        await make_harness(result_url_seconds=0)
