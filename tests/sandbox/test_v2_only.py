"""v1 generation is retired (contract §1): the five routes say so, render and charge nothing,
and are counted; `POST /v1/upload` is not retired."""

from __future__ import annotations

import pytest

from ltxstudio.core.catalog import RETIRED_V1_ENDPOINTS
from tests.sandbox.conftest import T2V_720, Harness

pytestmark = pytest.mark.asyncio


async def test_the_retired_v1_routes_answer_410_and_name_the_v2_route(sandbox: Harness) -> None:
    for endpoint in RETIRED_V1_ENDPOINTS:
        for client in (sandbox.client, sandbox.anon):  # the answer does not depend on the key
            r = await client.post(f"/v1/{endpoint.value}", json=T2V_720)
            assert r.status_code == 410, r.text
            assert r.json() == {
                "type": "error",
                "error": {
                    "type": "invalid_request_error",
                    "message": f"POST /v1/{endpoint.value} was retired on 2026-10-26; "
                    f"use POST /v2/{endpoint.value}",
                },
            }
            assert r.headers["x-request-id"].startswith("req_")
    await sandbox.sandbox.idle()
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert stats["v1_calls"] == 2 * len(RETIRED_V1_ENDPOINTS)
    assert stats["requests"] == {
        f"POST /v1/{endpoint.value}": 2 for endpoint in RETIRED_V1_ENDPOINTS
    }
    assert (stats["jobs_created"], stats["renders"], stats["jobs_charged"]) == (0, 0, 0)
    assert (stats["balance_usd"], stats["reserved_usd"]) == ("25.00", "0.00")
    assert (await sandbox.client.get("/_sandbox/ledger")).json()["entries"] == []


async def test_routes_v1_never_had_stay_unknown_and_upload_stays(sandbox: Harness) -> None:
    r = await sandbox.client.post("/v1/video-to-video-hdr", json={"video_uri": "x"})
    assert (r.status_code, r.json()["error"]["type"]) == (404, "not_found_error")
    assert "only on /v2/" in r.json()["error"]["message"]
    r = await sandbox.client.get("/v1/retake")
    assert (r.status_code, r.headers["allow"]) == (405, "POST")
    assert (await sandbox.client.post("/v1/upload")).status_code == 200
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert stats["v1_calls"] == 0  # only the five retired generation routes count
