"""R3 for the headless side: a whole CLI session with a recognisable key, and the key nowhere.

The key goes in as a user would put it (`ltxstudio key set` on stdin, into a stand-in for the OS
keyring kept outside every scanned folder; then `LTX_API_KEY`), and is used against a sandbox on
loopback that demands exactly that key while it injects faults, so error paths and retries log
too. A second recognisable key, one the sandbox refuses, covers the 401 path. Afterwards every
file the processes wrote (config, data with the journal and library, cache, logs, outputs and
sidecars, their temporary folder) and everything they printed (stdout, stderr with `-v` logging)
is scanned for either key, raw, as UTF-16, as base64, and by any 16 characters of it in a row.

The GUI side (Settings dialog, QSettings, screenshots) is tests/ui/test_key_hygiene.py; Qt cannot
be imported here (engine tests run with LTXSTUDIO_FORBID_QT=1).
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.faults import FaultPlan
from tests.support.cli_runner import PROMPT, Cli, stats
from tests.support.sandbox_server import serve_sandbox

pytestmark = [pytest.mark.loopback, pytest.mark.slow]

KEY = "ltx-R3HYGIENE-5c0ffee9d1b24a7e86f3"
WRONG_KEY = "ltx-R3REFUSED-0badc0de77aa41f29e10"
FAULTS = "submit#2=reset,poll#2=503,download#1=truncate,rate=0.2,seed=5,mix=429:1|500|503|504|reset"
FAST = ("--model", "ltx-2-3-fast", "--resolution", "1280x720", "--duration", "2")


def needles(key: str) -> list[bytes]:
    raw = key.encode()
    # Any 16 characters of it in a row would identify the key (a "masked" prefix included).
    windows = [key[i : i + 16].encode() for i in range(len(key) - 15)]
    return [
        raw,
        key.encode("utf-16-le"),
        base64.b64encode(raw),
        base64.b64encode(f"Bearer {key}".encode()),
        *windows,
    ]


def leaks(data: bytes) -> list[str]:
    return [repr(n) for key in (KEY, WRONG_KEY) for n in needles(key) if n in data]


def test_a_cli_session_leaves_the_key_nowhere(
    cli: Cli, isolated_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store = tmp_path_factory.mktemp("os-keyring") / "keyring.json"  # the "OS" store: not scanned
    (cli.cwd / "tmp").mkdir()
    env = {
        **cli.env,
        "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
        "LTXSTUDIO_TEST_KEYRING": str(store),
        "TMPDIR": str(cli.cwd / "tmp"),
    }
    batch = cli.cwd / "b.jsonl"
    line = {"mode": "text", "prompt": PROMPT, "model": "ltx-2-3-fast", "duration": 2}
    batch.write_text("\n".join(json.dumps(line | {"resolution": "1280x720"}) for _ in range(4)))
    printed: list[str] = []
    config = SandboxConfig(
        api_key=KEY, speed=20.0, faults=FaultPlan.parse(FAULTS), balance_usd=Decimal(100)
    )
    with serve_sandbox(config) as served:
        user = Cli({**env, "LTX_API_BASE_URL": served.base_url}, cli.cwd)
        with_env_key = Cli({**user.env, "LTX_API_KEY": KEY}, cli.cwd)
        refused = Cli({**user.env, "LTX_API_KEY": WRONG_KEY}, cli.cwd)
        steps = [
            (user, ("key", "status"), "", {0}),
            (user, ("key", "set"), KEY + "\n", {0}),
            (user, ("key", "status"), "", {0}),
            (user, ("-v", "batch", str(batch), "--out", "out"), "", {0, 3, 4}),
            (user, ("jobs", "list"), "", {0}),
            (user, ("-v", "jobs", "resume"), "", {0, 3, 4}),
            (user, ("generate", "text", "--prompt", "", *FAST), "", {2}),
            (with_env_key, ("-v", "generate", "text", "--prompt", PROMPT, *FAST), "", {0, 3, 4}),
            (with_env_key, ("key", "status"), "", {0}),
            (refused, ("-v", "generate", "text", "--prompt", PROMPT, *FAST), "", {3}),
            (user, ("key", "clear"), "", {0}),
        ]
        for who, argv, stdin, codes in steps:
            done = who.run(*argv, stdin=stdin, timeout=180)
            printed += [done.stdout, done.stderr]
            assert done.returncode in codes, (argv, done.returncode, done.stderr[-1500:])
        sandbox = stats(served)
    assert sandbox["jobs_completed"] >= 2  # the key really drove jobs through the faults
    assert sandbox["faults_injected"]
    told = "\n".join(printed)
    assert "a key is stored in the system keyring" in told
    assert "the API key was refused" in told  # the wrong key's 401 was reported…
    assert "request_id=" in told  # …and -v really logged the requests to stderr
    # The scanner finds a planted key: the stand-in keyring holds it until `key clear`.
    assert leaks(json.dumps({"ltxstudio/api-key": KEY}).encode())
    files = [p for root in (isolated_home, cli.cwd) for p in root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files)
    assert any(p.name == "journal.db" for p in files)
    assert any(p.name.endswith(".mp4.json") for p in files)
    found = {str(p): leaks(p.read_bytes()) for p in files}
    found["stdout/stderr"] = leaks(told.encode())
    size = sum(p.stat().st_size for p in files)
    print(f"\nscanned {len(files)} files ({size:,} bytes) and {len(told):,} characters printed")
    print(f"by {len(steps)} commands; {sum(sandbox['requests'].values())} requests")
    assert not {where: what for where, what in found.items() if what}
