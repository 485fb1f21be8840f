"""Acceptance 3 (the whole run) and 5 (no key anywhere), over real loopback HTTP.

One sandbox, one fault plan mixing scripted faults (each kind at least once, on fixed calls) with
seeded random ones on every route; a workload like the job engine's — uploads both ways, v2 jobs
polled and downloaded (a download whose signed URL expired is fetched from a fresh poll) — that
handles errors as the engine does. Afterwards:

- the sandbox's `/_sandbox/stats` count of created jobs equals the jobs the client reported as
  submitted (a handle, or "outcome unknown"), and every admitted generation is accounted for;
- with DEBUG logging on for every logger, the test key appears nowhere: not in the log file,
  not in any file written, not in any error's text or traceback.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from ltxstudio.api import (
    ApiError,
    Completed,
    LtxClient,
    StorageError,
    SubmitOutcomeUnknown,
)
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.request import (
    ImageToVideo,
    TextToVideo,
)
from ltxstudio.sandbox.faults import FaultPlan
from tests.api.conftest import Inputs
from tests.api.sandbox_support import TEST_KEY, probe_mp4, sandbox_config, serve

pytestmark = [pytest.mark.loopback, pytest.mark.slow]

PLAN = (
    "upload#1=503,put#1=reset,"
    "v2/text-to-video#2=reset,v2/text-to-video#4=truncate,v2/text-to-video#5=500,"
    "v2/text-to-video#6=429:2,v2/text-to-video#8=503,"
    "poll#3=529,poll#4=500,download#2=truncate,download#3=reset,download#4=expired,"
    "put#2=lost,"
    "rate=0.15,seed=11,mix=429|500|503|reset|truncate"
)
SCRIPTED = {"503", "reset", "truncate", "500", "429:2", "529", "expired", "lost"}

T2V = TextToVideo(
    prompt="a lighthouse at dusk",
    model=Model.LTX_2_3_FAST,
    resolution=Resolution.parse("1280x720"),
    fps=24,
    duration=2,
)


def find_key(root: Path) -> list[str]:
    """Every file under `root` that contains the key (raw, or as it would sit in a header)."""
    needles = (TEST_KEY.encode(), TEST_KEY.encode("utf-16-le"))
    return [
        str(p) for p in root.rglob("*") if p.is_file() and any(n in p.read_bytes() for n in needles)
    ]


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Every logger at DEBUG into one file, tracebacks included, for the run."""
    path = tmp_path / "logs" / "run.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


def test_the_scanner_finds_a_planted_key(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "leak.txt").write_text(f"Authorization: Bearer {TEST_KEY}\n")
    (tmp_path / "clean.txt").write_text("nothing here")
    assert find_key(tmp_path) == [str(tmp_path / "a" / "leak.txt")]


@pytest.mark.asyncio
async def test_fault_run_counts_and_leaks(tmp_path: Path, inputs: Inputs, debug_log: Path) -> None:
    log = logging.getLogger("tests.fault_run")
    clock = ManualClock()
    config = sandbox_config(clock=clock, faults=FaultPlan.parse(PLAN), concurrency_limit=100)
    errors: list[BaseException] = []
    handles, unknown_v2, refused_v2 = [], 0, 0
    downloaded: list[Path] = []

    def note(exc: BaseException) -> None:
        errors.append(exc)
        log.warning("caught %s", type(exc).__name__, exc_info=exc)

    with serve(config) as served:
        async with LtxClient(TEST_KEY, served.base_url, clock=clock) as client:
            uris = [
                await client.upload(inputs.image, transport="upload"),  # its PUT is reset
                await client.upload(inputs.image, transport="upload"),  # its answer is lost: 412
                await client.upload(inputs.image, transport="data"),
            ]
            requests = [T2V] * 8 + [
                ImageToVideo(
                    prompt="the harbour at night",
                    model=Model.LTX_2_3_FAST,
                    resolution=Resolution.parse("1280x720"),
                    fps=24,
                    duration=2,
                    image_uri=uri,
                )
                for uri in uris
            ]
            for request in requests:
                try:
                    handles.append(await client.submit(request))
                except SubmitOutcomeUnknown as exc:
                    unknown_v2 += 1
                    note(exc)
                except ApiError as exc:  # a definite refusal: the engine would queue it again
                    refused_v2 += 1
                    note(exc)
            await served.idle()
            for n, handle in enumerate(handles):
                for _ in range(5):  # the engine keeps a paid job alive through transient errors
                    try:
                        status = await client.poll(handle)
                        assert isinstance(status, Completed), status
                        files = await client.download_result(
                            status, tmp_path / "results", f"job{n}", job_id=handle.id
                        )
                        downloaded += [f.path for f in files.values()]
                        break
                    except SubmitOutcomeUnknown:  # a GET can never be "outcome unknown"
                        raise
                    except ApiError as exc:
                        note(exc)
                else:
                    pytest.fail(f"job {handle.id} could not be collected")
        stats = await served.stats()

    log.info(
        "fault run: %d handles, %d unknown, %d refused; faults injected: %s",
        len(handles),
        unknown_v2,
        refused_v2,
        stats["faults_injected"],
    )
    # ---- acceptance 3: the server created exactly the jobs the client says it may have
    injected = {spec.split("=", 1)[1] for spec in stats["faults_injected"]}
    assert injected >= SCRIPTED, injected
    assert unknown_v2 >= 2  # the script's reset and truncate on submits
    assert refused_v2 >= 1  # its 500
    assert stats["jobs_created"] == len(handles) + unknown_v2
    assert stats["jobs_submitted"] == stats["jobs_created"]
    assert stats["v1_calls"] == 0
    assert len(handles) + unknown_v2 + refused_v2 == len(requests)
    assert len(downloaded) == len(handles)
    assert any(isinstance(e, StorageError) and e.code == "ExpiredToken" for e in errors)
    for path in downloaded:
        assert probe_mp4(path).width == 1280

    # ---- acceptance 5: the key is nowhere
    text = debug_log.read_text()
    assert "x-request-id" in text or "request_id=" in text  # the log really recorded the run
    assert "HTTP Request" in text
    assert "ltxstudio.api" in text
    assert find_key(tmp_path) == []
    for exc in errors:
        rendered = "".join(traceback.format_exception(exc)) + repr(exc) + str(exc)
        assert TEST_KEY not in rendered
