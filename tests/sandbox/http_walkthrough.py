"""Acceptance 3: plain HTTP calls against the real `ltxstudio sandbox` command over loopback.

Run it alone (`python tests/sandbox/http_walkthrough.py`) or through pytest
(`test_http_walkthrough.py`). It uses only httpx, PyAV and numpy, none of ltxstudio's code: it
starts the CLI as a subprocess on a free loopback port, reads the base URL and key it prints, and
checks, printing one line with figures per check (CONTRACT-2026-09: v2 only):

the retired v1 routes answer 410 naming the v2 route; a v2 job goes pending → processing →
completed and its result downloads at the asked size/fps/duration; upload → PUT → storage_uri
works in image-to-video, and a second PUT to the slot answers 412 PreconditionFailed in storage's
XML; a PUT whose answer is lost leaves the object, and its retry gets 412; audio-to-video renders
at its default 24 fps (and at an asked 48); retake changes only the window; extend lengthens by
the asked seconds; 401, a bad-combination 400, 405 with Allow, 403 permission_error, 429 "Queue
limit exceeded" with Retry-After and 402 appear when provoked; a result URL expires on its own
clock (400 ExpiredToken, XML) and a new poll hands out a fresh URL on which the download resumes
with Range + If-Range; /_sandbox/stats counts exactly what was sent; Ctrl-C stops the server
cleanly. Exits 1 if any check fails.
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
import xml.etree.ElementTree as ET
from base64 import b64encode
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import av
import httpx
import numpy as np

SPEED = 2  # v2 jobs: 1 s pending, 4 s processing
BALANCE = "2.00"
QUEUE_LIMIT = 3  # --queue-limit: waiting v2 jobs before 429 "Queue limit exceeded"
RESULT_URL_SECONDS = 6  # --result-url-seconds: short, so the walk can see one expire
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


def make_audio(seconds: float) -> bytes:
    """AAC-LC in MP4 (.m4a): a 440 Hz tone."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=48_000)
        stream.layout = "mono"
        for start in range(0, round(seconds * 48_000), 1024):
            t = np.arange(start, start + 1024) / 48_000
            tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None, :]
            chunk = av.AudioFrame.from_ndarray(tone, format="fltp", layout="mono")
            chunk.sample_rate, chunk.pts = 48_000, start
            out.mux(stream.encode(chunk))
        out.mux(stream.encode())
    return buffer.getvalue()


def audio_seconds(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        if stream.duration is not None:
            return float(stream.duration * stream.time_base)
        return (container.duration or 0) / 1_000_000


def xml_error(response: httpx.Response) -> tuple[int, str, str]:
    """Storage's own error answer: an XML `Error` with a Code, never the API's JSON."""
    if response.headers.get("content-type") != "application/xml":
        return response.status_code, "(not XML)", response.text[:80]
    root = ET.fromstring(response.content)
    return response.status_code, root.findtext("Code") or "", root.findtext("Message") or ""


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
        "--concurrency",
        "1",
        "--queue-limit",
        str(QUEUE_LIMIT),
        "--result-url-seconds",
        str(RESULT_URL_SECONDS),
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


def storage(method: str, url: str, **kw: Any) -> httpx.Response:
    """A call to the storage host: never with the key."""
    bucket = urlsplit(url).path.split("/")[3]
    sent[f"{method} /_sandbox/storage/{bucket}/{{id}}"] += 1
    return httpx.request(method, url, timeout=60, **kw)


def admin(http: httpx.Client, key: str, spec: str) -> None:
    """Replace the fault plan (admin routes are not counted in the stats)."""
    auth = {"Authorization": f"Bearer {key}"}
    http.put("/_sandbox/faults", headers=auth, json={"spec": spec}).raise_for_status()


def upload(http: httpx.Client, key: str, data: bytes, mime: str) -> tuple[str, dict[str, Any]]:
    slot = call(http, "POST", "/v1/upload", key).json()
    headers = {**slot["required_headers"], "Content-Type": mime}
    put = storage("PUT", slot["upload_url"], content=data, headers=headers)
    if put.status_code != 200:
        raise RuntimeError(f"upload PUT answered {put.status_code}: {put.text}")
    return str(slot["storage_uri"]), slot


def run_job(http: httpx.Client, key: str, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    """Submit, poll until the job ends; the answer of the last poll, plus the states seen."""
    r = call(http, "POST", f"/v2/{endpoint}", key, json=body)
    if r.status_code != 202:
        return {"submit": r.status_code, "text": r.text, "states": []}
    job_id = r.json()["id"]
    states: list[str] = []
    status: dict[str, Any] = {}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status = call(http, "GET", f"/v2/{endpoint}/{job_id}", key).json()
        if not states or states[-1] != status["status"]:
            states.append(status["status"])
        if status["status"] in ("completed", "failed"):
            break
        # A real client polling a real-time server in another process: this is its poll
        # interval, not a test waiting for something it could synchronise on.
        time.sleep(0.1)  # noqa: TID251
    return {**status, "submit": 202, "states": states, "job_id": job_id}


def result(http: httpx.Client, key: str, endpoint: str, body: dict[str, Any]) -> bytes:
    done = run_job(http, key, endpoint, body)
    url = next(iter(done.get("result", {}).values()), "")
    if not url:
        return b""
    got = storage("GET", url)
    return got.content if got.status_code == 200 else b""


def walk(http: httpx.Client, key: str) -> None:
    t2v = {"prompt": "a red kite over a beach", "model": "ltx-2-3-fast", "duration": 2}
    t2v |= {"resolution": "1280x720", "fps": 24}
    submits = 0

    retired = [call(http, "POST", f"/v1/{e}", key, json=t2v) for e in ("text-to-video", "retake")]
    check(
        "v1 generation is retired",
        [r.status_code for r in retired] == [410, 410]
        and retired[1].json()["error"]
        == {
            "type": "invalid_request_error",
            "message": "POST /v1/retake was retired on 2026-10-26; use POST /v2/retake",
        },
        f"{[r.status_code for r in retired]} {retired[1].json()['error']['message']!r}",
    )

    done = run_job(http, key, "text-to-video", {**t2v, "prompt": "a v2 kite"})
    submits += 1
    first_url = done.get("result", {}).get("video_url", "")
    download = storage("GET", first_url) if first_url else None
    got = probe(download.content) if download is not None and download.status_code == 200 else {}
    check(
        "v2 job lifecycle and result",
        done["submit"] == 202
        and done["states"] == ["pending", "processing", "completed"]
        and got == {**got, "size": "1280x720", "fps": 24.0, "frames": 48, "codec": "h264"}
        and abs(got.get("seconds", 0) - 2.0) < 1e-6,
        f"202 then {' → '.join(done['states'])}; result {len(download.content) if download else 0}"
        f" bytes, {got.get('size')} {got.get('fps')} fps {got.get('frames')} frames",
    )

    png = make_png()
    image_uri, slot = upload(http, key, png, "image/png")
    i2v = result(http, key, "image-to-video", {**t2v, "image_uri": image_uri})
    submits += 1
    again = storage(
        "PUT", slot["upload_url"], content=b"overwrite?", headers=slot["required_headers"]
    )
    status, code, _ = xml_error(again)
    check(
        "upload → PUT → image-to-video; a second PUT is 412",
        probe(i2v).get("size") == "1280x720"
        and slot["required_headers"].get("x-goog-if-generation-match") == "0"
        and slot["required_headers"].get("x-goog-content-length-range") == "0,209715200"
        and (status, code) == (412, "PreconditionFailed"),
        f"storage_uri {image_uri} → {len(i2v)} bytes; PUT again → {status} {code}",
    )

    admin(http, key, "put#1=lost")
    slot = call(http, "POST", "/v1/upload", key).json()
    try:
        storage("PUT", slot["upload_url"], content=png, headers=slot["required_headers"])
        lost = "answered"
    except httpx.TransportError as exc:
        lost = type(exc).__name__
    admin(http, key, "")
    retry = xml_error(
        storage("PUT", slot["upload_url"], content=png, headers=slot["required_headers"])
    )
    r = call(
        http, "POST", "/v2/image-to-video", key, json={**t2v, "image_uri": slot["storage_uri"]}
    )
    submits += r.status_code == 202
    check(
        "a lost PUT answer: the object is there, the retry gets 412",
        lost == "RemoteProtocolError"
        and retry[:2] == (412, "PreconditionFailed")
        and r.status_code == 202,
        f"first PUT: {lost}; retry: {retry[0]} {retry[1]}; image-to-video with it: {r.status_code}",
    )
    if r.status_code == 202:
        run_job_id = r.json()["id"]
        while call(http, "GET", f"/v2/image-to-video/{run_job_id}", key).json()["status"] not in (
            "completed",
            "failed",
        ):
            time.sleep(0.1)  # noqa: TID251 (polling a real-time server)

    track = make_audio(2.5)
    seconds = audio_seconds(track)  # AAC pads to whole 1024-sample frames: a little over 2.5 s
    audio = "data:audio/mp4;base64," + b64encode(track).decode()
    a2v = {"audio_uri": audio, "prompt": "a drum", "resolution": "1280x720"}
    default_fps = probe(result(http, key, "audio-to-video", a2v))
    asked_fps = probe(result(http, key, "audio-to-video", {**a2v, "fps": 48}))
    submits += 2
    check(
        "audio-to-video renders at 24 fps by default, or as asked, as long as the audio",
        default_fps.get("fps") == 24.0
        and default_fps.get("frames") == round(seconds * 24)
        and asked_fps.get("fps") == 48.0
        and asked_fps.get("frames") == round(seconds * 48),
        f"{seconds:.3f} s of audio → {default_fps.get('frames')} frames at "
        f"{default_fps.get('fps')} fps; fps 48 → {asked_fps.get('frames')} frames",
    )

    source = make_video(4.0)
    video_uri, _ = upload(http, key, source, "video/mp4")
    retake = result(http, key, "retake", {"video_uri": video_uri, "start_time": 1, "duration": 2})
    submits += 1
    before, after = frames(source), frames(retake) if retake else []
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

    ext = probe(result(http, key, "extend", {"video_uri": video_uri, "duration": 2, "context": 1}))
    submits += 1
    check(
        "extend lengthens by the asked seconds",
        ext.get("frames") == 144 and abs(ext.get("seconds", 0) - 6.0) < 1e-6,
        f"4.00 s input + 2 s → {ext.get('seconds', 0):.2f} s, {ext.get('frames')} frames",
    )

    r = call(http, "POST", "/v2/text-to-video", None, json=t2v)
    check(
        "401 without a key",
        r.status_code == 401 and r.json()["error"]["type"] == "authentication_error",
        f"{r.status_code} {r.json()['error']}",
    )

    bad = {**t2v, "resolution": "3840x2160", "duration": 12}
    r = call(http, "POST", "/v2/text-to-video", key, json=bad)
    check(
        "400 for a bad combination",
        r.status_code == 400 and "duration 12 s is not available" in r.json()["error"]["message"],
        f"{r.status_code} {r.json()['error']['message']!r}",
    )

    r = http.get("/v2/text-to-video", headers={"Authorization": f"Bearer {key}"})
    sent["GET /v2/{endpoint}"] += 1  # the router's refusal, counted under the route's template
    check(
        "405 names the allowed methods",
        r.status_code == 405 and r.headers.get("allow") == "POST",
        f"{r.status_code} Allow: {r.headers.get('allow')}",
    )

    admin(http, key, "submit#1=permission")
    r = call(http, "POST", "/v2/text-to-video", key, json=t2v)
    admin(http, key, "")
    check(
        "403 permission_error",
        r.status_code == 403
        and r.json()["error"]
        == {
            "type": "permission_error",
            "message": "This endpoint is not available for your account",
        },
        f"{r.status_code} {r.json()['error']}",
    )

    expensive = {**t2v, "model": "ltx-2-3-pro", "resolution": "3840x2160", "duration": 10}
    r = call(http, "POST", "/v2/text-to-video", key, json=expensive)
    check(
        "402 when the estimate exceeds the balance",
        r.status_code == 402
        and r.json()["error"]["message"] == "Insufficient funds. Required: 320 credits",
        f"{r.status_code} {r.json()['error']}",
    )

    burst = [call(http, "POST", "/v2/text-to-video", key, json=t2v) for _ in range(QUEUE_LIMIT + 1)]
    submits += sum(b.status_code == 202 for b in burst)
    limited = burst[-1]
    check(
        "429 'Queue limit exceeded' with Retry-After when too many jobs wait",
        [b.status_code for b in burst] == [202] * QUEUE_LIMIT + [429]
        and limited.json()["error"]
        == {"type": "rate_limit_error", "message": "Queue limit exceeded"}
        and int(limited.headers.get("retry-after", "0")) >= 1,
        f"{[b.status_code for b in burst]}, Retry-After {limited.headers.get('retry-after')}",
    )

    # The first job's URL expires on its own clock; wait for the real server's clock if the walk
    # went faster than the URL's lifetime.
    expires = int(parse_qs(urlsplit(first_url).query).get("expires", ["0"])[0])
    wait = expires + 1.2 - time.time()
    if wait > 0:
        time.sleep(wait)  # noqa: TID251 (a real server's clock, in another process)
    stale = xml_error(storage("GET", first_url, headers={"Range": "bytes=0-999"}))
    poll = call(http, "GET", f"/v2/text-to-video/{done.get('job_id')}", key).json()
    fresh = poll.get("result", {}).get("video_url", "")
    part = storage("GET", fresh, headers={"Range": "bytes=0-999"})
    etag = part.headers.get("etag", "")
    rest = storage("GET", fresh, headers={"Range": "bytes=1000-", "If-Range": etag})
    whole = download.content if download is not None else b""
    check(
        "a result URL expires before the job status; a new poll resumes the download",
        stale[:2] == (400, "ExpiredToken")
        and poll.get("status") == "completed"
        and fresh != first_url
        and (part.status_code, rest.status_code) == (206, 206)
        and etag == (download.headers.get("etag") if download is not None else None)
        and part.content + rest.content == whole,
        f"old URL → {stale[0]} {stale[1]} (XML); poll → {poll.get('status')}, fresh URL; "
        f'Range 0-999 + If-Range {etag[:10]}…" 1000- → {len(part.content)} + '
        f"{len(rest.content)} = {len(whole)} bytes",
    )

    stats = http.get("/_sandbox/stats", headers={"Authorization": f"Bearer {key}"}).json()
    check(
        "/_sandbox/stats counts exactly what was sent",
        stats["requests"] == dict(sent)
        and stats["v1_calls"] == 2
        and stats["jobs_created"] == stats["jobs_submitted"] == submits
        and stats["uploads"] == 3
        and stats["uploads_completed"] == 3,
        f"{sum(sent.values())} requests on {len(sent)} routes; v1 calls {stats['v1_calls']}; "
        f"jobs submitted {stats['jobs_submitted']} = created {stats['jobs_created']}, charged "
        f"{stats['jobs_charged']}, queue refusals {stats['queue_refusals']}; "
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
