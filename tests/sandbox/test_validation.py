"""Validation tables: each rule of API-NOTES §3/§4.3/§7 → its status, error type and message."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import av
import numpy as np
import pytest

from ltxstudio.core.catalog import Model, Resolution, allowed_durations, generation_problem
from ltxstudio.sandbox.config import RateLimit
from tests.sandbox.conftest import T2V_720, Harness, HarnessFactory, data_uri
from tests.support.media_factory import make_audio, make_image, make_video

pytestmark = pytest.mark.asyncio

BAD_T2V: list[tuple[str, dict[str, Any], str]] = [
    ("prompt missing", {"prompt": None}, "prompt is required"),
    (
        "prompt too long",
        {"prompt": "x" * 5001},
        "prompt is 5001 characters long; the limit is 5000",
    ),
    ("prompt not a string", {"prompt": 7}, "prompt must be a string"),
    ("model missing", {"model": None}, "model is required"),
    (
        "removed model names its replacement",
        {"model": "ltx-2-pro"},
        "model 'ltx-2-pro' was removed on 2026-08-15; use 'ltx-2-3-pro' instead",
    ),
    ("unknown model", {"model": "ltx-9"}, "model 'ltx-9' is not available for text-to-video"),
    ("duration missing", {"duration": "DROP"}, "duration is required"),
    ("fractional duration", {"duration": 2.5}, "duration must be a whole number, not 2.5"),
    (
        "auto duration needs 2.5",
        {"duration": None},
        "automatic duration (null) needs an LTX-2.5 model, not ltx-2-3-fast",
    ),
    ("resolution malformed", {"resolution": "big"}, "resolution must look like 1920x1080"),
    (
        "resolution off the matrix",
        {"resolution": "1000x1000"},
        "resolution 1000x1000 is not available for ltx-2-3-fast",
    ),
    (
        "fps off the matrix",
        {"fps": 30},
        "fps 30 is not available for ltx-2-3-fast at 1280x720; allowed: 24, 25, 48, 50",
    ),
    (
        "long clip needs low fps",
        {"fps": 50, "duration": 12},
        "duration 12 s is not available for ltx-2-3-fast at 1280x720 50 fps",
    ),
    (
        "2.5 Pro has no 48 fps",
        {"model": "ltx-2-5-pro", "fps": 48},
        "fps 48 is not available for ltx-2-5-pro at 1280x720; allowed: 24, 25, 50",
    ),
    (
        "2.5 Pro has no 4K",
        {"model": "ltx-2-5-pro", "resolution": "3840x2160"},
        "resolution 3840x2160 is not available for ltx-2-5-pro",
    ),
    ("camera motion enum", {"camera_motion": "spin"}, "camera_motion must be one of dolly_in"),
    ("generate_audio type", {"generate_audio": "yes"}, "generate_audio must be true or false"),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD_T2V, ids=[c[0] for c in BAD_T2V])
async def test_text_to_video_rules(
    sandbox: Harness, case: str, change: dict[str, Any], message: str
) -> None:
    body = {**T2V_720}
    for key, value in change.items():
        if value == "DROP":
            body.pop(key)
        else:
            body[key] = value
    body = {k: v for k, v in body.items() if v is not None or k == "duration"}
    r = await sandbox.client.post("/v2/text-to-video", json=body)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert message in error["message"], error["message"]
    stats = sandbox.sandbox.stats()
    assert stats["jobs_created"] == 0
    assert stats["reserved_usd"] == "0.00"


async def test_the_whole_generation_matrix_is_the_catalog(make_harness: HarnessFactory) -> None:
    """Every model × tier × fps × duration the catalog allows is admitted (not rendered: the
    balance is 0, so an admitted request answers 402), and everything it refuses answers 400."""
    sandbox = await make_harness(balance_usd=Decimal(0), rate_limit=RateLimit(10_000))
    checked = 0
    for model in Model:
        for text in ("1280x720", "720x1280", "1920x1080", "2560x1440", "3840x2160"):
            resolution = Resolution.parse(text)
            for fps in (24, 25, 30, 48, 50):
                for duration in (2, 5, 7, 10, 12, 20):
                    body = {
                        "prompt": "matrix",
                        "model": model.value,
                        "resolution": text,
                        "fps": fps,
                        "duration": duration,
                    }
                    r = await sandbox.client.post("/v2/text-to-video", json=body)
                    allowed = generation_problem(model, resolution, fps, duration) is None
                    assert r.status_code == (402 if allowed else 400), (body, r.text)
                    checked += 1
    assert checked == 4 * 5 * 5 * 6
    assert allowed_durations(Model.LTX_2_3_FAST, Resolution(1280, 720), 24)[-1] == 20


async def test_integral_float_duration_and_auto_duration_are_accepted(sandbox: Harness) -> None:
    sandbox.sandbox.ledger.balance_usd *= 0
    r = await sandbox.client.post("/v2/text-to-video", json={**T2V_720, "duration": 2.0})
    assert r.status_code == 402
    auto = {**T2V_720, "model": "ltx-2-5-fast", "duration": None}
    r = await sandbox.client.post("/v2/text-to-video", json=auto)
    assert r.status_code == 402
    # auto picks 5 s: 5 × $0.09 = $0.45 = 45 credits
    assert r.json()["error"]["message"] == "Insufficient funds. Required: 45 credits"


async def test_body_shape_errors(sandbox: Harness) -> None:
    r = await sandbox.client.post(
        "/v2/text-to-video", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert (r.status_code, r.json()["error"]["message"]) == (
        400,
        "the request body is not valid JSON",
    )
    r = await sandbox.client.post("/v2/text-to-video", json=[1, 2])
    assert r.json()["error"]["message"] == "the request body must be a JSON object"
    r = await sandbox.client.post("/v1/video-to-video-hdr", json={"video_uri": "x"})
    assert r.status_code == 404
    assert "only on /v2/" in r.json()["error"]["message"]
    r = await sandbox.client.post("/v2/make-a-movie", json={})
    assert (r.status_code, r.json()["error"]["type"]) == (404, "not_found_error")
    r = await sandbox.client.get("/v2/text-to-video")
    assert (r.status_code, r.json()["error"]["type"]) == (405, "method_not_allowed_error")


async def test_405_names_the_allowed_methods(sandbox: Harness) -> None:
    """RFC 9110 §15.5.6: a 405 must carry `Allow` with the route's methods."""
    cases = [
        ("GET", "/v2/text-to-video", "POST"),
        ("DELETE", "/v2/text-to-video/some-id", "GET, HEAD"),
        ("GET", "/v1/upload", "POST"),
        ("DELETE", "/_sandbox/faults", "GET, HEAD, PUT"),
    ]
    for method, path, allow in cases:
        r = await sandbox.client.request(method, path)
        assert (r.status_code, r.headers.get("allow")) == (405, allow), (method, path)
        assert r.json()["error"]["type"] == "method_not_allowed_error"


async def test_uri_transports(sandbox: Harness, image_png: bytes) -> None:
    async def i2v(uri: str) -> tuple[int, str]:
        r = await sandbox.client.post("/v2/image-to-video", json={**T2V_720, "image_uri": uri})
        return r.status_code, r.json().get("error", {}).get("message", "")

    status, message = await i2v("https://example.com/cat.png")
    assert status == 400
    assert "offline and does not fetch URLs (example.com)" in message
    assert (await i2v("http://example.com/cat.png"))[0] == 400
    assert "unknown storage_uri" in (await i2v("ltx://uploads/nope"))[1]
    assert "must be a storage_uri" in (await i2v("ftp://x/y.png"))[1]
    assert "not a supported image type" in (await i2v(data_uri(image_png, "image/gif")))[1]
    assert "not valid base64" in (await i2v("data:image/png;base64,@@@"))[1]
    big = "data:image/png;base64," + "A" * (7_000_001)
    r = await sandbox.client.post("/v2/image-to-video", json={**T2V_720, "image_uri": big})
    assert r.status_code == 413
    assert r.json()["error"]["type"] == "request_too_large"
    assert "the limit is 7 MB" in r.json()["error"]["message"]
    slot = (await sandbox.client.post("/v1/upload")).json()
    assert "nothing was uploaded" in (await i2v(slot["storage_uri"]))[1]
    # A good data URI is admitted (402 with no balance proves it passed validation).
    sandbox.sandbox.ledger.balance_usd *= 0
    assert (await i2v(data_uri(image_png, "image/png")))[0] == 402


async def test_image_format_rules(sandbox: Harness, tmp_path: Any) -> None:
    bmp = make_image(tmp_path / "x.bmp").read_bytes()
    uri = await sandbox.upload(bmp, "image/bmp")
    r = await sandbox.client.post("/v2/image-to-video", json={**T2V_720, "image_uri": uri})
    assert r.json()["error"]["message"] == (
        "image_uri: image format BMP is not supported; use PNG, JPEG or WEBP"
    )
    junk = await sandbox.upload(b"not an image at all", "image/png")
    r = await sandbox.client.post("/v2/image-to-video", json={**T2V_720, "image_uri": junk})
    assert r.json()["error"]["message"] == "image_uri: not a readable image"


async def test_audio_to_video_rules(sandbox: Harness, tmp_path: Any, image_png: bytes) -> None:
    async def a2v(body: dict[str, Any]) -> tuple[int, str]:
        r = await sandbox.client.post("/v2/audio-to-video", json=body)
        return r.status_code, r.json().get("error", {}).get("message", "")

    good = await sandbox.upload(make_audio(tmp_path / "ok.m4a", seconds=3).read_bytes())
    assert (await a2v({"audio_uri": good}))[1] == (
        "audio-to-video needs a prompt or an image_uri (or both)"
    )
    pcm = await sandbox.upload(make_audio(tmp_path / "pcm.wav", codec="pcm_s16le").read_bytes())
    assert (await a2v({"audio_uri": pcm, "prompt": "x"}))[1] == (
        "audio_uri: PCM audio is not supported; use AAC-LC, MP3, Opus, Vorbis or FLAC"
    )
    short = await sandbox.upload(make_audio(tmp_path / "short.m4a", seconds=1.5).read_bytes())
    assert "the audio is 1.5" in (await a2v({"audio_uri": short, "prompt": "x"}))[1]
    long = await sandbox.upload(
        make_audio(tmp_path / "long.mp3", seconds=12, codec="libmp3lame").read_bytes()
    )
    message = (await a2v({"audio_uri": long, "prompt": "x", "model": "ltx-2-5-pro"}))[1]
    assert message.startswith("audio_uri: ltx-2-5-pro takes at most 10 s of audio at 1920x1080")
    assert (await a2v({"audio_uri": good, "prompt": "x", "model": "ltx-2-3-fast"}))[1] == (
        "model 'ltx-2-3-fast' is not available for audio-to-video; "
        "allowed: ltx-2-3-pro, ltx-2-5-fast, ltx-2-5-pro"
    )
    message = (
        await a2v(
            {"audio_uri": good, "prompt": "x", "model": "ltx-2-5-pro", "resolution": "2560x1440"}
        )
    )[1]
    assert message == "resolution 2560x1440 is not available for audio-to-video with ltx-2-5-pro"
    sandbox.sandbox.ledger.balance_usd *= 0
    assert (await a2v({"audio_uri": good, "image_uri": data_uri(image_png, "image/png")}))[0] == 402


async def test_aac_must_be_low_complexity(sandbox: Harness, tmp_path: Any) -> None:
    # FFmpeg's encoder writes only AAC-LC, so relabel the stream: the AudioSpecificConfig in the
    # esds box starts with the object type (2 = LC); 1 = AAC Main.
    lc = make_audio(tmp_path / "lc.m4a", seconds=3).read_bytes()
    marker = bytes.fromhex("0580808005 1190")
    assert lc.count(marker) == 1
    main = lc.replace(marker, bytes.fromhex("0580808005 0990"))
    uri = await sandbox.upload(main, "audio/mp4")
    r = await sandbox.client.post("/v2/audio-to-video", json={"audio_uri": uri, "prompt": "x"})
    assert r.json()["error"]["message"] == "audio_uri: AAC audio must be AAC-LC, not Main"


async def test_retake_and_extend_rules(
    sandbox: Harness, video_4s: bytes, video_short: bytes, tmp_path: Any
) -> None:
    four = await sandbox.upload(video_4s)
    two = await sandbox.upload(video_short)

    async def post(endpoint: str, body: dict[str, Any]) -> str:
        r = await sandbox.client.post(f"/v2/{endpoint}", json=body)
        assert r.status_code == 400, r.text
        return str(r.json()["error"]["message"])

    assert await post("retake", {"video_uri": four, "start_time": 0, "duration": 1.5}) == (
        "duration must be at least 2 seconds, not 1.5"
    )
    assert await post(
        "retake", {"video_uri": four, "start_time": 0, "duration": 2, "model": "ltx-2-3-fast"}
    ) == ("model 'ltx-2-3-fast' is not available for retake; allowed: ltx-2-3-pro")
    assert await post("retake", {"video_uri": two, "start_time": 0, "duration": 2}) == (
        "video_uri: retake needs at least 73 frames (about 3 s at 24 fps); the input has 48"
    )
    assert await post("retake", {"video_uri": four, "start_time": 4.5, "duration": 2}) == (
        "start_time 4.5 s is not within the input video (4.00 s)"
    )
    assert "not available for retake" in await post(
        "retake", {"video_uri": four, "start_time": 0, "duration": 2, "resolution": "1280x720"}
    )
    assert "mode must be one of" in await post(
        "retake", {"video_uri": four, "start_time": 0, "duration": 2, "mode": "replace_all"}
    )
    assert await post("extend", {"video_uri": four, "duration": 21}) == (
        "duration must be between 2 and 20 seconds, not 21"
    )
    assert await post("extend", {"video_uri": four, "duration": 2, "context": 25}) == (
        "context must be between 0 and 20 seconds, not 25"
    )
    assert await post("extend", {"video_uri": two, "duration": 2}) == (
        "video_uri: extend needs at least 73 frames (about 3 s at 24 fps); the input has 48"
    )
    square = await sandbox.upload(
        make_video(tmp_path / "sq.mp4", width=240, height=240, seconds=3.2).read_bytes()
    )
    assert await post("extend", {"video_uri": square, "duration": 2}) == (
        "video_uri: extend takes 16:9 or 9:16 video, not 240x240"
    )
    fast = await sandbox.upload(
        make_video(tmp_path / "fast.mp4", fps=50, seconds=10, audio=None).read_bytes()
    )
    assert await post("extend", {"video_uri": fast, "duration": 2, "context": 9}) == (
        "context + duration is 550 frames at 50 fps; the limit is 505 frames"
    )
    avi = await sandbox.upload(make_video(tmp_path / "v.avi", audio=None, seconds=3.2).read_bytes())
    assert await post("extend", {"video_uri": avi, "duration": 2}) == (
        "video_uri: the container must be MP4, MOV or MKV, not avi"
    )
    mkv_vp9 = await sandbox.upload(
        make_video(tmp_path / "v.mkv", codec="libvpx-vp9", audio=None, seconds=3.2).read_bytes()
    )
    assert await post("extend", {"video_uri": mkv_vp9, "duration": 2}) == (
        "video_uri: video codec vp9 is not supported; use H.264 or H.265"
    )


async def test_hdr_and_reframe_rules(sandbox: Harness, tmp_path: Any, video_4s: bytes) -> None:
    long_1080 = await sandbox.upload(_still_video(1920, 1080, frames=182))
    r = await sandbox.client.post("/v2/video-to-video-hdr", json={"video_uri": long_1080})
    assert r.json()["error"]["message"] == (
        "video_uri: HDR takes at most 181 frames at 1920x1080; the input has 182"
    )
    wide = await sandbox.upload(_still_video(4096, 256, frames=4))
    r = await sandbox.client.post("/v2/video-to-video-hdr", json={"video_uri": wide})
    assert r.json()["error"]["message"] == "video_uri: 4096x256 is larger than 3840x2160"
    four = await sandbox.upload(video_4s)
    r = await sandbox.client.post(
        "/v2/video-to-video-hdr", json={"video_uri": four, "output_colorspace": "rec709"}
    )
    assert "output_colorspace must be one of acescg" in r.json()["error"]["message"]
    body = {"video_uri": four, "model": "ltx-2-3-pro", "resolution": "1280x1280"}
    r = await sandbox.client.post("/v2/video-to-video-reframe", json=body)
    assert r.json()["error"]["message"].startswith(
        "resolution 1280x1280 is not available for reframe; allowed: 720x720"
    )
    body = {**body, "resolution": "720x720", "placement": {"anchor": "middle"}}
    r = await sandbox.client.post("/v2/video-to-video-reframe", json=body)
    assert "placement.anchor must be one of center" in r.json()["error"]["message"]
    body["placement"] = {"x": 0.1, "y": 1.5, "width": 0.5}
    r = await sandbox.client.post("/v2/video-to-video-reframe", json=body)
    assert r.json()["error"]["message"] == "placement.y is a fraction of the frame, 0 to 1, not 1.5"
    body.pop("placement")
    body.pop("model")
    r = await sandbox.client.post("/v2/video-to-video-reframe", json=body)
    assert r.json()["error"]["message"] == "model is required"
    tiny = await sandbox.upload(
        make_video(tmp_path / "tiny.mp4", width=48, height=48, seconds=1).read_bytes()
    )
    r = await sandbox.client.post(
        "/v2/video-to-video-reframe",
        json={"video_uri": tiny, "model": "ltx-2-3-pro", "resolution": "720x720"},
    )
    assert (
        r.json()["error"]["message"] == "video_uri: reframe takes sides of 64 to 4096 px, not 48x48"
    )


def _still_video(width: int, height: int, *, frames: int, fps: int = 24) -> bytes:
    """A clip of one repeated picture: cheap to encode at any size (media_factory draws every
    frame, which costs seconds at 1080p)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        picture = av.VideoFrame.from_ndarray(
            np.full((height, width, 3), 90, dtype=np.uint8), format="rgb24"
        ).reformat(format="yuv420p")
        for i in range(frames):
            picture.pts = i
            out.mux(stream.encode(picture))
        out.mux(stream.encode())
    return buffer.getvalue()
