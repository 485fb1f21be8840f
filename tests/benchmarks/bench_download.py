"""P5 download: the client's download path against a raw httpx stream, and its memory on 1 GB.

The server is a tiny threaded HTTP/1.1 server in its own process (`--serve`), on loopback: it
answers `GET /<bytes>` with a body of that size made on the fly from one 1 MiB buffer (nothing
held in memory, nothing read from disk). The body is a structurally valid MP4 — the `ftyp` and
`moov` boxes of a real clip, then one zero-filled `mdat` box to the requested size — because
that is what the client verifies before it keeps a file: its check walks the top-level boxes
(they must tile the file; ftyp, moov and mdat must be there). It does not decode, so a body that
would not play is an honest stand-in for what the check sees; the bytes on the wire are real.

- Ours: `LtxClient.download(url, dest)` (`ltxstudio/api/downloads.py`): stream to `<dest>.part`
  with SHA-256 as it goes, fsync, structural check, atomic rename, directory fsync.
- Baseline: `httpx.AsyncClient.stream("GET", url)` with every chunk written to /dev/null.

Both run in one child process on a plain asyncio loop (the API layer is Qt-free), alternating,
256 MiB each time; the ratio is of median throughputs. The transfer part alone (until the last
byte is written, before the fsync and check) is reported too. Peak RSS growth is measured in a
fresh child for each side on a 1 GiB body: the kernel's peak-RSS mark is reset just before the
download (`/proc/self/clear_refs`), and VmHWM read after it.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.benchmarks.child import REPO, peak_rss_bytes, private_env, rss_bytes, run_child
from tests.benchmarks.harness import Result, at_least, at_most, info

MIB = 1 << 20
THROUGHPUT_BYTES = 256 * MIB
BIG_BYTES = 1024 * MIB
ROUNDS = 5


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="ltx-bench-dl-") as tmp, _server() as base:
        env = private_env(Path(tmp))
        speed = run_child("bench_download", env, "--throughput", base, tmp, timeout=900)
        ours_rss = run_child("bench_download", env, "--rss", "ours", base, tmp, timeout=600)
        raw_rss = run_child("bench_download", env, "--rss", "raw", base, tmp, timeout=600)
    ours, raw, transfer = speed["ours"], speed["raw"], speed["ours_transfer"]
    return [
        info("P5 raw httpx to /dev/null (baseline)", raw, "MB/s"),
        info("P5 ltxstudio download to disk", ours, "MB/s"),
        info("P5 ltxstudio transfer part (before fsync + check)", transfer, "MB/s"),
        at_least(
            "P5 download ltxstudio/raw",
            ours / raw,
            "ratio",
            0.8,
            note=f"256 MiB MP4-shaped body from a loopback server, median of {ROUNDS} "
            "alternating runs; ours includes SHA-256, fsync, box check and rename",
        ),
        info("P5 transfer part ltxstudio/raw", transfer / raw, "ratio"),
        info("P5 ltxstudio end of download (fsync, check, rename)", speed["ours_commit_ms"], "ms"),
        info("P5 CPU s per 256 MiB, ltxstudio (all threads)", speed["ours_cpu"], "s"),
        info("P5 CPU s per 256 MiB, raw httpx", speed["raw_cpu"], "s"),
        at_most(
            "P5 peak RSS growth, 1 GiB download",
            ours_rss["growth"] / MIB,
            "MiB",
            50,
            note=f"raw httpx stream: {raw_rss['growth'] / MIB:.1f} MiB; "
            f"{ours_rss['seconds']:.1f} s for 1 GiB",
        ),
    ]


# ---------------------------------------------------------------------------- the server


class _Server:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.bench_download", "--serve"],
            cwd=REPO,
            env=private_env(Path(tempfile.mkdtemp(prefix="ltx-bench-srv-"))),
            stdout=subprocess.PIPE,
            text=True,
        )

    def __enter__(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError(f"the body server did not start: {line!r}")
        return line.strip()

    def __exit__(self, *exc: object) -> None:
        self.proc.kill()
        self.proc.wait()


def _server() -> _Server:
    return _Server()


def mp4_head(total: int) -> bytes:
    """ftyp and moov of a real clip, then the header of an mdat box filling up to `total`."""
    from tests.support.media_factory import make_video

    with tempfile.TemporaryDirectory() as tmp:
        data = make_video(Path(tmp) / "clip.mp4", width=64, height=64, seconds=1).read_bytes()
    boxes: dict[bytes, bytes] = {}
    offset = 0
    while offset < len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        boxes[data[offset + 4 : offset + 8]] = data[offset : offset + size]
        offset += size
    head = boxes[b"ftyp"] + boxes[b"moov"]
    mdat = total - len(head)
    return head + mdat.to_bytes(4, "big") + b"mdat"


def serve() -> None:
    heads: dict[int, bytes] = {}
    chunk = memoryview(bytes(MIB))

    class Body(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            total = int(self.path.strip("/"))
            if total not in heads:
                heads[total] = mp4_head(total)
            head = heads[total]
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", str(total))
            self.send_header("ETag", f'"{total}"')
            self.end_headers()
            self.wfile.write(head)
            left = total - len(head)
            while left > 0:
                n = min(left, len(chunk))
                self.wfile.write(chunk[:n])
                left -= n

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Body)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


# ---------------------------------------------------------------------------- the clients


async def ours(url: str, dest: Path, marks: dict[str, float]) -> None:
    from ltxstudio.api import (
        LtxClient,
    )

    def progress(done: int, total: int | None) -> None:
        if done == total:
            marks["transferred"] = time.perf_counter()

    # The API key is a placeholder: result URLs are fetched without it (pre-signed storage).
    async with LtxClient("bench-placeholder", "http://127.0.0.1:9") as client:
        marks["start"] = time.perf_counter()
        await client.download(url, dest, progress=progress)
        marks["end"] = time.perf_counter()


async def raw(url: str, marks: dict[str, float]) -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        marks["start"] = time.perf_counter()
        async with client.stream("GET", url) as response:
            response.raise_for_status()
            with open("/dev/null", "wb") as sink:  # noqa: ASYNC230 - /dev/null never blocks
                async for chunk in response.aiter_bytes():
                    sink.write(chunk)
        marks["end"] = time.perf_counter()


def throughput(base: str, tmp: str) -> dict[str, float]:
    url = f"{base}/{THROUGHPUT_BYTES}"
    mb = THROUGHPUT_BYTES / 1e6
    mine: list[float] = []
    theirs: list[float] = []
    transfer: list[float] = []
    commit: list[float] = []
    cpu_mine: list[float] = []
    cpu_theirs: list[float] = []
    asyncio.run(raw(url, {}))  # the server builds its MP4 head; both sides warm up
    for i in range(ROUNDS):
        # Each side times from its request to its end, the client already constructed.
        dest = Path(tmp) / f"result-{i}.mp4"
        marks: dict[str, float] = {}
        cpu = time.process_time()  # all threads of this process
        asyncio.run(ours(url, dest, marks))
        cpu_mine.append(time.process_time() - cpu)
        mine.append(mb / (marks["end"] - marks["start"]))
        transfer.append(mb / (marks["transferred"] - marks["start"]))
        commit.append(marks["end"] - marks["transferred"])
        assert dest.stat().st_size == THROUGHPUT_BYTES
        dest.unlink()
        marks = {}
        cpu = time.process_time()
        asyncio.run(raw(url, marks))
        cpu_theirs.append(time.process_time() - cpu)
        theirs.append(mb / (marks["end"] - marks["start"]))
    return {
        "ours": statistics.median(mine),
        "raw": statistics.median(theirs),
        "ours_transfer": statistics.median(transfer),
        "ours_commit_ms": statistics.median(commit) * 1000,
        "ours_cpu": statistics.median(cpu_mine),
        "raw_cpu": statistics.median(cpu_theirs),
    }


def rss(side: str, base: str, tmp: str) -> dict[str, float]:
    url = f"{base}/{BIG_BYTES}"
    dest = Path(tmp) / "big.mp4"
    marks = _Marks()
    asyncio.run(ours(url, dest, marks) if side == "ours" else raw(url, marks))
    if side == "ours":
        assert dest.stat().st_size == BIG_BYTES
        dest.unlink()
    return {"growth": peak_rss_bytes() - marks.rss, "seconds": marks["end"] - marks["start"]}


class _Marks(dict[str, float]):
    """Times as the clients set them; setting "start" (client built, request about to go)
    also resets the kernel's peak-RSS mark and notes the RSS there."""

    rss = 0

    def __setitem__(self, key: str, value: float) -> None:
        if key == "start":
            Path("/proc/self/clear_refs").write_text("5")  # VmHWM := current RSS
            self.rss = rss_bytes()
        super().__setitem__(key, value)


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["--serve"]:
            serve()
        case ["--throughput", base, tmp]:
            print(json.dumps(throughput(base, tmp)))
        case ["--rss", side, base, tmp]:
            print(json.dumps(rss(side, base, tmp)))
        case _:
            for result in run():
                print(result.line())
