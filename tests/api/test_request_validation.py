"""Invalid request specs fail before any network call, naming the field (and allowed values)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.request import (
    AudioToVideo,
    Extend,
    GenerationRequest,
    Hdr,
    ImageToVideo,
    InvalidRequest,
    LocalFile,
    MediaFacts,
    Placement,
    Reframe,
    Request,
    Retake,
    TextToVideo,
)
from tests.support.requests import Probed, request_from_body

R = Resolution.parse
DATA_PNG = "data:image/png;base64,iVBORw0KGgo="


def probed(request: Request, kw: dict[str, Any]) -> Any:
    facts = kw.pop("input_media", None)
    return Probed(request, facts) if facts is not None else request


def t2v(**kw: Any) -> TextToVideo:
    fields: dict[str, Any] = {
        "prompt": "a lighthouse at dusk",
        "model": Model.LTX_2_3_PRO,
        "resolution": R("1920x1080"),
        "fps": 24,
        "duration": 6,
    }
    return TextToVideo(**{**fields, **kw})


def i2v(**kw: Any) -> ImageToVideo:
    fields: dict[str, Any] = {
        "prompt": "the boat drifts",
        "model": Model.LTX_2_3_FAST,
        "resolution": R("1280x720"),
        "fps": 25,
        "duration": 8,
        "image_uri": "ltx://uploads/abc",
    }
    return ImageToVideo(**{**fields, **kw})


def a2v(**kw: Any) -> AudioToVideo:
    facts = kw.pop("input_media", None)
    request = AudioToVideo(**{"audio_uri": "ltx://uploads/song", "prompt": "a singer", **kw})
    return probed(request, {"input_media": facts} if facts else {})


def retake(**kw: Any) -> Retake:
    facts = kw.pop("input_media", None)
    request = Retake(**{"video_uri": "ltx://uploads/v", "start_time": 1.0, "duration": 2.0, **kw})
    return probed(request, {"input_media": facts} if facts else {})


def extend(**kw: Any) -> Extend:
    facts = kw.pop("input_media", None)
    request = Extend(**{"video_uri": "ltx://uploads/v", "duration": 4.0, **kw})
    return probed(request, {"input_media": facts} if facts else {})


def reframe(**kw: Any) -> Reframe:
    facts = kw.pop("input_media", None)
    request = Reframe(**{"video_uri": "ltx://uploads/v", "resolution": R("1080x1920"), **kw})
    return probed(request, {"input_media": facts} if facts else {})


def hdr(**kw: Any) -> Any:
    facts = kw.pop("input_media", None)
    return probed(Hdr(**{"video_uri": "ltx://v", **kw}), {"input_media": facts} if facts else {})


def facts(**kw: Any) -> MediaFacts:
    return MediaFacts(**{"duration": 8.0, "width": 1920, "height": 1080, "fps": 24.0, **kw})


CASES: list[tuple[str, Callable[[], GenerationRequest], str, str]] = [
    ("blank prompt", lambda: t2v(prompt="   "), "prompt", "required"),
    ("long prompt", lambda: t2v(prompt="x" * 5001), "prompt", "5001 characters"),
    ("removed model", lambda: t2v(model="ltx-2-pro"), "model", "ltx-2-3-pro"),
    ("unknown model", lambda: t2v(model="ltx-9"), "model", "allowed"),
    ("camera motion", lambda: t2v(camera_motion="zoom"), "camera_motion", "dolly_in"),
    ("auto duration on 2.3", lambda: t2v(duration=None), "duration", "LTX-2.5"),
    (
        "long at 4K",
        lambda: t2v(model=Model.LTX_2_3_FAST, resolution=R("3840x2160"), duration=12),
        "duration",
        "allowed: 2, 3, 4, 5, 6, 8, 10",
    ),
    ("30 fps on 2.5 Pro", lambda: t2v(model=Model.LTX_2_5_PRO, fps=30), "fps", "24, 25, 48, 50"),
    (
        "auto duration with a last frame",
        lambda: i2v(model=Model.LTX_2_5_PRO, duration=None, last_frame_uri="ltx://uploads/l"),
        "duration",
        "cannot be combined with a last frame",
    ),
    ("bool fps", lambda: t2v(fps=True), "fps", "allowed"),
    ("odd resolution", lambda: t2v(resolution=R("1000x1000")), "resolution", "1920x1080"),
    ("resolution text", lambda: t2v(resolution="big"), "resolution", "1920x1080"),
    ("plain http", lambda: i2v(image_uri="http://example.com/cat.png"), "image_uri", "https"),
    (
        "wrong data type",
        lambda: i2v(image_uri="data:text/plain;base64,aGk="),
        "image_uri",
        "image/png",
    ),
    ("data not base64", lambda: i2v(image_uri="data:image/png,abc"), "image_uri", "base64"),
    (
        "huge data URI",
        lambda: i2v(image_uri="data:image/png;base64," + "A" * 7_000_000),
        "image_uri",
        "upload the file",
    ),
    ("a2v needs prompt or image", lambda: a2v(prompt=None), "prompt", "write a prompt"),
    ("a2v fast 2.3", lambda: a2v(model=Model.LTX_2_3_FAST), "model", "ltx-2-3-pro"),
    (
        "a2v odd size on 2.5 Pro",
        lambda: a2v(model=Model.LTX_2_5_PRO, resolution=R("1080x1080")),
        "resolution",
        "2560x1440",
    ),
    ("a2v fps", lambda: a2v(fps=30), "fps", "24, 25, 48, 50"),
    ("a2v camera", lambda: a2v(camera_motion="zoom"), "camera_motion", "dolly_in"),
    (
        "a2v last frame alone",
        lambda: a2v(last_frame_uri="ltx://uploads/l"),
        "last_frame_uri",
        "needs a first-frame image",
    ),
    (
        "a2v audio too long",
        lambda: a2v(input_media=MediaFacts(duration=21.0)),
        "audio_uri",
        "2–20 s",
    ),
    (
        "a2v 2.5 Pro 10 s",
        lambda: a2v(model=Model.LTX_2_5_PRO, input_media=MediaFacts(duration=12.0)),
        "audio_uri",
        "2–10 s",
    ),
    (
        "a2v 4K 10 s",
        lambda: a2v(resolution=R("3840x2160"), input_media=MediaFacts(duration=15.0)),
        "audio_uri",
        "2–10 s",
    ),
    (
        "a2v audio too short",
        lambda: a2v(input_media=MediaFacts(duration=1.5)),
        "audio_uri",
        "1.50 s",
    ),
    (
        "a2v audio data",
        lambda: a2v(audio_uri="data:audio/flac;base64,AAAA"),
        "audio_uri",
        "audio/wav",
    ),
    ("retake short", lambda: retake(duration=1.5), "duration", "at least 2"),
    ("retake negative", lambda: retake(start_time=-1), "start_time", "at least 0"),
    ("retake nan", lambda: retake(start_time=float("nan")), "start_time", "finite"),
    ("retake mode", lambda: retake(mode="replace_all"), "mode", "replace_audio"),
    ("retake 720p", lambda: retake(resolution=R("1280x720")), "resolution", "1920x1080"),
    ("retake fast", lambda: retake(model=Model.LTX_2_5_FAST), "model", "ltx-2-3-pro"),
    (
        "retake few frames",
        lambda: retake(input_media=facts(duration=2.5, frames=60)),
        "video_uri",
        "73",
    ),
    (
        "retake 5K",
        lambda: retake(input_media=facts(width=5120, height=2880)),
        "video_uri",
        "3840x2160",
    ),
    (
        "retake past end",
        lambda: retake(start_time=8.0, input_media=facts()),
        "start_time",
        "past the end",
    ),
    ("extend long", lambda: extend(duration=25), "duration", "between 2 and 20"),
    ("extend context", lambda: extend(context=21), "context", "between 1 and 20"),
    ("extend no context", lambda: extend(context=0), "context", "between 1 and 20"),
    (
        "extend leaves no room for context",
        lambda: extend(duration=20, input_media=facts(fps=25.0)),
        "duration",
        "at least 1 s",
    ),
    ("extend 4:3", lambda: extend(input_media=facts(width=1440, height=1080)), "video_uri", "16:9"),
    (
        "extend frames",
        lambda: extend(duration=8, context=10, input_media=facts(fps=30.0)),
        "context",
        "540 frames",
    ),
    ("extend 2.5", lambda: extend(model=Model.LTX_2_5_PRO), "model", "ltx-2-3-pro"),
    (
        "hdr frames",
        lambda: hdr(input_media=facts(frames=200)),
        "video_uri",
        "181",
    ),
    (
        "hdr 1440p frames",
        lambda: hdr(input_media=facts(width=2560, height=1440, frames=102)),
        "video_uri",
        "101",
    ),
    (
        "hdr over 4K",
        lambda: hdr(input_media=facts(width=4096, height=2160, frames=10)),
        "video_uri",
        "up to 4K",
    ),
    ("reframe size", lambda: reframe(resolution=R("1000x1000")), "resolution", "720x720"),
    (
        "reframe both",
        lambda: reframe(placement=Placement(anchor="top", x=0.1)),
        "placement",
        "not both",
    ),
    ("reframe half box", lambda: reframe(placement=Placement(x=0.1)), "placement", "x and y"),
    (
        "reframe anchor",
        lambda: reframe(placement=Placement(anchor="middle")),
        "placement.anchor",
        "top_left",
    ),
    (
        "reframe box range",
        lambda: reframe(placement=Placement(x=0.1, y=1.5, width=0.5)),
        "placement.y",
        "between 0 and 1",
    ),
    (
        "reframe long",
        lambda: reframe(input_media=facts(duration=61.0, fps=None)),
        "video_uri",
        "60 s",
    ),
    (
        "reframe frames",
        lambda: reframe(input_media=facts(duration=31.0, fps=60.0)),
        "video_uri",
        "1800",
    ),
    ("reframe tiny", lambda: reframe(input_media=facts(width=48)), "video_uri", "64–4096"),
]


@pytest.mark.parametrize(("name", "build", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_invalid_requests_name_the_field(
    name: str, build: Callable[[], GenerationRequest], field: str, words: str
) -> None:
    request = build()
    with pytest.raises(InvalidRequest) as caught:
        request.to_body()
    error = caught.value
    assert field in {p.field for p in error.problems}, error.problems
    assert any(words in p.message for p in error.problems if p.field == field), error.problems
    assert isinstance(error, ValueError)  # what the job engine treats as "never works as is"


@pytest.mark.parametrize("path", ["/home/me/cat.png", "C:\\cat.png", "file:///cat.png"])
def test_a_local_file_is_never_sent_as_it_is(path: str) -> None:
    """A request may hold a local file until the engine uploads it; its body never does."""
    request = i2v(image_uri=path)
    assert isinstance(request.image_uri, LocalFile)
    assert request.problems() == []  # the media layer checks the file before upload
    with pytest.raises(ValueError, match="image_uri still local: upload before sending"):
        request.to_body()


def test_every_problem_is_reported_at_once() -> None:
    request = t2v(prompt="", camera_motion="zoom", generate_audio="yes")
    problems = {p.field for p in request.problems()}
    assert problems == {"prompt", "camera_motion", "generate_audio"}


def test_valid_requests_with_media_facts_pass() -> None:
    retake(input_media=facts(frames=192)).validate()
    extend(context=10.0, input_media=facts()).validate()  # (10 + 4) s × 24 = 336 ≤ 505 frames
    a2v(model=Model.LTX_2_5_PRO, input_media=MediaFacts(duration=10.0)).validate()
    hdr(input_media=facts(frames=181)).validate()
    reframe(placement=Placement(x=0.0, y=0.25, height=0.5)).validate()
    i2v(last_frame_uri=DATA_PNG, image_uri=DATA_PNG).validate()


def test_bodies_send_fps_always_and_optional_fields_only_when_set() -> None:
    assert t2v().to_body() == {
        "prompt": "a lighthouse at dusk",
        "model": "ltx-2-3-pro",
        "duration": 6,
        "fps": 24,
        "resolution": "1920x1080",
        "generate_audio": True,
    }
    assert t2v(model=Model.LTX_2_5_FAST, duration=None).to_body()["duration"] is None
    assert Hdr(video_uri="ltx://v").to_body() == {"video_uri": "ltx://v"}
    assert retake(prompt="").to_body().get("prompt") is None


def test_from_body_reports_unknown_and_missing_fields() -> None:
    with pytest.raises(InvalidRequest) as caught:
        request_from_body("text-to-video", {"prompt": "p", "model": "ltx-2-3-pro", "seed": 4})
    fields = {p.field for p in caught.value.problems}
    assert {"seed", "resolution", "duration"} <= fields
    with pytest.raises(InvalidRequest) as caught:
        request_from_body("image-to-image", {})
    assert caught.value.field == "endpoint"
    assert "text-to-video" in caught.value.allowed
    with pytest.raises(InvalidRequest) as caught:
        request_from_body(
            "video-to-video-reframe",
            {"video_uri": "ltx://v", "resolution": "720x720", "placement": {"z": 1}},
        )
    assert caught.value.field == "placement"
    with pytest.raises(InvalidRequest) as caught:  # contract §3: reframe has no model
        request_from_body(
            "video-to-video-reframe",
            {"video_uri": "ltx://v", "model": "x", "resolution": "720x720"},
        )
    assert caught.value.field == "model"


def test_from_body_takes_media_facts_where_there_is_media() -> None:
    body = {"video_uri": "ltx://v", "duration": 4.0}
    with pytest.raises(InvalidRequest) as caught:
        request_from_body("extend", body, facts=facts(width=1440, height=1080))
    assert caught.value.field == "video_uri"
    assert (
        request_from_body(
            "text-to-video",
            {"prompt": "p", "model": "ltx-2-3-pro", "duration": 6, "resolution": "1920x1080"},
        ).to_body()["fps"]
        == catalog.DEFAULT_FPS
    )
