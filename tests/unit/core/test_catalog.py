from __future__ import annotations

from typing import Any

import pytest

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, Model, Resolution, Tier


def _enum(openapi: dict[str, Any], name: str) -> list[str]:
    values: list[str] = openapi["components"]["schemas"][name]["enum"]
    return values


def test_endpoints_match_the_openapi_poll_enum(openapi: dict[str, Any]) -> None:
    assert [e.value for e in Endpoint] == _enum(openapi, "V2EndpointIdGetParametersEndpoint")


def test_every_v2_route_and_each_retired_v1_route_is_in_the_july_export(
    openapi: dict[str, Any],
) -> None:
    paths = set(openapi["paths"])
    assert {f"/v2/{e}" for e in catalog.V2_ENDPOINTS} <= paths
    # The export predates the retirement (CONTRACT-2026-09 §1): these are the five it lists.
    assert {f"/v1/{e}" for e in catalog.RETIRED_V1_ENDPOINTS} <= paths
    assert "/v1/video-to-video-hdr" not in paths  # HDR and reframe were always v2-only
    assert "/v1/upload" in paths  # not retired


def test_enums_match_openapi(openapi: dict[str, Any]) -> None:
    assert set(catalog.CAMERA_MOTIONS) == set(_enum(openapi, "TextToVideoRequestCameraMotion"))
    assert set(catalog.RETAKE_MODES) == set(_enum(openapi, "EditVideoRequestMode"))
    assert set(catalog.EXTEND_MODES) == set(_enum(openapi, "ExtendVideoRequestMode"))
    reframe = _enum(openapi, "VideoToVideoReframeRequestResolution")
    assert [str(r) for r in catalog.REFRAME_RESOLUTIONS] == reframe
    assert [str(r) for r in catalog.RETAKE_RESOLUTIONS] == _enum(
        openapi, "EditVideoRequestResolution"
    )


def test_oas_models_are_current_or_removed_with_a_successor(openapi: dict[str, Any]) -> None:
    for name in _enum(openapi, "TextToVideoRequestModel"):
        assert name in {m.value for m in Model} or name in catalog.REMOVED_MODELS


@pytest.mark.parametrize(
    ("model", "res", "fps", "duration"),
    [
        (Model.LTX_2_3_FAST, "1920x1080", 24, 20),
        (Model.LTX_2_5_FAST, "720x1280", 25, 12),
        (Model.LTX_2_3_PRO, "3840x2160", 50, 10),
        (Model.LTX_2_3_PRO, "1280x720", 48, 2),
        (Model.LTX_2_5_PRO, "1080x1920", 50, 6),
        (Model.LTX_2_5_PRO, "1920x1080", 24, None),
        # CONTRACT-2026-09 §2: 2.5 Pro gained 1440p, 4K and 48 fps (2026-09-02)
        (Model.LTX_2_5_PRO, "3840x2160", 48, 10),
        (Model.LTX_2_5_PRO, "1440x2560", 24, 6),
        (Model.LTX_2_5_FAST, "2160x3840", 50, 8),
    ],
)
def test_allowed_combinations(model: Model, res: str, fps: int, duration: int | None) -> None:
    assert catalog.generation_problem(model, Resolution.parse(res), fps, duration) is None


@pytest.mark.parametrize(
    ("model", "res", "fps", "duration", "words"),
    [
        (Model.LTX_2_3_FAST, "3840x2160", 24, 12, "allowed: 2, 3, 4, 5, 6, 8, 10"),
        (Model.LTX_2_3_FAST, "1920x1080", 50, 12, "duration 12 s"),
        (Model.LTX_2_3_PRO, "1920x1080", 24, 12, "not available for ltx-2-3-pro"),
        (Model.LTX_2_5_PRO, "2560x1440", 24, 12, "duration 12 s"),
        (Model.LTX_2_5_PRO, "1920x1080", 30, 6, "fps 30"),
        (Model.LTX_2_3_PRO, "1920x1080", 24, 7, "duration 7 s"),
        (Model.LTX_2_3_PRO, "1920x1080", 24, None, "needs an LTX-2.5 model"),
        (Model.LTX_2_3_FAST, "1000x1000", 24, 6, "resolution 1000x1000"),
    ],
)
def test_impossible_combinations_say_why(
    model: Model, res: str, fps: int, duration: int | None, words: str
) -> None:
    problem = catalog.generation_problem(model, Resolution.parse(res), fps, duration)
    assert problem is not None
    assert words in problem


def test_long_durations_only_for_fast_models_at_1080p_or_less_and_low_fps() -> None:
    for model in Model:
        for res in catalog.allowed_resolutions(model):
            for fps in catalog.allowed_fps(model, res):
                longest = max(catalog.allowed_durations(model, res, fps))
                long_ok = model in catalog.FAST and res.tier in (Tier.P720, Tier.P1080)
                assert (longest == 20) == (long_ok and fps in (24, 25)), (model, res, fps)


def test_model_problem_names_the_replacement_for_removed_models() -> None:
    problem = catalog.model_problem(Endpoint.TEXT_TO_VIDEO, "ltx-2-pro")
    assert problem is not None
    assert "ltx-2-3-pro" in problem
    problem = catalog.model_problem(Endpoint.RETAKE, "ltx-2-3-fast")
    assert problem is not None
    assert "allowed: ltx-2-3-pro" in problem
    assert catalog.model_problem(Endpoint.AUDIO_TO_VIDEO, "ltx-2-5-fast") is None


def test_resolution_parse_and_tiers() -> None:
    r = Resolution.parse("1080x1920")
    assert r.portrait
    assert r.tier is Tier.P1080
    assert r.aspect_label == "9:16"
    assert str(Resolution.of(Tier.P2160)) == "3840x2160"
    assert Resolution.parse("900x720").tier is None
    for bad in ("1920", "1920x", "axb", "0x10", "1920x1080x3"):
        with pytest.raises(ValueError, match="resolution"):
            Resolution.parse(bad)


def test_hdr_caps_and_extend_context() -> None:
    assert catalog.hdr_frame_cap(1920, 1080) == 181
    assert catalog.hdr_frame_cap(1080, 1920) == 181
    assert catalog.hdr_frame_cap(2560, 1440) == 101
    assert catalog.hdr_frame_cap(3840, 2160) == 41
    assert catalog.hdr_frame_cap(4096, 2160) is None
    # 24 fps, 4 s extension = 96 frames; 409 frames left = 17.04 s of context (under the 20 s cap)
    assert catalog.extend_max_context(24, 4) == pytest.approx(409 / 24)
    assert catalog.extend_max_context(24, 2) == pytest.approx(457 / 24)
    assert catalog.extend_max_context(20, 2) == 20.0  # 465 frames free = 23.25 s, capped
    assert catalog.extend_max_context(50, 10) == pytest.approx(0.1)  # 500 of 505 frames used
    assert catalog.extend_max_context(50, 12) == 0.0


def test_a2v_limits() -> None:
    assert catalog.a2v_max_seconds(Model.LTX_2_3_PRO, Resolution.parse("1920x1080")) == 20
    assert catalog.a2v_max_seconds(Model.LTX_2_3_PRO, Resolution.parse("3840x2160")) == 10
    # CONTRACT-2026-09 §3: 2.5 Pro takes 10 s of audio at every tier
    assert catalog.a2v_max_seconds(Model.LTX_2_5_PRO, Resolution.parse("2560x1440")) == 10
    assert catalog.a2v_max_seconds(Model.LTX_2_5_PRO, Resolution.parse("1280x720")) == 10
    assert catalog.a2v_max_seconds(Model.LTX_2_3_FAST, Resolution.parse("1920x1080")) is None
    assert catalog.a2v_fps(Model.LTX_2_5_PRO, Resolution.parse("3840x2160")) == (24, 25, 48, 50)
    assert catalog.a2v_fps(Model.LTX_2_3_FAST, Resolution.parse("1920x1080")) == ()
    assert catalog.A2V_DEFAULT_FPS == 24
    assert catalog.a2v_default_resolution(image_portrait=True) == Resolution.parse("1080x1920")


def test_reframe_has_no_model_choice_and_extend_context_starts_at_one_second() -> None:
    assert catalog.ENDPOINT_MODELS[Endpoint.REFRAME] == ()
    problem = catalog.model_problem(Endpoint.REFRAME, "ltx-2-3-pro")
    assert problem is not None
    assert "no model choice" in problem
    assert catalog.EXTEND_CONTEXT_SECONDS == (1.0, 20.0)


def test_short_durations_are_marked_undocumented() -> None:
    assert [d for d in range(2, 21) if not catalog.is_documented_duration(d)] == [2, 3, 4, 5]
    assert catalog.is_documented_duration(None)


def test_stale_uploads_are_older_than_23_hours() -> None:
    assert not catalog.upload_is_stale(0.0, 23 * 3600)
    assert catalog.upload_is_stale(0.0, 23 * 3600 + 1)
