"""The fault plan: spec parsing, determinism, and what each fault does on the wire."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ltxstudio.sandbox.asgi import SandboxConnectionReset
from ltxstudio.sandbox.faults import (
    Fault,
    FaultInjector,
    FaultKind,
    FaultPlan,
    FaultRule,
    FaultSpecError,
    RouteKind,
    parse_fault,
)
from tests.sandbox.conftest import T2V_720, Harness, HarnessFactory, storage_error


def test_spec_syntax() -> None:
    plan = FaultPlan.parse(
        "submit#3=429:5, poll#2-4=503, download#1=truncate, put=reset, v2/retake#2+=slow:2.5,"
        " v2/extend=fail:api_error, upload#1=504, rate=0.25, mix=500|529, seed=7"
    )
    assert plan.seed == 7
    assert plan.rate == 0.25
    assert plan.mix == (Fault(FaultKind.STATUS, 500), Fault(FaultKind.STATUS, 529))
    assert plan.rules == (
        FaultRule("submit", 3, 3, Fault(FaultKind.STATUS, 429, 5.0)),
        FaultRule("poll", 2, 4, Fault(FaultKind.STATUS, 503)),
        FaultRule("download", 1, 1, Fault(FaultKind.TRUNCATE)),
        FaultRule("put", 1, None, Fault(FaultKind.RESET)),
        FaultRule("v2/retake", 2, None, Fault(FaultKind.SLOW, seconds=2.5)),
        FaultRule("v2/extend", 1, None, Fault(FaultKind.FAIL, error_type="api_error")),
        FaultRule("upload", 1, 1, Fault(FaultKind.STATUS, 504)),
    )
    assert FaultPlan.parse(plan.spec()) == plan
    assert not FaultPlan.parse("").active


def test_spec_syntax_of_the_contract_2026_09_faults() -> None:
    spec = (
        "download#1=expired,download#2=denied,put#1=lost,submit#1=permission,"
        "v2/retake#2=queue_full:7,submit#3=queue_full,submit#4+=declined,"
        "submit#5=fail:payment_declined_error,mix=expired|denied|lost|permission|queue_full|declined"
    )
    plan = FaultPlan.parse(spec)
    assert [r.fault for r in plan.rules] == [
        Fault(FaultKind.EXPIRED),
        Fault(FaultKind.DENIED),
        Fault(FaultKind.LOST),
        Fault(FaultKind.PERMISSION),
        Fault(FaultKind.QUEUE_FULL, 429, 7.0),
        Fault(FaultKind.QUEUE_FULL, 429),
        Fault(FaultKind.DECLINED),
        Fault(FaultKind.FAIL, error_type="payment_declined_error"),
    ]
    assert FaultPlan.parse(plan.spec()) == plan
    assert plan.spec() == spec


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("submit=418", "status 418 in 'submit=418' is not injectable"),
        ("everything=500", "unknown scope 'everything'"),
        ("submit#0=500", "call numbers start at 1"),
        ("submit#3-2=500", "call numbers start at 1"),
        ("rate=2", "rate must be between 0 and 1"),
        ("slow", "fault item 'slow' must look like KEY=VALUE"),
        ("poll=slow", "slow needs seconds"),
        ("poll=explode", "unknown fault 'explode'"),
        ("poll=500:-1", "seconds must not be negative"),
        ("seed=x", "'x' in 'seed=x' is not a whole number"),
        ("v1=500", "there is no scope 'v1'"),
        ("submit=concurrency", "there is no concurrency fault"),
        ("poll=expired", "'expired' happens on put or download, never on poll"),
        ("download#2=lost", "'lost' happens on put, never on download"),
        ("put=permission", "'permission' happens on submit, never on put"),
        ("upload=queue_full:3", "'queue_full:3' happens on submit, never on upload"),
        ("put=lost:3", "lost takes no argument"),
        ("submit=declined:1", "declined takes no argument"),
        ("v1/retake#1=500", "v1 generation was retired on 2026-10-26"),
    ],
)
def test_bad_specs_name_the_item(spec: str, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message.replace("(", r"\(")):
        FaultPlan.parse(spec)


KINDS = list(RouteKind)


@settings(database=None)  # no .hypothesis/ in the work tree (pytest would warn about it)
@given(
    seed=st.integers(0, 2**32),
    rate=st.floats(0.05, 1.0),
    calls=st.lists(st.sampled_from(KINDS), min_size=1, max_size=60),
)
def test_same_seed_same_faults(seed: int, rate: float, calls: list[RouteKind]) -> None:
    plan = FaultPlan(
        rate=rate, seed=seed, mix=tuple(parse_fault(f) for f in ("500", "504", "reset", "fail"))
    )
    first, second = FaultInjector(plan), FaultInjector(plan)
    drawn = [first.draw(kind, "text-to-video") for kind in calls]
    assert drawn == [second.draw(kind, "text-to-video") for kind in calls]
    for kind, fault in zip(calls, drawn, strict=True):
        if fault is None:
            continue
        if fault.kind is FaultKind.FAIL:
            assert kind is RouteKind.SUBMIT


def test_a_gateway_504_can_be_drawn_for_every_call_but_refusals_only_for_generations() -> None:
    gateway = FaultInjector(FaultPlan(rate=1.0, mix=(parse_fault("504"),)))
    assert {gateway.draw(kind, "text-to-video") for kind in KINDS} == {parse_fault("504")}
    refusal = FaultInjector(FaultPlan(rate=1.0, mix=(parse_fault("402"),)))
    drawn = {kind: refusal.draw(kind, "text-to-video") for kind in KINDS}
    assert {k for k, f in drawn.items() if f is not None} == {RouteKind.SUBMIT}


def test_faults_are_drawn_only_where_the_route_could_answer_them() -> None:
    mix = tuple(
        parse_fault(f)
        for f in ("expired", "denied", "lost", "permission", "queue_full", "declined", "529")
    )
    injector = FaultInjector(FaultPlan(rate=1.0, mix=mix, seed=3))
    drawn: dict[RouteKind, set[str]] = {kind: set() for kind in KINDS}
    for _ in range(400):
        for kind in KINDS:
            fault = injector.draw(kind, "text-to-video")
            if fault is not None:
                drawn[kind].add(fault.spec())
    assert drawn == {
        RouteKind.SUBMIT: {"permission", "queue_full", "declined", "529"},
        RouteKind.POLL: {"529"},
        RouteKind.UPLOAD: {"529"},
        RouteKind.PUT: {"expired", "denied", "lost"},  # storage never says 529
        RouteKind.DOWNLOAD: {"expired", "denied"},
    }


def test_a_scripted_fault_skips_the_routes_it_cannot_happen_on() -> None:
    injector = FaultInjector(FaultPlan.parse("any#1+=expired"))
    assert injector.draw(RouteKind.SUBMIT, "text-to-video") is None
    assert injector.draw(RouteKind.POLL) is None
    assert injector.draw(RouteKind.DOWNLOAD) == Fault(FaultKind.EXPIRED)
    assert injector.draw(RouteKind.PUT) == Fault(FaultKind.EXPIRED)
    assert injector.injected == [("download", "expired"), ("put", "expired")]


def test_rate_is_roughly_honoured_and_seeds_differ() -> None:
    a = FaultInjector(FaultPlan(rate=0.3, seed=1))
    b = FaultInjector(FaultPlan(rate=0.3, seed=2))
    da = [a.draw(RouteKind.POLL) for _ in range(2000)]
    db = [b.draw(RouteKind.POLL) for _ in range(2000)]
    share = sum(f is not None for f in da) / len(da)
    assert 0.25 < share < 0.35
    assert da != db


def test_scripted_rules_count_calls_per_scope() -> None:
    injector = FaultInjector(FaultPlan.parse("submit#2=503,v2/retake#1=500"))
    assert injector.draw(RouteKind.SUBMIT, "text-to-video") is None
    assert injector.draw(RouteKind.POLL) is None  # polls do not count as submits
    assert injector.draw(RouteKind.SUBMIT, "retake") == Fault(FaultKind.STATUS, 503)
    assert injector.draw(RouteKind.SUBMIT, "retake") is None  # v2/retake#1 already passed
    assert injector.injected == [("v2/retake", "503")]


@pytest.mark.asyncio
async def test_faults_on_the_wire(sandbox: Harness) -> None:
    spec = (
        "upload#1=503:7,upload#2=529,poll#1=500,submit#1=504,submit#2=429:4,"
        "download#1=truncate,download#2=reset"
    )
    assert (await sandbox.client.put("/_sandbox/faults", json={"spec": spec})).json()["spec"]
    r = await sandbox.client.post("/v1/upload")
    assert (r.status_code, r.headers["retry-after"], r.json()["error"]["type"]) == (
        503,
        "7",
        "service_unavailable_error",  # contract §5; API-NOTES §6.2 had "service_unavailable"
    )
    r = await sandbox.client.post("/v1/upload")
    assert (r.status_code, r.json()["error"]["type"]) == (529, "overloaded_error")
    r = await sandbox.client.get("/v2/text-to-video/whatever")
    assert (r.status_code, r.json()["error"]["type"]) == (500, "api_error")
    r = await sandbox.client.post("/v2/text-to-video", json=T2V_720)
    assert (r.status_code, r.json()["error"]["type"]) == (504, "timeout_error")
    r = await sandbox.client.post("/v2/text-to-video", json=T2V_720)
    assert (r.status_code, r.headers["retry-after"]) == (429, "4")
    assert r.json()["error"]["type"] == "rate_limit_error"
    job_id = (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    done = await sandbox.finish("text-to-video", job_id)
    url = done["result"]["video_url"]
    truncated = await sandbox.anon.get(url)
    assert truncated.status_code == 200
    assert len(truncated.content) < int(truncated.headers["content-length"])
    with pytest.raises(SandboxConnectionReset):
        await sandbox.anon.get(url)
    whole = await sandbox.anon.get(url)
    assert len(whole.content) == int(whole.headers["content-length"])
    # A client resumes a cut download with Range and gets exactly the rest.
    rest = await sandbox.anon.get(url, headers={"Range": f"bytes={len(truncated.content)}-"})
    assert rest.status_code == 206
    assert truncated.content + rest.content == whole.content
    faults = (await sandbox.client.get("/_sandbox/faults")).json()
    assert len(faults["injected"]) == 7


@pytest.mark.asyncio
async def test_slow_fault_waits_on_the_injected_clock(make_harness: HarnessFactory) -> None:
    h = await make_harness()
    await h.client.put("/_sandbox/faults", json={"spec": "upload#1=slow:90"})
    before = h.clock.time()
    assert (await h.client.post("/v1/upload")).status_code == 200
    assert h.clock.sleeps == [90.0]
    assert h.clock.time() - before >= 90


@pytest.mark.asyncio
async def test_bad_fault_spec_over_http(sandbox: Harness) -> None:
    r = await sandbox.client.put("/_sandbox/faults", json={"spec": "poll=boom"})
    assert r.status_code == 400
    assert "unknown fault 'boom'" in r.json()["error"]["message"]


@pytest.mark.asyncio
async def test_an_unexpected_exception_is_a_500_envelope_not_a_crash(
    sandbox: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(storage_base: str) -> None:
        raise RuntimeError("a bug in the sandbox")

    monkeypatch.setattr(sandbox.sandbox.uploads, "create", broken)
    r = await sandbox.client.post("/v1/upload")
    assert r.status_code == 500
    assert r.json() == {
        "type": "error",
        "error": {"type": "api_error", "message": "An unexpected error occurred."},
    }
    assert r.headers["x-request-id"].startswith("req_")


@pytest.mark.asyncio
async def test_submit_refusals_of_the_contract(sandbox: Harness) -> None:
    """Contract §5: 403 permission_error (the endpoint is not available for this account), 429
    rate_limit_error "Queue limit exceeded" with Retry-After, 402 payment_declined_error; none
    creates a job or costs anything."""
    spec = "submit#1=permission,submit#2=queue_full:7,submit#3=queue_full,submit#4=declined"
    await sandbox.client.put("/_sandbox/faults", json={"spec": spec})
    answers = [await sandbox.client.post("/v2/text-to-video", json=T2V_720) for _ in range(4)]
    assert [(r.status_code, r.json()["error"]) for r in answers] == [
        (
            403,
            {
                "type": "permission_error",
                "message": "This endpoint is not available for your account",
            },
        ),
        (429, {"type": "rate_limit_error", "message": "Queue limit exceeded"}),
        (429, {"type": "rate_limit_error", "message": "Queue limit exceeded"}),
        (
            402,
            {
                "type": "payment_declined_error",
                "message": "Payment declined. Update the payment method of your account.",
            },
        ),
    ]
    assert [r.headers.get("retry-after") for r in answers] == [None, "7", "1", None]
    ok = await sandbox.client.post("/v2/text-to-video", json=T2V_720)
    assert ok.status_code == 202
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert stats["jobs_created"] == stats["jobs_submitted"] == 1
    assert stats["queue_refusals"] == 0  # injected, not the queue limit
    assert stats["reserved_usd"] == "0.06"
    assert stats["faults_injected"] == [
        "v2/text-to-video=permission",
        "v2/text-to-video=queue_full:7",
        "v2/text-to-video=queue_full",
        "v2/text-to-video=declined",
    ]


@pytest.mark.asyncio
async def test_a_failed_job_can_carry_402_and_422_types(sandbox: Harness) -> None:
    spec = (
        "submit#1=fail:payment_declined_error,submit#2=fail:insufficient_funds_error,submit#3=fail"
    )
    await sandbox.client.put("/_sandbox/faults", json={"spec": spec})
    ids = [
        (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
        for _ in range(3)
    ]
    errors = [(await sandbox.finish("text-to-video", i))["error"] for i in ids]
    assert errors == [
        {
            "type": "payment_declined_error",
            "message": "Payment declined. Update the payment method of your account.",
        },
        {
            "type": "insufficient_funds_error",
            "message": "Insufficient funds to finish the generation.",
        },
        {"type": "content_filtered_error", "message": "Content rejected by safety filters."},
    ]
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert (stats["jobs_failed"], stats["jobs_charged"], stats["balance_usd"]) == (3, 0, "25.00")


@pytest.mark.asyncio
async def test_an_expired_or_denied_download_and_the_fresh_url_a_poll_gives(
    sandbox: Harness,
) -> None:
    """`expired`: the download answers 400 ExpiredToken (XML); the client polls again and the
    fresh URL works. `denied`: 403 AccessDenied (XML)."""
    job_id = (await sandbox.client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
    url = (await sandbox.finish("text-to-video", job_id))["result"]["video_url"]
    await sandbox.client.put(
        "/_sandbox/faults", json={"spec": "download#1=expired,download#2=denied"}
    )
    status, code, message = storage_error(await sandbox.anon.get(url))
    assert (status, code) == (400, "ExpiredToken")
    assert message.startswith("The provided token has expired.")
    sandbox.clock.advance(5)  # the client's next poll, a few seconds on
    poll = await sandbox.client.get(f"/v2/text-to-video/{job_id}")
    fresh = poll.json()["result"]["video_url"]
    assert fresh != url
    assert storage_error(await sandbox.anon.get(fresh))[:2] == (403, "AccessDenied")
    whole = await sandbox.anon.get(fresh)
    assert whole.status_code == 200
    assert whole.content[4:8] == b"ftyp"
    injected = (await sandbox.client.get("/_sandbox/faults")).json()["injected"]
    assert injected == ["download=expired", "download=denied"]


@pytest.mark.asyncio
async def test_a_lost_put_answer_then_a_retry_gets_412(sandbox: Harness, video_4s: bytes) -> None:
    """`lost`: the PUT stores the object and the connection drops before the answer; the
    client, not knowing, sends it again and gets 412 PreconditionFailed (create-only URL). The
    object is there and usable."""
    await sandbox.client.put("/_sandbox/faults", json={"spec": "put#1=lost"})
    slot = (await sandbox.client.post("/v1/upload")).json()
    headers = {**slot["required_headers"], "Content-Type": "video/mp4"}
    with pytest.raises(SandboxConnectionReset):
        await sandbox.anon.put(slot["upload_url"], content=video_4s, headers=headers)
    retry = await sandbox.anon.put(slot["upload_url"], content=video_4s, headers=headers)
    assert storage_error(retry)[:2] == (412, "PreconditionFailed")
    stats = (await sandbox.client.get("/_sandbox/stats")).json()
    assert (stats["uploads"], stats["uploads_completed"]) == (1, 1)
    body = {"video_uri": slot["storage_uri"], "duration": 2}
    assert (await sandbox.client.post("/v2/extend", json=body)).status_code == 202
