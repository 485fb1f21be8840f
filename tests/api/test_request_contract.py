"""Acceptance 1: every body the client can build validates against the official request schema.

Valid specs are drawn from the catalog (`strategies.py`), built with the request models and
validated against `../shared/ltx-api/openapi.json` — widened only by the additions API-NOTES
documents and closed against undeclared fields (`oas_additions.py`). Specs that use only values
the OpenAPI already lists are also validated against the untouched document.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.request import (
    GenerationRequest,
    InvalidRequest,
    TextToVideo,
)
from tests.api import strategies
from tests.api.oas_additions import close_request_schemas, widened
from tests.support.openapi_contract import request_schema
from tests.support.requests import request_from_body

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paths(request: GenerationRequest) -> list[str]:
    return [f"/v2/{request.endpoint.value}"]  # generation is v2 only (CONTRACT-2026-09 §1)


@pytest.fixture(scope="module")
def widened_doc(openapi: dict[str, Any]) -> dict[str, Any]:
    return widened(openapi)


@pytest.fixture(scope="module")
def strict_doc(openapi: dict[str, Any]) -> dict[str, Any]:
    return close_request_schemas(openapi)


@SETTINGS
@given(request=strategies.any_request())
def test_every_buildable_body_matches_the_documented_schema(
    widened_doc: dict[str, Any], request: GenerationRequest
) -> None:
    body = request.to_body()
    json.dumps(body, allow_nan=False)  # a real JSON document: no NaN, no objects
    for path in _paths(request):
        request_schema(widened_doc, path).validate(body)


@SETTINGS
@given(request=strategies.oas_request())
def test_bodies_within_the_official_enums_match_the_untouched_schema(
    strict_doc: dict[str, Any], request: GenerationRequest
) -> None:
    body = request.to_body()
    for path in _paths(request):
        request_schema(strict_doc, path).validate(body)


@SETTINGS
@given(request=strategies.any_request())
def test_a_body_rebuilds_the_same_request(request: GenerationRequest) -> None:
    assert request_from_body(request.endpoint, request.to_body()) == request


def test_the_widening_is_needed_and_nothing_more(
    openapi: dict[str, Any], widened_doc: dict[str, Any]
) -> None:
    """The untouched schema rejects an LTX-2.5 body (so the widened test is not vacuous), and
    the widened one still rejects an undeclared field."""
    body = TextToVideo(
        prompt="a fox",
        model=Model.LTX_2_5_PRO,
        resolution=Resolution.parse("1280x720"),
        fps=25,
        duration=None,
    ).to_body()
    assert not request_schema(openapi, "/v2/text-to-video").is_valid(body)
    assert request_schema(widened_doc, "/v2/text-to-video").is_valid(body)
    assert not request_schema(widened_doc, "/v2/text-to-video").is_valid({**body, "seed": 1})


# ------------------------------------------------------------------ invalid specs


@SETTINGS
@given(data=st.data())
def test_an_impossible_fps_names_the_field_and_the_allowed_values(data: st.DataObject) -> None:
    model = data.draw(st.sampled_from(tuple(Model)))
    resolution = data.draw(st.sampled_from(catalog.allowed_resolutions(model)))
    allowed = catalog.allowed_fps(model, resolution)
    fps = data.draw(st.integers(1, 240).filter(lambda f: f not in allowed))
    request = TextToVideo(
        prompt="p",
        model=model,
        resolution=resolution,
        fps=fps,
        duration=min(catalog.SHORT_DURATIONS),
    )
    with pytest.raises(InvalidRequest) as caught:
        request.to_body()
    assert caught.value.field == "fps"
    assert caught.value.allowed == allowed
    assert all(str(f) in str(caught.value) for f in allowed)


@SETTINGS
@given(data=st.data())
def test_an_impossible_duration_names_the_field_and_the_allowed_values(
    data: st.DataObject,
) -> None:
    model = data.draw(st.sampled_from(tuple(Model)))
    resolution = data.draw(st.sampled_from(catalog.allowed_resolutions(model)))
    fps = data.draw(st.sampled_from(catalog.allowed_fps(model, resolution)))
    allowed = catalog.allowed_durations(model, resolution, fps)
    duration = data.draw(st.integers(0, 60).filter(lambda d: d not in allowed))
    request = TextToVideo(
        prompt="p", model=model, resolution=resolution, fps=fps, duration=duration
    )
    with pytest.raises(InvalidRequest) as caught:
        request.validate()
    assert caught.value.field == "duration"
    assert caught.value.allowed == allowed


@SETTINGS
@given(data=st.data())
def test_an_impossible_resolution_names_the_field_and_the_allowed_values(
    data: st.DataObject,
) -> None:
    model = data.draw(st.sampled_from(tuple(Model)))
    allowed = catalog.allowed_resolutions(model)
    width = data.draw(st.integers(16, 4096))
    height = data.draw(st.integers(16, 4096))
    resolution = Resolution(width, height)
    if resolution in allowed:
        return
    request = TextToVideo(prompt="p", model=model, resolution=resolution, fps=24, duration=6)
    with pytest.raises(InvalidRequest) as caught:
        request.validate()
    assert caught.value.field == "resolution"
    assert caught.value.allowed == tuple(map(str, allowed))
