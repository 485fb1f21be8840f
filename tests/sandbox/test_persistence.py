"""A sandbox on a state dir survives its process: after a crash (no clean shutdown) a new app on
the same dir finds every job under its id, finishes the ones in flight as if nothing happened,
serves the same bytes, keeps uploads, money and stats, and forgets what retention says to."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.pricing import CostBasis, estimate_usd
from ltxstudio.sandbox import responses
from ltxstudio.sandbox.render import render
from ltxstudio.sandbox.service import DISK_SWEEP_SECONDS
from tests.sandbox.conftest import KEY, T2V_720, Harness, data_uri, storage_error
from tests.sandbox.persistence_support import (
    HeldRender,
    close,
    crash,
    files_under,
    open_sandbox,
    sha256,
)

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def _no_render_left_waiting() -> Iterator[None]:
    yield
    for held in HeldRender.made:
        held.let_go()
    HeldRender.made.clear()


T2V_COST = estimate_usd(
    CostBasis(Endpoint.TEXT_TO_VIDEO, 2, Model.LTX_2_3_FAST, Resolution(1280, 720))
)
DAY = 24 * 3600
REPO = Path(__file__).resolve().parents[2]
CRASH_CHILD = Path(__file__).with_name("crash_child.py")


async def _status(h: Harness, job_id: str, endpoint: str = "text-to-video") -> dict[str, Any]:
    r = await h.client.get(f"/v2/{endpoint}/{job_id}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _submit(h: Harness, body: dict[str, Any], endpoint: str = "text-to-video") -> str:
    r = await h.client.post(f"/v2/{endpoint}", json=body)
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


async def _stats(h: Harness) -> dict[str, Any]:
    stats: dict[str, Any] = (await h.client.get("/_sandbox/stats")).json()
    stats.pop("faults_injected")  # belongs to the fault plan of each run's config
    return stats


async def _ledger(h: Harness) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = (await h.client.get("/_sandbox/ledger")).json()["entries"]
    return entries


async def test_a_crash_loses_nothing(tmp_path: Path, image_png: bytes) -> None:
    state = tmp_path / "state"
    clock = ManualClock()
    h1 = open_sandbox(state, clock)
    start = h1.sandbox.ledger.balance_usd
    image_uri = await h1.upload(image_png, "image/png")

    done_id = await _submit(h1, {**T2V_720, "prompt": "a finished lighthouse"})
    done = await h1.finish("text-to-video", done_id)
    old_url = done["result"]["video_url"]
    done_bytes = await h1.download(old_url)

    rendered_id = await _submit(h1, {**T2V_720, "prompt": "rendered, script still running"})
    await h1.sandbox.idle()
    assert (await _status(h1, rendered_id))["status"] == "pending"

    held = HeldRender(h1.sandbox)
    body = {**T2V_720, "prompt": "in flight at the crash", "image_uri": image_uri}
    flying_id = await _submit(h1, body, "image-to-video")
    await held.wait_entered()
    await h1.client.put("/_sandbox/faults", json={"spec": "submit=fail:api_error"})
    failing_id = await _submit(h1, {**T2V_720, "prompt": "will fail"})
    await h1.client.put("/_sandbox/faults", json={"spec": ""})

    stats_before = await _stats(h1)
    ledger_before = await _ledger(h1)
    assert Decimal(stats_before["reserved_usd"]) == 3 * T2V_COST
    await crash(h1)
    held.let_go()

    h2 = open_sandbox(state, ManualClock(clock.time()))
    # Everything the first process committed, as it was; the restart itself adds nothing.
    assert await _stats(h2) == stats_before
    assert await _ledger(h2) == ledger_before
    assert (await _status(h2, flying_id, "image-to-video"))["status"] == "pending"
    assert (await _status(h2, rendered_id))["status"] == "pending"
    assert (await _status(h2, failing_id))["status"] == "pending"

    # The completed job: same answer, and the URL handed out before the crash still works.
    again = await _status(h2, done_id)
    assert again["completed_at"] == done["completed_at"]
    assert sha256(await h2.download(old_url)) == sha256(done_bytes)
    assert sha256(await h2.download(again["result"]["video_url"])) == sha256(done_bytes)

    # The upload still resolves by its storage_uri.
    reuse = {**T2V_720, "prompt": "made after the restart", "image_uri": image_uri}
    reuse_id = await _submit(h2, reuse, "image-to-video")

    # The jobs in flight finish on their script; the cut-off render is redone from its spec.
    finished = await h2.finish("image-to-video", flying_id)
    assert finished["status"] == "completed"
    flown = await h2.download(finished["result"]["video_url"])
    assert sha256(flown) == sha256(render(held.specs[0]).data)
    assert (await _status(h2, rendered_id))["status"] == "completed"
    assert (await _status(h2, reuse_id, "image-to-video"))["status"] == "completed"
    failed = await _status(h2, failing_id)
    assert (failed["status"], failed["error"]["type"]) == ("failed", "api_error")

    stats = await _stats(h2)
    assert Decimal(stats["balance_usd"]) == start - 4 * T2V_COST
    assert Decimal(stats["reserved_usd"]) == 0
    assert (stats["jobs_completed"], stats["jobs_failed"], stats["jobs_charged"]) == (4, 1, 4)
    assert stats["requests"]["POST /v2/text-to-video"] == 3  # two before the crash, none after
    kinds = [(e["kind"], e["job_id"]) for e in await _ledger(h2)]
    assert ("release", failing_id) in kinds
    assert ("charge", flying_id) in kinds
    assert ("release", flying_id) not in kinds

    # Rendered inputs are let go at the next sweep of the files.
    h2.clock.advance(DISK_SWEEP_SECONDS)
    await h2.client.get("/_sandbox/stats")
    assert files_under(state / "inputs") == []
    assert files_under(state / "tmp") == []

    # Retention: a day after each job ended it is gone, with its result file.
    h2.clock.advance(DAY)
    for job_id, endpoint in [(done_id, "text-to-video"), (flying_id, "image-to-video")]:
        r = await h2.client.get(f"/v2/{endpoint}/{job_id}")
        assert (r.status_code, r.json()["error"]["type"]) == (404, "not_found_error")
    assert files_under(state / "objects" / "results") == []
    assert storage_error(await h2.anon.get(old_url))[:2] == (400, "ExpiredToken")
    await close(h2)


async def test_retention_is_applied_on_load(tmp_path: Path) -> None:
    state = tmp_path / "state"
    clock = ManualClock()
    h1 = open_sandbox(state, clock)
    job_id = await _submit(h1, T2V_720)
    url = (await h1.finish("text-to-video", job_id))["result"]["video_url"]
    recent_id = await _submit(h1, {**T2V_720, "prompt": "a later one"})
    await h1.sandbox.idle()
    await crash(h1)
    ended = clock.time() - 3600 + 10  # `finish` jumped an hour past a 10 s script

    # Down for a day: the first job's retention ran out while no process was there to see it.
    h2 = open_sandbox(state, ManualClock(ended + DAY + 1))
    results = files_under(state / "objects" / "results")
    assert results == [f"{recent_id}.mp4"]  # deleted on load, before any request
    assert h2.sandbox.jobs.ids() == {recent_id}
    r = await h2.client.get(f"/v2/text-to-video/{job_id}")
    assert r.status_code == 404
    assert storage_error(await h2.anon.get(url))[:2] == (400, "ExpiredToken")
    # The later job ended (and is billed) while the sandbox was down; it is kept a day.
    assert (await _status(h2, recent_id))["status"] == "completed"
    stats = await _stats(h2)
    assert (stats["jobs_completed"], stats["jobs_charged"]) == (2, 2)
    await close(h2)


async def test_a_reservation_without_a_job_is_released_at_the_next_start(
    tmp_path: Path,
) -> None:
    """What an earlier version's v1 call left when its process died mid-render: money held for
    a generation no job stands for. The client got no video, so it is not billed."""
    state = tmp_path / "state"
    clock = ManualClock()
    h1 = open_sandbox(state, clock)
    start = h1.sandbox.ledger.balance_usd
    h1.sandbox.ledger.reserve("v1-cut-off", "text-to-video", T2V_COST, clock.time())
    assert Decimal((await _stats(h1))["reserved_usd"]) == T2V_COST
    await crash(h1)

    h2 = open_sandbox(state, ManualClock(clock.time()))
    stats = await _stats(h2)
    assert (Decimal(stats["balance_usd"]), Decimal(stats["reserved_usd"])) == (start, 0)
    assert [e["kind"] for e in await _ledger(h2)] == ["reserve", "release"]
    await close(h2)


async def test_results_are_served_from_disk_with_ranges_head_and_faults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(responses, "CHUNK_BYTES", 4096)  # many chunks per response
    h = open_sandbox(tmp_path / "state", ManualClock(), render_cache_bytes=0)
    job_id = await _submit(h, T2V_720)
    url = (await h.finish("text-to-video", job_id))["result"]["video_url"]
    stored = h.sandbox.store.get(f"results/{job_id}.mp4")
    assert stored is not None
    assert stored.data is None  # nothing held in memory: the file is the only copy
    assert stored.path is not None
    whole = await h.download(url)
    assert whole == stored.path.read_bytes()
    assert len(whole) > 3 * 4096

    head = await h.anon.head(url)
    assert (head.status_code, head.headers["content-length"]) == (200, str(len(whole)))
    assert head.content == b""
    part = await h.anon.get(url, headers={"Range": "bytes=5000-13000"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 5000-13000/{len(whole)}"
    assert part.content == whole[5000:13001]
    tail = await h.anon.get(url, headers={"Range": "bytes=-10"})
    assert tail.content == whole[-10:]
    beyond = await h.anon.get(url, headers={"Range": f"bytes={len(whole)}-"})
    assert beyond.status_code == 416

    await h.client.put("/_sandbox/faults", json={"spec": "download#1=truncate,download#2=reset"})
    cut = await h.anon.get(url, headers={"Range": "bytes=0-9999"})
    assert cut.headers["content-length"] == "10000"
    assert cut.content == whole[:5000]
    with pytest.raises(ConnectionResetError):
        await h.anon.get(url)
    await close(h)


async def test_two_apps_on_one_dir_add_up_instead_of_overwriting(tmp_path: Path) -> None:
    """Not the supported use, but it must not corrupt: the ledger is appended to and the
    counters are incremented, so a third app sees both apps' work."""
    state = tmp_path / "state"
    clock = ManualClock()
    a, b = open_sandbox(state, clock), open_sandbox(state, clock)
    start = a.sandbox.ledger.balance_usd
    a_id = await _submit(a, {**T2V_720, "prompt": "from a"})
    b_id = await _submit(b, {**T2V_720, "prompt": "from b"})
    await a.finish("text-to-video", a_id)
    await b.finish("text-to-video", b_id)
    await close(a)
    await close(b)

    c = open_sandbox(state, clock)
    stats = await _stats(c)
    assert Decimal(stats["balance_usd"]) == start - 2 * T2V_COST
    assert (stats["jobs_created"], stats["jobs_charged"], stats["renders"]) == (2, 2, 2)
    assert stats["requests"]["POST /v2/text-to-video"] == 2
    assert (await _status(c, a_id))["status"] == "completed"
    assert (await _status(c, b_id))["status"] == "completed"
    await close(c)


async def test_inputs_of_a_queued_job_are_kept_until_it_renders(
    tmp_path: Path, image_png: bytes
) -> None:
    state = tmp_path / "state"
    clock = ManualClock()
    h1 = open_sandbox(state, clock)
    held = HeldRender(h1.sandbox)
    body = {**T2V_720, "image_uri": data_uri(image_png, "image/png")}
    job_id = await _submit(h1, body, "image-to-video")
    await held.wait_entered()
    assert files_under(state / "inputs") == [sha256(image_png)]
    await crash(h1)
    held.let_go()

    h2 = open_sandbox(state, ManualClock(clock.time() + DISK_SWEEP_SECONDS))
    await _stats(h2)  # a sweep of the files: the input is still owed
    assert files_under(state / "inputs") == [sha256(image_png)]
    assert (await h2.finish("image-to-video", job_id))["status"] == "completed"
    h2.clock.advance(DISK_SWEEP_SECONDS)
    await _stats(h2)
    assert files_under(state / "inputs") == []
    await close(h2)


async def test_an_owed_render_whose_inputs_are_gone_fails_unbilled(
    tmp_path: Path, image_png: bytes
) -> None:
    state = tmp_path / "state"
    clock = ManualClock()
    h1 = open_sandbox(state, clock)
    start = h1.sandbox.ledger.balance_usd
    held = HeldRender(h1.sandbox)
    body = {**T2V_720, "image_uri": data_uri(image_png, "image/png")}
    job_id = await _submit(h1, body, "image-to-video")
    await held.wait_entered()
    await crash(h1)
    held.let_go()
    for path in (state / "inputs").iterdir():
        path.unlink()  # lost behind the sandbox's back

    h2 = open_sandbox(state, ManualClock(clock.time()))
    failed = await h2.finish("image-to-video", job_id)
    assert (failed["status"], failed["error"]["type"]) == ("failed", "api_error")
    stats = await _stats(h2)
    assert (Decimal(stats["balance_usd"]), Decimal(stats["reserved_usd"])) == (start, 0)
    await close(h2)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
async def test_a_killed_process_leaves_a_dir_the_next_one_finishes(tmp_path: Path) -> None:
    """The real thing: another process submits, then is SIGKILLed in the middle of a render
    (`crash_child.py`)."""
    state = tmp_path / "state"
    start = 1_790_000_000.0
    child = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(CRASH_CHILD), str(state), repr(start), KEY],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "LTXSTUDIO_FORBID_QT": "1", "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    ids = json.loads(child.stdout)

    h = open_sandbox(state, ManualClock(start))
    assert (await _status(h, ids["done"]))["status"] == "pending"  # rendered; script not over
    assert (await _status(h, ids["flying"]))["status"] == "pending"
    done = await h.finish("text-to-video", ids["done"])
    flying = await _status(h, ids["flying"])
    assert (done["status"], flying["status"]) == ("completed", "completed")
    stats = await _stats(h)
    assert (stats["jobs_created"], stats["jobs_charged"], stats["renders"]) == (2, 2, 2)
    assert Decimal(stats["reserved_usd"]) == 0
    await close(h)
