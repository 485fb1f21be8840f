from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.pricing import estimate_usd
from ltxstudio.session.requests import (
    ExtendRequest,
    GenerateRequest,
    HdrRequest,
    Mode,
    ReframeRequest,
    RetakeRequest,
)
from tests.support.openapi_contract import request_schema

R = Resolution.parse


def fields(req: Any) -> set[str]:
    return {p.field for p in req.problems()}


def test_text_request_body_matches_the_official_schema(openapi: dict[str, Any]) -> None:
    req = GenerateRequest(
        Mode.TEXT, "A fox runs.", Model.LTX_2_3_PRO, R("1920x1080"), 24, 8, camera_motion="dolly_in"
    )
    assert req.problems() == []
    request_schema(openapi, "/v2/text-to-video").validate(req.params())
    assert estimate_usd(req.cost_basis()) == Decimal("0.64")


@pytest.mark.parametrize(
    ("req", "field", "words"),
    [
        (GenerateRequest(Mode.TEXT, "  ", Model.LTX_2_3_PRO), "prompt", "empty"),
        (GenerateRequest(Mode.TEXT, "x" * 5001), "prompt", "5,001 characters"),
        (
            GenerateRequest(Mode.TEXT, "x", Model.LTX_2_3_PRO, R("1920x1080"), 24, 12),
            "duration",
            "allowed: 2, 3",
        ),
        (
            GenerateRequest(Mode.TEXT, "x", Model.LTX_2_5_PRO, R("3840x2160")),
            "resolution",
            "not available",
        ),
        (
            GenerateRequest(Mode.TEXT, "x", Model.LTX_2_3_PRO, R("1920x1080"), 48, None),
            "duration",
            "LTX-2.5",
        ),
        (GenerateRequest(Mode.IMAGE, "x"), "image", "first-frame image"),
        (GenerateRequest(Mode.AUDIO, "x", Model.LTX_2_3_FAST, audio="a.m4a"), "model", "allowed"),
        (
            GenerateRequest(Mode.AUDIO, "x", Model.LTX_2_5_PRO, R("2560x1440"), audio="a.m4a"),
            "resolution",
            "audio-to-video",
        ),
        (RetakeRequest("v.mp4", 1.0, 1.2), "duration", "1.20 s; a retake needs at least 2 s"),
        (ExtendRequest("v.mp4", 25), "duration", "2–20 s"),
        (ReframeRequest("v.mp4", R("1000x1000")), "resolution", "reframe to one of"),
        (HdrRequest("v.mp4", "rec709"), "output_colorspace", "acescg"),
    ],
)
def test_problems_name_the_field_and_say_why(req: Any, field: str, words: str) -> None:
    problems = [p for p in req.problems() if p.field == field]
    assert problems, req.problems()
    assert words in problems[0].message


def test_extend_frame_budget_and_pricing() -> None:
    req = ExtendRequest("v.mp4", 10, context=15)
    assert {p.field for p in req.problems(input_fps=24)} == {"context"}  # 600 frames > 505
    ok = ExtendRequest("v.mp4", 4)
    assert ok.problems(input_fps=24) == []
    assert ok.media() == {"video_uri": "v.mp4"}
    # default context fills 505 frames: (96 + 409) / 24 s at $0.10
    assert estimate_usd(ok.cost_basis(input_fps=24)) == Decimal("2.1042")


def test_every_edit_body_validates(openapi: dict[str, Any]) -> None:
    cases = [
        (
            "/v2/retake",
            RetakeRequest("v", 2.0, 2.0, prompt="rain starts", resolution=R("1080x1920")),
        ),
        ("/v2/extend", ExtendRequest("v", 4.0, "start", 3.0, "the sun rises")),
        ("/v2/video-to-video-hdr", HdrRequest("v")),
        ("/v2/video-to-video-reframe", ReframeRequest("v", R("1080x1350"))),
        (
            "/v2/audio-to-video",
            GenerateRequest(Mode.AUDIO, "", image="i.png", audio="a.m4a", resolution=None),
        ),
        ("/v2/image-to-video", GenerateRequest(Mode.IMAGE, "p", image="i.png", last_frame="l.png")),
    ]
    for path, req in cases:
        assert req.problems() == [], (path, req.problems())
        body = {**req.params(), **dict.fromkeys(req.media(), "https://example.com/x")}
        request_schema(openapi, path).validate(body)
