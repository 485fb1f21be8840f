"""Validation tables: each rule of API-NOTES §3/§4.3/§7 → its status, error type and message."""

from __future__ import annotations

import io
import tempfile
from decimal import Decimal
from pathlib import Path
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
        "model 'ltx-2-pro' was removed on 2026-08-16; use 'ltx-2-3-pro' instead",
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
        "2.5 Pro at 4K stops at 10 s",
        {"model": "ltx-2-5-pro", "resolution": "3840x2160", "fps": 48, "duration": 12},
        "duration 12 s is not available for ltx-2-5-pro at 3840x2160 48 fps",
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


async def test_the_2_5_pro_matrix_includes_1440p_4k_and_48_fps(sandbox: Harness) -> None:
    """Contract §2: since 2026-09-02 LTX-2.5 Pro has the 2.3 Pro matrix."""
    sandbox.sandbox.ledger.balance_usd *= 0
    for resolution in ("2560x1440", "1440x2560", "3840x2160", "2160x3840"):
        for fps in (24, 25, 48, 50):
            body = {**T2V_720, "model": "ltx-2-5-pro", "resolution": resolution, "fps": fps}
            r = await sandbox.client.post("/v2/text-to-video", json={**body, "duration": 10})
            assert r.status_code == 402, (resolution, fps, r.text)


async def test_prompts_are_at_most_5000_characters_in_every_schema(
    sandbox: Harness, video_4s: bytes, audio_m4a: bytes, image_png: bytes
) -> None:
    sandbox.sandbox.ledger.balance_usd *= 0
    video = await sandbox.upload(video_4s)
    audio = await sandbox.upload(audio_m4a, "audio/mp4")
    image = data_uri(image_png, "image/png")
    bodies = {
        "text-to-video": dict(T2V_720),
        "image-to-video": {**T2V_720, "image_uri": image},
        "audio-to-video": {"audio_uri": audio},
        "retake": {"video_uri": video, "start_time": 0, "duration": 2},
        "extend": {"video_uri": video, "duration": 2},
    }
    for endpoint, body in bodies.items():
        r = await sandbox.client.post(f"/v2/{endpoint}", json={**body, "prompt": "p" * 5000})
        assert r.status_code == 402, (endpoint, r.text)  # admitted: the limit is inclusive
        r = await sandbox.client.post(f"/v2/{endpoint}", json={**body, "prompt": "p" * 5001})
        assert (r.status_code, r.json()["error"]["message"]) == (
            400,
            "prompt is 5001 characters long; the limit is 5000",
        ), endpoint


async def test_automatic_duration_cannot_aim_at_a_last_frame(
    sandbox: Harness, image_png: bytes
) -> None:
    image = data_uri(image_png, "image/png")
    body = {**T2V_720, "model": "ltx-2-5-fast", "duration": None, "image_uri": image}
    sandbox.sandbox.ledger.balance_usd *= 0
    assert (await sandbox.client.post("/v2/image-to-video", json=body)).status_code == 402
    r = await sandbox.client.post("/v2/image-to-video", json={**body, "last_frame_uri": image})
    assert (r.status_code, r.json()["error"]["message"]) == (
        400,
        "duration null (automatic) cannot be combined with last_frame_uri",
    )
    body = {**body, "duration": 6, "last_frame_uri": image}
    assert (await sandbox.client.post("/v2/image-to-video", json=body)).status_code == 402


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
    assert (await a2v({"audio_uri": good, "prompt": "x", "model": "ltx-2-3-fast"}))[1] == (
        "model 'ltx-2-3-fast' is not available for audio-to-video; "
        "allowed: ltx-2-3-pro, ltx-2-5-fast, ltx-2-5-pro"
    )
    message = (await a2v({"audio_uri": good, "prompt": "x", "resolution": "1000x1000"}))[1]
    assert message.startswith(
        "resolution 1000x1000 is not available for audio-to-video with ltx-2-3-pro; "
        "allowed: 1280x720, 720x1280, 1920x1080"
    )
    sandbox.sandbox.ledger.balance_usd *= 0
    assert (await a2v({"audio_uri": good, "image_uri": data_uri(image_png, "image/png")}))[0] == 402


async def test_audio_to_video_fields_of_2026_08_19(sandbox: Harness, image_png: bytes) -> None:
    """Contract §3: `fps` (default 24), `last_frame_uri` (needs `image_uri`) and `camera_motion`
    are new; `guidance_scale` is no longer a field."""
    sandbox.sandbox.ledger.balance_usd *= 0  # admitted requests answer 402
    audio = data_uri(make_audio_bytes(3.0), "audio/mp4")
    image = data_uri(image_png, "image/png")

    async def a2v(**fields: Any) -> tuple[int, str]:
        r = await sandbox.client.post(
            "/v2/audio-to-video", json={"audio_uri": audio, "prompt": "x", **fields}
        )
        return r.status_code, r.json()["error"]["message"]

    for fps in (24, 25, 48, 50):
        assert (await a2v(fps=fps))[0] == 402, fps
    assert await a2v(fps=30) == (
        400,
        "fps 30 is not available for audio-to-video; allowed: 24, 25, 48, 50",
    )
    assert await a2v(fps=24.5) == (400, "fps must be a whole number, not 24.5")
    assert await a2v(last_frame_uri=image) == (
        400,
        "last_frame_uri needs image_uri (the first frame) as well",
    )
    assert (await a2v(image_uri=image, last_frame_uri=image))[0] == 402
    for motion in ("dolly_in", "static", "focus_shift"):
        assert (await a2v(camera_motion=motion))[0] == 402
    status, message = await a2v(camera_motion="spin")
    assert (status, message.startswith("camera_motion must be one of dolly_in")) == (400, True)
    for guidance in (3.5, None):
        assert await a2v(guidance_scale=guidance) == (
            400,
            "guidance_scale is not a field of audio-to-video (it was removed on 2026-08-19); "
            "do not send it",
        )


@pytest.mark.parametrize(
    ("model", "resolution", "seconds", "admitted"),
    [
        # Contract §3: 2.5 Fast and 2.3 Pro take 20 s at 720p/1080p, 10 s at 1440p/4K; 2.5 Pro
        # 10 s at every tier (and 2.5 Pro has every tier).
        ("ltx-2-5-fast", "1920x1080", 12, True),
        ("ltx-2-5-fast", "2560x1440", 12, False),
        ("ltx-2-5-fast", "3840x2160", 10, True),
        ("ltx-2-3-pro", "1080x1920", 12, True),
        ("ltx-2-3-pro", "2160x3840", 12, False),
        ("ltx-2-5-pro", "1280x720", 12, False),
        ("ltx-2-5-pro", "2560x1440", 10, True),
        ("ltx-2-5-pro", "3840x2160", 10, True),
        ("ltx-2-5-pro", "3840x2160", 12, False),
    ],
)
async def test_audio_caps_per_model_and_tier(
    sandbox: Harness, model: str, resolution: str, seconds: int, admitted: bool
) -> None:
    sandbox.sandbox.ledger.balance_usd *= 0
    audio = data_uri(make_audio_bytes(seconds), "audio/mp4")
    body = {"audio_uri": audio, "prompt": "x", "model": model, "resolution": resolution}
    r = await sandbox.client.post("/v2/audio-to-video", json=body)
    if admitted:
        assert r.status_code == 402, r.text
        return
    assert r.status_code == 400
    longest = 10
    assert r.json()["error"]["message"].startswith(
        f"audio_uri: {model} takes at most {longest} s of audio at {resolution}"
    )


_AUDIO: dict[float, bytes] = {}


def make_audio_bytes(seconds: float) -> bytes:
    """AAC-LC audio of this length (made once per length)."""
    if seconds not in _AUDIO:
        with tempfile.TemporaryDirectory() as tmp:
            path = make_audio(Path(tmp) / "a.m4a", seconds=seconds)
            _AUDIO[seconds] = path.read_bytes()
    return _AUDIO[seconds]


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
        "context must be between 1 and 20 seconds, not 25"
    )
    # Contract §3: 1 ≤ context ≤ 20; 0 is invalid (API-NOTES allowed it).
    for context in (0, 0.5):
        assert await post("extend", {"video_uri": four, "duration": 2, "context": context}) == (
            f"context must be between 1 and 20 seconds, not {context:g}"
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
    body = {"video_uri": four, "resolution": "1280x1280"}
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
    tiny = await sandbox.upload(
        make_video(tmp_path / "tiny.mp4", width=48, height=48, seconds=1).read_bytes()
    )
    r = await sandbox.client.post(
        "/v2/video-to-video-reframe",
        json={"video_uri": tiny, "resolution": "720x720"},
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


async def test_reframe_ignores_a_model_if_sent(sandbox: Harness, video_4s: bytes) -> None:
    """Contract §3 (2026-09-23): reframe needs no model, and one sent is ignored, not refused."""
    four = await sandbox.upload(video_4s)
    sandbox.sandbox.ledger.balance_usd *= 0
    body = {"video_uri": four, "resolution": "720x1280"}
    messages = set()
    for model in (None, "ltx-2-3-pro", "ltx-2-5-fast", "ltx-2-pro", "no-such-model", 7):
        sent = body if model is None else {**body, "model": model}
        r = await sandbox.client.post("/v2/video-to-video-reframe", json=sent)
        assert r.status_code == 402, (model, r.text)
        messages.add(r.json()["error"]["message"])
    assert messages == {"Insufficient funds. Required: 40 credits"}  # the model changes nothing


async def test_extend_context_and_its_frame_budget(sandbox: Harness, tmp_path: Path) -> None:
    sandbox.sandbox.ledger.balance_usd *= 0
    video = await sandbox.upload(
        make_video(tmp_path / "25.mp4", fps=25, seconds=3.2, audio=None).read_bytes()
    )

    async def extend(**fields: Any) -> tuple[int, str]:
        r = await sandbox.client.post("/v2/extend", json={"video_uri": video, **fields})
        return r.status_code, r.json()["error"]["message"]

    assert (await extend(duration=2, context=1))[0] == 402
    assert (await extend(duration=2, context=1.0))[0] == 402
    assert (await extend(duration=18, context=2))[0] == 402  # (18 + 2) × 25 = 500 frames
    assert await extend(duration=19, context=2) == (
        400,
        "context + duration is 525 frames at 25 fps; the limit is 505 frames",
    )
    # Without a context, as much as fits, but never under the 1 s minimum: 20 s at 25 fps
    # leaves room for 0.2 s, so the request cannot be served.
    assert await extend(duration=20) == (
        400,
        "context + duration is 525 frames at 25 fps; the limit is 505 frames",
    )


async def test_input_byte_caps_apply_at_generation_whatever_the_transport(
    sandbox: Harness, monkeypatch: pytest.MonkeyPatch, video_4s: bytes, image_png: bytes
) -> None:
    """Contract §4: an upload slot takes 200 MB, but an image may be 15 MB, an extend input
    100 MB and a reframe input 200 MB when a generation names it."""
    from ltxstudio.core.catalog import MB, Endpoint
    from ltxstudio.sandbox import admission

    sandbox.sandbox.ledger.balance_usd *= 0
    at_cap = await sandbox.upload(b"\0" * (15 * MB), "image/png")
    r = await sandbox.client.post("/v2/image-to-video", json={**T2V_720, "image_uri": at_cap})
    assert r.json()["error"]["message"] == "image_uri: not a readable image"  # past the cap check
    over = await sandbox.upload(b"\0" * (15 * MB + 1), "image/png")
    good = data_uri(image_png, "image/png")
    for field in ("image_uri", "last_frame_uri"):
        body = {**T2V_720, "image_uri": good, field: over}
        r = await sandbox.client.post("/v2/image-to-video", json=body)
        assert (r.status_code, r.json()["error"]["message"]) == (
            400,
            f"{field}: the file is 15000001 bytes; an image may be at most 15 MB (15000000 bytes)",
        )
    big = await sandbox.upload(video_4s + b"\0" * (100 * MB + 1 - len(video_4s)))
    r = await sandbox.client.post("/v2/extend", json={"video_uri": big, "duration": 2})
    assert (r.status_code, r.json()["error"]["message"]) == (
        400,
        "video_uri: the file is 100000001 bytes; extend input video may be at most 100 MB "
        "(100000000 bytes)",
    )
    # A 200 MB reframe input would cost this test 600 MB of memory: prove the rule on a smaller
    # cap, and that the cap the sandbox holds is the catalog's.
    assert admission.VIDEO_MAX_BYTES == {Endpoint.EXTEND: 100 * MB, Endpoint.REFRAME: 200 * MB}
    monkeypatch.setitem(admission.VIDEO_MAX_BYTES, Endpoint.REFRAME, len(video_4s) - 1)
    four = await sandbox.upload(video_4s)
    r = await sandbox.client.post(
        "/v2/video-to-video-reframe", json={"video_uri": four, "resolution": "720x720"}
    )
    assert r.status_code == 400
    assert "video-to-video-reframe input video may be at most" in r.json()["error"]["message"]
    assert (
        await sandbox.client.post(
            "/v2/retake", json={"video_uri": four, "start_time": 0, "duration": 2}
        )
    ).status_code == 402  # retake has no cap of its own beyond its transport
