"""The state dir's format: a dir written by an earlier run of schema 1 loads (the rows below are
what such a run wrote, spelled out rather than produced by today's code), unusable dirs are
refused with a clear error, render specs round-trip, and the CLI and the uvicorn thread use it."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sqlite3
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ltxstudio.cli import build_parser
from ltxstudio.core.clock import ManualClock
from ltxstudio.sandbox.asgi import create_app, sandbox_of
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.ledger import Ledger
from ltxstudio.sandbox.render import (
    ExtendSpec,
    HdrSpec,
    ReframeSpec,
    RenderSpec,
    RetakeSpec,
    SceneSpec,
    render,
)
from ltxstudio.sandbox.specjson import decode_spec, encode_spec, spec_inputs
from ltxstudio.sandbox.statedb import SandboxStateError, StateDb
from ltxstudio.sandbox.storage import Signer
from ltxstudio.sandbox.validation import Placement
from tests.sandbox.conftest import KEY, T2V_720
from tests.sandbox.persistence_support import close, files_under, open_sandbox, sha256
from tests.support.sandbox_server import serve_sandbox

T0 = 1_790_000_000.0
SECRET = bytes(range(32))

#: Schema 1 exactly as the first release wrote it (ltxstudio/sandbox/statedb.py, user_version 1).
SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE jobs (
    id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, created_at REAL NOT NULL,
    processing_at REAL NOT NULL, ready_at REAL NOT NULL, planned_error TEXT, spec TEXT,
    rendered_at REAL, render_error TEXT, result TEXT, settled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE uploads (
    id TEXT PRIMARY KEY, url_expires_at REAL NOT NULL, required_headers TEXT NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE objects (
    key TEXT PRIMARY KEY, content_type TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, kind TEXT NOT NULL,
    amount_usd TEXT NOT NULL, balance_usd TEXT NOT NULL, job_id TEXT, endpoint TEXT
);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
PRAGMA user_version = 1;
"""

DONE, OWED, UPLOAD = "11111111-done", "22222222-owed", "33333333-upload"
OLD_RESULT = b"the bytes an earlier run rendered"


def _earlier_run(state: Path, image_png: bytes) -> None:
    """A state dir as an earlier run left it: one completed job, one whose render was owed, an
    upload, the ledger of both jobs and the counters."""
    for sub in ("objects/results", "objects/uploads", "inputs", "tmp"):
        (state / sub).mkdir(parents=True)
    (state / "objects/results" / f"{DONE}.mp4").write_bytes(OLD_RESULT)
    (state / "objects/uploads" / UPLOAD).write_bytes(image_png)
    image_name = hashlib.sha256(image_png).hexdigest()
    (state / "inputs" / image_name).write_bytes(image_png)
    owed_spec = {
        "v": 1,
        "kind": "scene",
        "fields": {
            "prompt": "owed by the earlier run",
            "width": 320,
            "height": 180,
            "fps": 24,
            "frames": 24,
            "audio": False,
            "camera_motion": None,
            "image": {"blob": image_name},
            "last_image": None,
            "soundtrack": None,
        },
    }
    result = {"content_type": "video/mp4", "suffix": ".mp4", "result_key": "video_url"}
    headers = {"x-goog-content-length-range": "0,104857600", "x-goog-meta-ltx-upload-id": UPLOAD}
    db = sqlite3.connect(state / "sandbox.sqlite3")
    db.executescript(SCHEMA_1)
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("format", "ltxstudio-sandbox-state"),
            ("signing_secret", SECRET.hex()),
            ("opening_balance_usd", "10.00"),
        ],
    )
    db.executemany(
        "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (DONE, "text-to-video", T0, T0 + 2, T0 + 10, None, None, T0 + 5, None,
             json.dumps(result), 1),
            (OWED, "image-to-video", T0 + 1, T0 + 3, T0 + 11, None, json.dumps(owed_spec),
             None, None, None, 0),
        ],
    )  # fmt: skip
    db.execute("INSERT INTO uploads VALUES (?, ?, ?, 1)", (UPLOAD, T0 + 3600, json.dumps(headers)))
    db.executemany(
        "INSERT INTO objects VALUES (?, ?, ?, ?, ?)",
        [
            (f"results/{DONE}.mp4", "video/mp4", len(OLD_RESULT), "e1", T0 + 10 + 86400),
            (f"uploads/{UPLOAD}", "image/png", len(image_png), "e2", T0 + 86400),
        ],
    )
    db.executemany(
        "INSERT INTO ledger (at, kind, amount_usd, balance_usd, job_id, endpoint) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (T0, "reserve", "0.06", "10.00", DONE, "text-to-video"),
            (T0 + 1, "reserve", "0.06", "10.00", OWED, "image-to-video"),
            (T0 + 10, "charge", "0.06", "9.94", DONE, "text-to-video"),
        ],
    )
    db.executemany(
        "INSERT INTO counters VALUES (?, ?)",
        [
            ("jobs_created", 2),
            ("jobs_completed", 1),
            ("generations", 2),
            ("renders", 1),
            ("uploads_created", 1),
            ("uploads_completed", 1),
            ("request:POST /v2/text-to-video", 1),
            ("request:POST /v2/image-to-video", 1),
            ("request:POST /v1/upload", 1),
        ],
    )
    db.commit()
    db.close()


@pytest.mark.asyncio
async def test_a_state_dir_from_an_earlier_run_of_schema_1_loads(
    tmp_path: Path, image_png: bytes
) -> None:
    state = tmp_path / "state"
    _earlier_run(state, image_png)
    h = open_sandbox(state, ManualClock(T0 + 20), balance_usd=Decimal(99))

    stats = (await h.client.get("/_sandbox/stats")).json()
    assert (stats["balance_usd"], stats["reserved_usd"], stats["charged_usd"]) == (
        "9.94",  # the stored opening balance, not the config's 99
        "0.06",
        "0.06",
    )
    assert (stats["jobs_created"], stats["jobs_completed"], stats["uploads"]) == (2, 1, 1)
    # That run predates `jobs_submitted`; each job it created was one accepted submit.
    assert stats["jobs_submitted"] == 2
    assert stats["requests"] == {
        "POST /v1/upload": 1,
        "POST /v2/image-to-video": 1,
        "POST /v2/text-to-video": 1,
    }

    done = (await h.client.get(f"/v2/text-to-video/{DONE}")).json()
    assert (done["status"], done["completed_at"]) == ("completed", "2026-09-21T14:13:30.000Z")
    assert await h.download(done["result"]["video_url"]) == OLD_RESULT
    # A URL signed with the stored secret (as the earlier run handed out) still verifies.
    earlier_url = Signer(SECRET).url("http://sandbox.test", "GET", f"results/{DONE}.mp4", T0 + 999)
    assert await h.download(earlier_url) == OLD_RESULT

    # The owed render is redone from the stored spec and input.
    owed = await h.finish("image-to-video", OWED)
    assert owed["status"] == "completed"
    expected = render(
        SceneSpec("owed by the earlier run", 320, 180, 24, 24, False, None, image_png)
    )
    assert sha256(await h.download(owed["result"]["video_url"])) == sha256(expected.data)

    # The upload resolves by its storage_uri.
    body = {**T2V_720, "image_uri": f"ltx://uploads/{UPLOAD}"}
    r = await h.client.post("/v2/image-to-video", json=body)
    assert r.status_code == 202, r.text
    await close(h)


# ---------------------------------------------------------------------------- refusals


def _open(state: Path) -> None:
    create_app(SandboxConfig(api_key=KEY, clock=ManualClock(), state_dir=state))


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / "sandbox.sqlite3").write_bytes(b"not sqlite at all, " * 200)
    with pytest.raises(SandboxStateError, match="not a usable sandbox state database") as info:
        _open(state)
    assert "another --state-dir" in str(info.value)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    db = sqlite3.connect(state / "sandbox.sqlite3")
    db.execute("PRAGMA user_version = 7")
    db.close()
    with pytest.raises(SandboxStateError, match=r"newer ltxstudio \(sandbox state schema 7"):
        _open(state)


def test_someone_elses_database_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    db = sqlite3.connect(state / "sandbox.sqlite3")
    db.execute("CREATE TABLE notes (body TEXT)")
    db.commit()
    db.close()
    with pytest.raises(SandboxStateError, match="no sandbox schema version"):
        _open(state)


def test_schema_1_without_the_format_mark_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    db = sqlite3.connect(state / "sandbox.sqlite3")
    db.executescript(SCHEMA_1)
    db.close()
    with pytest.raises(SandboxStateError, match="does not name the sandbox state format"):
        _open(state)


def test_a_busy_directory_or_a_file_is_not_taken_over(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine")
    with pytest.raises(SandboxStateError, match="not empty and holds no sandbox state"):
        _open(home)
    assert sorted(p.name for p in home.iterdir()) == ["notes.txt"]
    with pytest.raises(SandboxStateError, match="is a file"):
        _open(home / "notes.txt")


def test_an_unreadable_row_is_a_clear_error(tmp_path: Path, image_png: bytes) -> None:
    state = tmp_path / "state"
    _earlier_run(state, image_png)
    db = sqlite3.connect(state / "sandbox.sqlite3")
    db.execute("UPDATE jobs SET endpoint = 'text-to-hologram' WHERE id = ?", (DONE,))
    db.commit()
    db.close()
    with pytest.raises(SandboxStateError, match="holds a record this ltxstudio cannot read"):
        _open(state)


def test_the_cli_reports_an_unusable_state_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / "sandbox.sqlite3").write_bytes(b"garbage" * 100)
    args = build_parser().parse_args(["sandbox", "--port", "0", "--state-dir", str(state)])
    assert run_sandbox(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "not a usable sandbox state database" in err


def run_sandbox(args: argparse.Namespace) -> int:
    from ltxstudio.sandbox.server import run_from_args

    return run_from_args(args, out=io.StringIO())


def test_the_cli_option_sets_the_state_dir(tmp_path: Path) -> None:
    from ltxstudio.sandbox.server import config_from_args

    args = build_parser().parse_args(["sandbox", "--state-dir", str(tmp_path / "s")])
    assert config_from_args(args, None).state_dir == tmp_path / "s"
    assert config_from_args(build_parser().parse_args(["sandbox"]), None).state_dir is None


def test_the_ledger_replay_bills_a_job_once_whoever_settled_it(tmp_path: Path) -> None:
    """Two processes that both saw a job end both append its charge (or one releases what the
    other charges): the replay applies a settlement only while the job is reserved, as the
    live ledger does."""
    db = StateDb(tmp_path / "sandbox.sqlite3")
    for at, kind, amount, balance, job in [
        (1.0, "reserve", "0.06", "10.00", "a"),
        (2.0, "charge", "0.06", "9.94", "a"),
        (3.0, "charge", "0.06", "9.94", "a"),  # the second process's charge of the same job
        (4.0, "reserve", "0.12", "9.94", "b"),
        (5.0, "release", "0.12", "9.94", "b"),
        (6.0, "charge", "0.12", "9.82", "b"),  # charged after the other released it
        (7.0, "deposit", "1", "10.94", None),
        (8.0, "reserve", "0.06", "10.94", "c"),
    ]:
        db.append_entry(at, kind, amount, balance, job, "text-to-video" if job else None)
    ledger = Ledger.restore(Decimal("10.00"), db)
    assert (ledger.balance_usd, ledger.charges, ledger.charged_usd) == (
        Decimal("10.94"),
        1,
        Decimal("0.06"),
    )
    assert (ledger.reserved_ids(), ledger.reserved_usd) == (["c"], Decimal("0.06"))
    db.close()


# ---------------------------------------------------------------------------- housekeeping


@pytest.mark.asyncio
async def test_temp_files_of_dead_processes_go_and_live_ones_stay(tmp_path: Path) -> None:
    state = tmp_path / "state"
    await close(open_sandbox(state, ManualClock()))
    dead = state / "tmp" / "2147483646-00aa.part"  # above any Linux pid_max
    live = state / "tmp" / f"{os.getpid()}-00bb.part"
    dead.write_bytes(b"half")
    live.write_bytes(b"in progress")
    h = open_sandbox(state, ManualClock())
    expected = [live.name] if os.name == "posix" else sorted([dead.name, live.name])
    assert files_under(state / "tmp") == expected
    await close(h)


@pytest.mark.asyncio
async def test_without_a_state_dir_results_stay_in_memory(tmp_path: Path) -> None:
    clock = ManualClock()
    app = create_app(SandboxConfig(api_key=KEY, clock=clock))
    sb = sandbox_of(app)
    assert sb.state is None
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://t", headers={"Authorization": f"Bearer {KEY}"}
    ) as client:
        job_id = (await client.post("/v2/text-to-video", json=T2V_720)).json()["id"]
        await sb.idle()
    stored = sb.store.get(f"results/{job_id}.mp4")
    assert stored is not None
    assert (stored.path, stored.data is not None) == (None, True)


# ---------------------------------------------------------------------------- specs

_media = st.binary(min_size=1, max_size=64)
_text = st.text(max_size=40)
_side = st.integers(min_value=1, max_value=4096)
_seconds = st.floats(min_value=0, max_value=20, allow_nan=False)
_fraction = st.none() | st.floats(min_value=0, max_value=1, allow_nan=False)
_specs: st.SearchStrategy[RenderSpec] = st.one_of(
    st.builds(
        SceneSpec,
        _text,
        _side,
        _side,
        st.integers(1, 60),
        st.integers(1, 500),
        st.booleans(),
        st.none() | st.sampled_from(["static", "dolly_in", "focus_shift"]),
        st.none() | _media,
        st.none() | _media,
        st.none() | _media,
    ),
    st.builds(RetakeSpec, _media, _text, _seconds, _seconds, _text, _side, _side),
    st.builds(ExtendSpec, _media, _text, _seconds, st.booleans()),
    st.builds(HdrSpec, _media, st.sampled_from(["rec709", "rec2020"]), st.integers(1, 300)),
    st.builds(
        ReframeSpec,
        _media,
        _side,
        _side,
        st.none()
        | st.builds(
            Placement,
            st.none() | st.sampled_from(["center", "top_left"]),
            _fraction,
            _fraction,
            _fraction,
            _fraction,
        ),
    ),
)


@settings(max_examples=100, deadline=None)
@given(_specs)
def test_render_specs_round_trip_through_json(spec: RenderSpec) -> None:
    kept: dict[str, bytes] = {}

    def keep(data: bytes) -> str:
        name = hashlib.sha256(data).hexdigest()
        kept[name] = data
        return name

    text = encode_spec(spec, keep)
    assert decode_spec(text, kept.__getitem__) == spec
    assert spec_inputs(text) == set(kept)


# ---------------------------------------------------------------------------- over loopback


@pytest.mark.loopback
def test_a_served_sandbox_keeps_its_state_across_a_restart(tmp_path: Path) -> None:
    """uvicorn serves from its own thread: the database opened by `create_app` in this thread
    must work there, and a clean stop must leave a dir the next server reads."""
    state = tmp_path / "state"
    config = SandboxConfig(api_key=KEY, clock=ManualClock(), state_dir=state)
    with serve_sandbox(config) as served, httpx.Client(headers=served.auth) as api:
        r = api.post(f"{served.base_url}/v2/text-to-video", json=T2V_720)
        job_id = r.json()["id"]
    served.sandbox.close()
    with serve_sandbox(config) as served, httpx.Client(headers=served.auth) as api:
        r = api.get(f"{served.base_url}/v2/text-to-video/{job_id}")
        assert (r.status_code, r.json()["status"]) == (200, "pending")
        stats = api.get(f"{served.base_url}/_sandbox/stats").json()
        assert stats["jobs_created"] == 1
        assert stats["requests"] == {"GET /v2/text-to-video/{id}": 1, "POST /v2/text-to-video": 1}
    served.sandbox.close()
