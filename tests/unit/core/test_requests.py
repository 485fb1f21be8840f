from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.pricing import estimate_usd
from ltxstudio.core.request import (
    Extend,
    Hdr,
    LocalFile,
    MediaFacts,
    Reframe,
    RemoteUri,
    Request,
    Retake,
)
from ltxstudio.session.forms import Mode, generation_request
from tests.support.openapi_contract import request_schema

R = Resolution.parse


def fields(req: Any) -> set[str]:
    return {p.field for p in req.problems()}


def test_text_request_body_matches_the_official_schema(contract_openapi: dict[str, Any]) -> None:
    req = generation_request(
        Mode.TEXT, "A fox runs.", Model.LTX_2_3_PRO, R("1920x1080"), 24, 8, camera_motion="dolly_in"
    )
    assert req.problems() == []
    request_schema(contract_openapi, "/v2/text-to-video").validate(req.to_body())
    assert estimate_usd(req.cost_basis()) == Decimal("0.64")


@pytest.mark.parametrize(
    ("req", "field", "words"),
    [
        (generation_request(Mode.TEXT, "  "), "prompt", "must not be blank"),
        (generation_request(Mode.TEXT, "x" * 5001), "prompt", "5001 characters"),
        (
            generation_request(Mode.TEXT, "x", Model.LTX_2_3_PRO, R("1920x1080"), 24, 12),
            "duration",
            "allowed: 2, 3",
        ),
        (
            generation_request(Mode.TEXT, "x", Model.LTX_2_5_PRO, R("3000x2000")),
            "resolution",
            "not available",
        ),
        (
            generation_request(
                Mode.IMAGE, "x", Model.LTX_2_5_PRO, duration=None, image="i.png", last_frame="l.png"
            ),
            "duration",
            "cannot be combined with a last frame",
        ),
        (
            generation_request(Mode.AUDIO, "x", audio="a.m4a", last_frame="l.png", resolution=None),
            "last_frame_uri",
            "needs a first-frame image",
        ),
        (
            generation_request(Mode.AUDIO, "x", audio="a.m4a", fps=30, resolution=None),
            "fps",
            "allowed: 24, 25, 48, 50",
        ),
        (Extend(video_uri="v.mp4", duration=4, context=0.5), "context", "between 1 and 20"),
        (
            generation_request(Mode.TEXT, "x", Model.LTX_2_3_PRO, R("1920x1080"), 48, None),
            "duration",
            "LTX-2.5",
        ),
        (generation_request(Mode.IMAGE, "x"), "image_uri", "first-frame image"),
        (
            generation_request(Mode.AUDIO, "x", Model.LTX_2_3_FAST, audio="a.m4a"),
            "model",
            "allowed",
        ),
        (generation_request(Mode.AUDIO, "", audio="a.m4a"), "prompt", "prompt or give an image"),
        (
            Retake(video_uri="v.mp4", start_time=1.0, duration=1.2),
            "duration",
            "is 1.2; it must be at least 2",
        ),
        (Extend(video_uri="v.mp4", duration=25), "duration", "between 2 and 20"),
        (Reframe(video_uri="v.mp4", resolution=R("1000x1000")), "resolution", "1080x1080"),
    ],
)
def test_problems_name_the_field_and_say_why(req: Any, field: str, words: str) -> None:
    problems = [p for p in req.problems() if p.field == field]
    assert problems, req.problems()
    assert words in problems[0].message


def test_media_facts_sharpen_the_checks_and_the_price() -> None:
    facts = MediaFacts(duration=8.0, width=1920, height=1080, fps=24, frames=192)
    req = Extend(video_uri="v.mp4", duration=10, context=15)
    assert {p.field for p in req.problems(facts)} == {"context"}  # 600 frames > 505
    ok = Extend(video_uri="v.mp4", duration=4)
    assert ok.problems(facts) == []
    assert ok.media() == {"video_uri": LocalFile(str(Path("v.mp4").absolute()))}
    # the default context is as much as fits in 505 frames (17.04 s here) but never more than
    # the 8 s input holds: (4 + 8) s at $0.10
    assert estimate_usd(ok.cost_basis(facts)) == Decimal("1.20")
    short = MediaFacts(duration=2.5, fps=24, width=1920, height=1080)
    assert "at least 73" in str(
        Retake(video_uri="v.mp4", start_time=0, duration=2).problems(short)[0]
    )
    # retake is billed on the whole input, A2V on the audio's length
    assert estimate_usd(
        Retake(video_uri="v.mp4", start_time=2, duration=2).cost_basis(facts)
    ) == Decimal("0.80")
    audio = generation_request(Mode.AUDIO, "a song", audio="a.m4a", resolution=None)
    assert estimate_usd(audio.cost_basis(MediaFacts(duration=7.5))) == Decimal("0.75")
    assert "1.40 s" in str(audio.problems(MediaFacts(duration=1.4))[0])


def test_every_edit_body_validates(contract_openapi: dict[str, Any]) -> None:
    cases = [
        (
            "/v2/retake",
            Retake(
                video_uri="v",
                start_time=2.0,
                duration=2.0,
                prompt="rain starts",
                resolution=R("1080x1920"),
            ),
        ),
        (
            "/v2/extend",
            Extend(video_uri="v", duration=4.0, mode="start", context=3.0, prompt="the sun rises"),
        ),
        ("/v2/video-to-video-hdr", Hdr(video_uri="v")),
        ("/v2/video-to-video-reframe", Reframe(video_uri="v", resolution=R("1080x1350"))),
        (
            "/v2/audio-to-video",
            generation_request(Mode.AUDIO, "", image="i.png", audio="a.m4a", resolution=None),
        ),
        (
            "/v2/audio-to-video",
            generation_request(
                Mode.AUDIO,
                "a duet",
                Model.LTX_2_5_PRO,
                R("2160x3840"),
                48,
                camera_motion="jib_up",
                image="i.png",
                last_frame="l.png",
                audio="a.m4a",
            ),
        ),
        (
            "/v2/image-to-video",
            generation_request(Mode.IMAGE, "p", image="i.png", last_frame="l.png"),
        ),
    ]
    for path, req in cases:
        assert req.problems() == [], (path, req.problems())
        request_schema(contract_openapi, path).validate(uploaded(req).to_body())
    reframe = Reframe(video_uri="https://example.com/v", resolution=R("1080x1350"))
    assert "model" not in reframe.to_body()  # contract §3


def uploaded(req: Request) -> Request:
    return req.with_media(dict.fromkeys(req.media(), RemoteUri("https://example.com/x")))
