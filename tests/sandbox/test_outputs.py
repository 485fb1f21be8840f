"""Outputs match their requests: size, fps, frame count, audio, and the picture itself."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from tests.sandbox.conftest import T2V_720, Harness, data_uri
from tests.support.frames import decode as frames
from tests.support.frames import mean_diff as diff
from tests.support.media_factory import frame_picture, make_image, read_frame_index

pytestmark = pytest.mark.asyncio


def probe(data: bytes) -> dict[str, Any]:
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        return {
            "format": container.format.name,
            "size": (video.codec_context.width, video.codec_context.height),
            "codec": video.codec_context.name,
            "fps": float(video.average_rate or 0),
            "frames": video.frames,
            "duration": float(video.duration * video.time_base) if video.duration else 0.0,
            "audio": (audio.codec_context.name, audio.codec_context.profile) if audio else None,
        }


def audio_track(data: bytes) -> np.ndarray:
    with av.open(io.BytesIO(data)) as container:
        chunks = [f.to_ndarray() for f in container.decode(audio=0)]
    return np.concatenate(chunks, axis=1).mean(axis=0)


@pytest.mark.parametrize(
    ("resolution", "fps", "duration", "audio"),
    [("1280x720", 24, 2, True), ("720x1280", 50, 3, False), ("1280x720", 25, 2, False)],
)
async def test_text_to_video_matches_the_request(
    sandbox: Harness, resolution: str, fps: int, duration: int, audio: bool
) -> None:
    body = {**T2V_720, "resolution": resolution, "fps": fps, "duration": duration}
    info = probe(await sandbox.generate("text-to-video", {**body, "generate_audio": audio}))
    width, height = map(int, resolution.split("x"))
    assert info["format"].startswith("mov,mp4")
    assert (info["size"], info["codec"], info["fps"]) == ((width, height), "h264", fps)
    assert info["frames"] == duration * fps
    assert info["duration"] == pytest.approx(duration, abs=1e-6)
    assert info["audio"] == (("aac", "LC") if audio else None)


async def test_the_prompt_seeds_the_picture(sandbox: Harness) -> None:
    a = frames(await sandbox.generate("text-to-video", {**T2V_720, "prompt": "red desert"}))
    b = frames(await sandbox.generate("text-to-video", {**T2V_720, "prompt": "blue ocean"}))
    again = frames(await sandbox.generate("text-to-video", {**T2V_720, "prompt": "red desert"}))
    assert diff(a[0], b[0]) > 20
    assert diff(a[0], again[0]) == 0  # deterministic (and served from the render cache)
    assert diff(a[0], a[-1]) > 1  # the picture moves


async def test_image_to_video_starts_from_the_image_and_moves(
    sandbox: Harness, image_png: bytes
) -> None:
    image = frame_picture(7, 1280, 720)
    body = {**T2V_720, "image_uri": data_uri(image_png, "image/png"), "generate_audio": False}
    still = frames(await sandbox.generate("image-to-video", {**body, "camera_motion": "static"}))
    dolly = frames(await sandbox.generate("image-to-video", {**body, "camera_motion": "dolly_in"}))
    centre = (slice(200, 520), slice(200, 1080))  # clear of the caption and the timecode
    for clip in (still, dolly):
        assert diff(clip[0][centre], image[centre]) < 6
        assert read_frame_index(clip[0]) == 7
    assert diff(still[-1][centre], image[centre]) < 6
    # dolly_in ends on the middle 80 % of the picture, enlarged to the frame.
    zoomed = np.asarray(
        Image.fromarray(image).resize(
            (1280, 720), Image.Resampling.BILINEAR, box=(128, 72, 1152, 648)
        )
    )
    assert diff(dolly[-1][centre], zoomed[centre]) * 2 < diff(dolly[-1][centre], image[centre])


async def test_audio_to_video_uses_the_given_audio(sandbox: Harness, audio_m4a: bytes) -> None:
    body = {
        "audio_uri": data_uri(audio_m4a, "audio/mp4"),
        "prompt": "a tone",
        "resolution": "1280x720",
    }
    out = await sandbox.generate("audio-to-video", body)
    info = probe(out)
    # Contract §3: fps defaults to 24 since 2026-08-19 (it was always 25): 3 s at 24 fps.
    assert (info["fps"], info["frames"], info["size"]) == (24, 72, (1280, 720))
    track = audio_track(out)
    spectrum = np.abs(np.fft.rfft(track[:48_000]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)  # 1 s window: bins are 1 Hz


async def test_audio_to_video_renders_the_asked_fps_from_the_images(
    sandbox: Harness, audio_m4a: bytes, tmp_path: Any
) -> None:
    """`fps`, `camera_motion` and `last_frame_uri` shape the picture; with no `resolution` the
    size follows the image's orientation (contract §3)."""
    first = make_image(tmp_path / "first.png", width=360, height=640, index=3).read_bytes()
    last = make_image(tmp_path / "last.png", width=360, height=640, index=9).read_bytes()
    body = {
        "audio_uri": data_uri(audio_m4a, "audio/mp4"),
        "image_uri": data_uri(first, "image/png"),
        "last_frame_uri": data_uri(last, "image/png"),
        "camera_motion": "static",
        "fps": 50,
        "model": "ltx-2-5-fast",
    }
    out = await sandbox.generate("audio-to-video", body)
    info = probe(out)
    assert (info["fps"], info["frames"], info["size"]) == (50, 150, (1080, 1920))
    clip = frames(out)
    assert read_frame_index(clip[0]) == 3
    assert read_frame_index(clip[-1]) == 9  # it crossfades to the last frame


async def test_retake_changes_exactly_the_window(sandbox: Harness, video_4s: bytes) -> None:
    uri = await sandbox.upload(video_4s)
    body = {"video_uri": uri, "start_time": 1.0, "duration": 2.0, "prompt": "a storm"}
    out = await sandbox.generate("retake", body)
    info = probe(out)
    assert (info["size"], info["frames"], info["fps"]) == ((1920, 1080), 96, 24)
    source = frames(video_4s)
    result = frames(out, size=(320, 180))
    inside = range(24, 72)
    for i, (before, after) in enumerate(zip(source, result, strict=True)):
        if i in inside:
            assert diff(before, after) > 25, i
        else:
            assert diff(before, after) < 4, i
            assert read_frame_index(after) == i


@pytest.mark.parametrize("mode", ["end", "start"])
async def test_extend_adds_the_seconds_at_the_chosen_end(
    sandbox: Harness, video_4s: bytes, mode: str
) -> None:
    uri = await sandbox.upload(video_4s)
    out = await sandbox.generate("extend", {"video_uri": uri, "duration": 2, "mode": mode})
    info = probe(out)
    assert (info["size"], info["frames"], info["fps"]) == ((320, 180), 96 + 48, 24)
    assert info["duration"] == pytest.approx(6.0, abs=1e-6)
    assert info["audio"] == ("aac", "LC")
    result = frames(out)
    kept = result[:96] if mode == "end" else result[48:]
    assert [read_frame_index(f) for f in kept] == list(range(96))
    new = result[96:] if mode == "end" else result[:48]
    boundary = kept[-1] if mode == "end" else kept[0]
    seam = new[0] if mode == "end" else new[-1]
    assert diff(seam[40:140, 60:260], boundary[40:140, 60:260]) < 25  # it continues the shot


async def test_hdr_returns_a_zip_of_exr_frames(sandbox: Harness, video_4s: bytes) -> None:
    uri = await sandbox.upload(video_4s)
    job = (await sandbox.client.post("/v2/video-to-video-hdr", json={"video_uri": uri})).json()
    done = await sandbox.finish("video-to-video-hdr", job["id"])
    assert set(done["result"]) == {"exr_frames_url"}
    archive = zipfile.ZipFile(io.BytesIO(await sandbox.download(done["result"]["exr_frames_url"])))
    names = archive.namelist()
    assert len(names) == 96
    assert names[0] == "frame_000000.exr"
    first = archive.read(names[0])
    assert first[:4] == b"\x76\x2f\x31\x01"  # OpenEXR magic
    codec = av.CodecContext.create("exr", "r")
    decoded = codec.decode(av.Packet(first))
    assert (decoded[0].width, decoded[0].height) == (320, 180)


async def test_reframe_returns_the_new_aspect(sandbox: Harness, video_4s: bytes) -> None:
    uri = await sandbox.upload(video_4s)
    body = {"video_uri": uri, "resolution": "720x1280"}  # reframe takes no model
    job = (await sandbox.client.post("/v2/video-to-video-reframe", json=body)).json()
    done = await sandbox.finish("video-to-video-reframe", job["id"])
    out = await sandbox.download(done["result"]["video_url"])
    info = probe(out)
    assert (info["size"], info["frames"], info["fps"]) == ((720, 1280), 96, 24)
    assert info["audio"] == ("aac", "LC")
    first = frames(out)[0]
    band = first[504:776]  # the 16:9 input, fitted to 720 wide and centred: 405 px tall
    assert read_frame_index(band) == 0


async def test_retake_replace_audio_keeps_the_picture(sandbox: Harness, video_4s: bytes) -> None:
    uri = await sandbox.upload(video_4s)
    body = {"video_uri": uri, "start_time": 1.0, "duration": 2.0, "mode": "replace_audio"}
    out = await sandbox.generate("retake", {**body, "prompt": "thunder"})
    result = frames(out, size=(320, 180))
    assert [read_frame_index(f) for f in result] == list(range(96))
    source, track = audio_track(video_4s), audio_track(out)
    outside, inside = slice(0, 40_000), slice(60_000, 130_000)  # 48 kHz: window is 48k-144k
    assert np.abs(source[outside] - track[outside]).mean() < 0.02
    assert np.abs(source[inside] - track[inside]).mean() > 0.1
