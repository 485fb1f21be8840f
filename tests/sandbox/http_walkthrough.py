"""Acceptance 3: plain HTTP calls against the real `ltxstudio sandbox` command over loopback.

Run it alone (`python tests/sandbox/http_walkthrough.py`) or through pytest
(`test_http_walkthrough.py`). It uses only httpx, PyAV and numpy, none of ltxstudio's code: it
starts the CLI as a subprocess on a free loopback port, reads the base URL and key it prints, and
checks, printing one line with figures per check:

v1 text-to-video returns a playable MP4 of the asked size/fps/duration; a v2 job goes
pending → processing → completed and its result downloads; upload → PUT → storage_uri works in
image-to-video; retake changes only the window; extend lengthens by the asked seconds; 401, a
bad-combination 400, 429 with Retry-After and 402 appear when provoked; /_sandbox/stats counts
exactly what was sent; Ctrl-C stops the server cleanly. Exits 1 if any check fails.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np

SPEED = 2  # v2 jobs: 1 s pending, 4 s processing
BALANCE = "2.00"
results: list[bool] = []
sent: Counter[str] = Counter()


def check(name: str, ok: bool, figures: str) -> None:
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name}: {figures}", flush=True)


# ------------------------------------------------------------------------------ media


def make_video(seconds: float, width: int = 320, height: int = 180, fps: int = 24) -> bytes:
    """A clip whose frames all differ (moving gradient), with an AAC track."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        audio = out.add_stream("aac", rate=48_000)
        audio.layout = "stereo"
        y, x = np.mgrid[0:height, 0:width]
        for i in range(round(seconds * fps)):
            rgb = np.stack([(x * 2 + i * 5) % 256, (y * 3) % 256, np.full_like(x, i * 9 % 256)], -1)
            frame = av.VideoFrame.from_ndarray(rgb.astype(np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(stream.encode(frame.reformat(format="yuv420p")))
        out.mux(stream.encode())
        for start in range(0, round(seconds * 48_000), 1024):
            t = np.arange(start, start + 1024) / 48_000
            tone = (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)
            chunk = av.AudioFrame.from_ndarray(
                np.stack([tone, tone]), format="fltp", layout="stereo"
            )
            chunk.sample_rate, chunk.pts = 48_000, start
            out.mux(audio.encode(chunk))
        out.mux(audio.encode())
    return buffer.getvalue()


def make_png(width: int = 640, height: int = 360) -> bytes:
    codec = av.CodecContext.create("png", "w")
    codec.width, codec.height, codec.pix_fmt = width, height, "rgb24"
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([x % 256, y % 256, np.full_like(x, 128)], -1).astype(np.uint8)
    packets = codec.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24"))
    return b"".join(bytes(p) for p in packets)


def probe(data: bytes) -> dict[str, Any]:
    with av.open(io.BytesIO(data)) as container:
        v = container.streams.video[0]
        decoded = sum(1 for _ in container.decode(v))
        return {
            "size": f"{v.codec_context.width}x{v.codec_context.height}",
            "fps": float(v.average_rate or 0),
            "frames": decoded,
            "seconds": float(v.duration * v.time_base) if v.duration else 0.0,
            "codec": v.codec_context.name,
            "audio": bool(container.streams.audio),
        }


def frames(data: bytes, width: int = 320, height: int = 180) -> list[np.ndarray]:
    with av.open(io.BytesIO(data)) as container:
        return [
            f.to_ndarray(format="rgb24", width=width, height=height).astype(np.int16)
            for f in container.decode(video=0)
        ]


# ------------------------------------------------------------------------------ server


def start_sandbox() -> tuple[subprocess.Popen[str], str, str]:
    script = Path(sys.executable).with_name("ltxstudio")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ltxstudio"]
    command += [
        "sandbox",
        "--port",
        "0",
        "--speed",
        str(SPEED),
        "--balance",
        BALANCE,
        "--rate-limit",
        "1000/60",
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy()
    )
    watchdog = threading.Timer(240, proc.kill)  # never leave a server behind
    watchdog.daemon = True
    watchdog.start()
    assert proc.stdout is not None
    base_url = key = ""
    for line in proc.stdout:
        print(f"  | {line.rstrip()}", flush=True)
        if match := re.search(r"Base URL:\s+(\S+)", line):
            base_url = match.group(1)
        if match := re.search(r"API key:\s+(\S+)", line):
            key = match.group(1)
        if base_url and key:
            break
    if not (base_url and key):
        proc.kill()
        raise SystemExit("FAIL start: the sandbox did not print its base URL and key")
    return proc, base_url, key


def main() -> int:
    proc, base_url, key = start_sandbox()
    try:
        with httpx.Client(base_url=base_url, timeout=120) as http:
            walk(http, key)
    finally:
        stop(proc)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def call(http: httpx.Client, method: str, path: str, key: str | None, **kw: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    route = re.sub(r"^/v2/([^/]+)/[^/]+$", r"/v2/\1/{id}", path)
    sent[f"{method} {route}"] += 1
    return http.request(method, path, headers=headers, **kw)


def upload(http: httpx.Client, key: str, data: bytes, mime: str) -> str:
    slot = call(http, "POST", "/v1/upload", key).json()
    headers = {**slot["required_headers"], "Content-Type": mime}
    sent["PUT /_sandbox/storage/uploads/{id}"] += 1
    put = httpx.put(slot["upload_url"], content=data, headers=headers, timeout=60)  # no key
    if put.status_code != 200:
        raise RuntimeError(f"upload PUT answered {put.status_code}: {put.text}")
    return str(slot["storage_uri"])


def walk(http: httpx.Client, key: str) -> None:
    t2v = {"prompt": "a red kite over a beach", "model": "ltx-2-3-fast", "duration": 2}
    t2v |= {"resolution": "1280x720", "fps": 24}

    r = call(http, "POST", "/v1/text-to-video", key, json=t2v)
    info = probe(r.content) if r.status_code == 200 else {}
    check(
        "v1 text-to-video",
        r.status_code == 200
        and r.headers.get("content-type") == "video/mp4"
        and "x-request-id" in r.headers
        and info == {**info, "size": "1280x720", "fps": 24.0, "frames": 48, "codec": "h264"}
        and abs(info["seconds"] - 2.0) < 1e-6,
        f"{r.status_code} {r.headers.get('content-type')} {info} (asked 1280x720, 24 fps, 2 s)",
    )

    r = call(http, "POST", "/v2/text-to-video", key, json={**t2v, "prompt": "a v2 kite"})
    job_id = r.json()["id"]
    states: list[str] = []
    status: dict[str, Any] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = call(http, "GET", f"/v2/text-to-video/{job_id}", key).json()
        if not states or states[-1] != status["status"]:
            states.append(status["status"])
        if status["status"] in ("completed", "failed"):
            break
        # A real client polling a real-time server in another process: this is its poll
        # interval, not a test waiting for something it could synchronise on.
        time.sleep(0.1)  # noqa: TID251
    url = status.get("result", {}).get("video_url", "")
    sent["GET /_sandbox/storage/results/{id}"] += 1
    download = httpx.get(url, timeout=60) if url else None
    got = probe(download.content) if download is not None and download.status_code == 200 else {}
    check(
        "v2 job lifecycle",
        r.status_code == 202
        and states == ["pending", "processing", "completed"]
        and got.get("frames") == 48,
        f"202 then {' → '.join(states)}; result {len(download.content) if download else 0} bytes, "
        f"{got.get('size')} {got.get('frames')} frames",
    )

    image_uri = upload(http, key, make_png(), "image/png")
    r = call(http, "POST", "/v1/image-to-video", key, json={**t2v, "image_uri": image_uri})
    check(
        "upload → PUT → image-to-video",
        r.status_code == 200 and probe(r.content)["size"] == "1280x720",
        f"storage_uri {image_uri} → {r.status_code}, {len(r.content)} bytes",
    )

    source = make_video(4.0)
    video_uri = upload(http, key, source, "video/mp4")
    r = call(
        http,
        "POST",
        "/v1/retake",
        key,
        json={"video_uri": video_uri, "start_time": 1, "duration": 2},
    )
    before, after = frames(source), frames(r.content) if r.status_code == 200 else []
    diffs = [float(np.abs(a - b).mean()) for a, b in zip(before, after, strict=False)]
    window = range(24, 72)
    outside = [d for i, d in enumerate(diffs) if i not in window]
    inside = [d for i, d in enumerate(diffs) if i in window]
    check(
        "retake changes only the window",
        # Outside: the input after an upscale to 1080p, two lossy encodes and a downscale.
        len(after) == len(before) == 96 and max(outside) < 8 and min(inside) > 20,
        f"{len(after)} frames; mean |Δ| outside [1 s, 3 s) max {max(outside, default=-1):.2f}, "
        f"inside min {min(inside, default=-1):.2f}",
    )

    r = call(http, "POST", "/v1/extend", key, json={"video_uri": video_uri, "duration": 2})
    ext = probe(r.content) if r.status_code == 200 else {}
    check(
        "extend lengthens by the asked seconds",
        ext.get("frames") == 144 and abs(ext.get("seconds", 0) - 6.0) < 1e-6,
        f"4.00 s input + 2 s → {ext.get('seconds', 0):.2f} s, {ext.get('frames')} frames",
    )

    r = call(http, "POST", "/v1/text-to-video", None, json=t2v)
    check(
        "401 without a key",
        r.status_code == 401 and r.json()["error"]["type"] == "authentication_error",
        f"{r.status_code} {r.json()['error']}",
    )

    bad = {**t2v, "model": "ltx-2-5-pro", "fps": 48}
    r = call(http, "POST", "/v2/text-to-video", key, json=bad)
    check(
        "400 for a bad combination",
        r.status_code == 400 and "fps 48 is not available" in r.json()["error"]["message"],
        f"{r.status_code} {r.json()['error']['message']!r}",
    )

    codes = [call(http, "POST", "/v2/text-to-video", key, json=t2v) for _ in range(3)]
    limited = codes[-1]
    check(
        "429 with Retry-After at the concurrency limit",
        [c.status_code for c in codes] == [202, 202, 429]
        and limited.json()["error"]["type"] == "concurrency_limit_error"
        and int(limited.headers.get("retry-after", "0")) >= 1,
        f"{[c.status_code for c in codes]}, Retry-After {limited.headers.get('retry-after')}",
    )

    expensive = {**t2v, "model": "ltx-2-3-pro", "resolution": "3840x2160", "duration": 10}
    r = call(http, "POST", "/v1/text-to-video", key, json=expensive)
    check(
        "402 when the estimate exceeds the balance",
        r.status_code == 402
        and r.json()["error"]["message"] == "Insufficient funds. Required: 320 credits",
        f"{r.status_code} {r.json()['error']}",
    )

    stats = http.get("/_sandbox/stats", headers={"Authorization": f"Bearer {key}"}).json()
    check(
        "/_sandbox/stats counts exactly what was sent",
        stats["requests"] == dict(sent) and stats["uploads"] == 2,
        f"{sum(sent.values())} requests on {len(sent)} routes; jobs created "
        f"{stats['jobs_created']}, charged {stats['jobs_charged']}, "
        f"balance ${stats['balance_usd']}",
    )


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        rest, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        rest, _ = proc.communicate()
    check(
        "Ctrl-C stops the server",
        proc.returncode == 0 and "sandbox stopped" in (rest or ""),
        f"exit code {proc.returncode}",
    )


if __name__ == "__main__":
    sys.exit(main())
