"""The sandbox over real loopback HTTP: the serving helper, the storage host, faults on a real
connection, the CLI's guards, and the acceptance-3 walkthrough script."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ltxstudio.cli import build_parser
from ltxstudio.core.clock import ManualClock
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.faults import FaultPlan
from ltxstudio.sandbox.server import config_from_args, run_from_args
from tests.sandbox.conftest import KEY, storage_error
from tests.support.sandbox_server import serve_sandbox

pytestmark = pytest.mark.loopback

WALKTHROUGH = Path(__file__).with_name("http_walkthrough.py")


def test_serving_helper_starts_and_stops_cleanly() -> None:
    with serve_sandbox(SandboxConfig(api_key=KEY)) as served:
        assert served.base_url.startswith("http://127.0.0.1:")
        r = httpx.get(f"{served.base_url}/_sandbox/stats", headers=served.auth)
        assert r.status_code == 200
        assert r.headers["x-request-id"].startswith("req_")
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{served.base_url}/_sandbox/stats", headers=served.auth)


def test_storage_urls_point_at_the_storage_host_and_refuse_the_key() -> None:
    clock = ManualClock()
    with serve_sandbox(SandboxConfig(api_key=KEY, clock=clock), storage_port=True) as served:
        assert served.storage_url
        assert served.storage_url != served.base_url
        with httpx.Client(base_url=served.base_url, headers=served.auth) as api:
            slot = api.post("/v1/upload").json()
            assert slot["upload_url"].startswith(served.storage_url + "/_sandbox/storage/")
            leaked = httpx.put(
                slot["upload_url"],
                content=b"x",
                headers={**slot["required_headers"], **served.auth},
            )
            status, code, message = storage_error(leaked)
            assert (status, code) == (400, "InvalidArgument")
            assert "do not send an Authorization header" in message
            missing = httpx.put(slot["upload_url"], content=b"x")
            status, code, message = storage_error(missing)
            assert (status, code) == (403, "SignatureDoesNotMatch")
            assert "The signed header x-goog-content-length-range is missing" in message
            forged = httpx.put(
                slot["upload_url"].replace("signature=", "signature=0"), content=b"x"
            )
            assert storage_error(forged)[:2] == (403, "SignatureDoesNotMatch")
            clock.advance(3601)
            expired = httpx.put(slot["upload_url"], content=b"x", headers=slot["required_headers"])
            status, code, message = storage_error(expired)
            assert (status, code) == (400, "ExpiredToken")
            assert message.startswith("The provided token has expired.")
            # The storage host answers in its own format on a real connection too.
            assert "x-request-id" in expired.headers


def test_reset_and_truncate_break_a_real_connection() -> None:
    plan = FaultPlan.parse("upload#1=truncate,upload#2=reset")
    with (
        serve_sandbox(SandboxConfig(api_key=KEY, faults=plan)) as served,
        httpx.Client(base_url=served.base_url, headers=served.auth, timeout=60) as api,
    ):
        for _ in range(2):
            with pytest.raises(httpx.RemoteProtocolError):
                api.post("/v1/upload")
        whole = api.post("/v1/upload")
        assert whole.status_code == 200
        assert len(whole.content) == int(whole.headers["content-length"])


def test_a_lost_put_answer_breaks_a_real_connection_after_storing() -> None:
    """Over uvicorn, `lost` shows as a connection dropped mid-answer (the client cannot tell
    whether the PUT landed); the retry learns it did: 412 PreconditionFailed."""
    plan = FaultPlan.parse("put#1=lost")
    with serve_sandbox(SandboxConfig(api_key=KEY, faults=plan), storage_port=True) as served:
        with httpx.Client(base_url=served.base_url, headers=served.auth, timeout=60) as api:
            slot = api.post("/v1/upload").json()
        with httpx.Client(timeout=60) as storage:  # no key for the storage host
            with pytest.raises(httpx.RemoteProtocolError):
                storage.put(slot["upload_url"], content=b"data", headers=slot["required_headers"])
            retry = storage.put(
                slot["upload_url"], content=b"data", headers=slot["required_headers"]
            )
        assert storage_error(retry)[:2] == (412, "PreconditionFailed")
        assert served.sandbox.uploads.completed == 1


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["sandbox", *argv])


def test_cli_refuses_a_remote_bind_without_allow_remote(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_from_args(_args("--host", "0.0.0.0"), out=io.StringIO()) == 2
    assert "not a loopback address" in capsys.readouterr().err


def test_cli_options_build_the_config() -> None:
    config = config_from_args(
        _args(
            "--api-key",
            "sbx_cli_secret",
            "--balance",
            "3.50",
            "--faults",
            "poll#2=503",
            "--speed",
            "5",
            "--concurrency",
            "4",
            "--rate-limit",
            "10/2",
            "--result-url-seconds",
            "90",
            "--queue-limit",
            "7",
        ),
        storage_base_url=None,
    )
    assert (config.api_key, str(config.balance_usd), config.speed) == (
        "sbx_cli_secret",
        "3.50",
        5.0,
    )
    assert config.faults.spec() == "poll#2=503"
    assert (config.concurrency_limit, config.rate_limit.requests) == (4, 10)
    assert config.rate_limit.window_seconds == 2
    assert config.result_url_seconds == 90
    assert config.queued_job_limit == 7
    assert config_from_args(_args(), None).queued_job_limit == 10
    assert config_from_args(_args(), None).result_url_seconds == 3600
    assert config_from_args(_args(), None).api_key.startswith("sbx_")  # random per instance
    assert "sbx_cli_secret" not in repr(config)  # the key stays out of reprs and tracebacks


@pytest.mark.slow
def test_http_walkthrough_script() -> None:
    """Acceptance 3, end to end through the real CLI in a subprocess."""
    done = subprocess.run(
        [sys.executable, str(WALKTHROUGH)], capture_output=True, text=True, timeout=240
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout
