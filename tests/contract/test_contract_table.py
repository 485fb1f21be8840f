"""The client, the estimate and the sandbox's validation held to the hand-written table of
CONTRACT-2026-09 (`tests/contract/expected.py`), verdict for verdict and cent for cent.

The client and the sandbox share one catalog and one price function, so they always agree with
each other; only a table written from the contract, not from the catalog, notices when both are
stale. This module walks the rules that need no media (the T2V/I2V grid, prompts, the edit
endpoints' fields, every priced row's estimate); `test_contract_sandbox.py` does audio-to-video
and the ledger with real media in the sandbox app. Each test collects every disagreement of its
kind and reports them all at once (components: `tests/contract/support.py`).
"""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import Any

import pytest

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.pricing import Quote
from ltxstudio.core.request import (
    AudioToVideo,
    Extend,
    Hdr,
    ImageToVideo,
    InvalidRequest,
    MediaFacts,
    Reframe,
    Retake,
    TextToVideo,
)
from ltxstudio.session.forms import Mode, generation_request
from tests.contract import expected as X
from tests.contract import prices as P
from tests.contract.expected import Verdict
from tests.contract.support import (
    AUD,
    CENT,
    IMG,
    LAST,
    PROMPT,
    VID,
    Findings,
    check_client_body,
    client_says,
    duration_text,
    model_arg,
    quoted,
    sandbox_says,
    session_says,
)
from tests.support.requests import request_from_body

SHARED = Path(os.environ.get("LTXSTUDIO_SHARED", Path(__file__).resolve().parents[3] / "shared"))

# ---------------------------------------------------------------------------- the table itself


def test_the_table_is_consistent_with_its_own_rates_and_rules() -> None:
    """Guards the hand-written table against its own typos before it judges anything else."""
    f = Findings("table self-check")
    for p in P.GEN_PRICES:
        row = f"{p.endpoint} {p.model} {p.size} {p.fps} fps {p.duration} s"
        tier = X.tier_of(p.size)
        assert tier is not None, row
        f.equal("table", row, P.T2V_RATE[p.model][tier] * p.duration, p.usd, "§6 t2v/i2v")
        verdict = X.generation_verdict(
            p.endpoint, p.model, p.size, p.fps, p.duration, last_frame=False
        )
        f.verdict("table", row, Verdict(True, "priced rows are valid requests"), verdict.ok)
    for a in P.A2V_PRICES:
        model = a.model or X.DEFAULT_MODEL[X.A2V]
        size = X.a2v_size(a.size, portrait_image=a.portrait_image)
        tier = X.tier_of(size)
        assert tier is not None, a.name
        rate, published = P.a2v_rate(model, tier)
        f.equal("table", a.name, rate * a.audio_seconds, a.usd, "§6 a2v")
        f.equal("table", a.name, published, a.published, "§6 a2v published")
        verdict = X.a2v_verdict(
            a.model,
            a.size,
            a.fps,
            prompt=PROMPT,
            image=a.portrait_image is not None,
            audio_seconds=a.audio_seconds,
            portrait_image=a.portrait_image,
        )
        f.verdict("table", a.name, Verdict(True, "priced rows are valid requests"), verdict.ok)
    for r in P.RETAKE_PRICES:
        f.equal(
            "table", f"retake {r.input_seconds} s", P.RETAKE_RATE * r.input_seconds, r.usd, "§6"
        )
    for e in P.EXTEND_PRICES:
        budget = Decimal(X.EXTEND_MAX_FRAMES) / e.input_fps
        context = (
            Decimal(e.context)
            if e.context is not None
            else min(Decimal(X.EXTEND_CONTEXT[1]), budget - e.duration, Decimal(e.input_seconds))
        )
        billed = min(context + e.duration, budget)
        f.equal("table", e.name, P.EXTEND_RATE * billed, e.usd, "§6 extend")
    for h in P.HDR_PRICES:
        tier = X.hdr_tier(h.width, h.height)
        assert tier is not None
        f.equal(
            "table",
            f"hdr {h.width}x{h.height}",
            P.HDR_RATE[tier] * h.input_seconds,
            h.usd,
            "§6 HDR",
        )
    for p2 in P.REFRAME_PRICES:
        size_class = "720" if p2.size in X.REFRAME_720 else "1080"
        want = P.REFRAME_RATE[size_class] * p2.input_seconds
        f.equal("table", f"reframe {p2.size}", want, p2.usd, "§6 reframe")
    assert len(X.STANDARD_SIZES) == 8
    assert {m for ms, *_ in X.DOCUMENTED_MATRIX for m in ms} == set(X.CURRENT_MODELS)
    f.assert_none()


def test_the_contract_is_the_one_the_table_was_written_from() -> None:
    path = SHARED / "ltx-api" / "CONTRACT-2026-09.md"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the table's source document lives beside the repo")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == X.CONTRACT_SHA256, (
        f"{path} changed since tests/contract/expected.py was written from it: re-read it, "
        "update the table, then CONTRACT_SHA256"
    )


# ---------------------------------------------------------------------------- §2 T2V/I2V grid


def test_text_and_image_to_video_grid() -> None:
    """Every model × 15 sizes × 7 fps × 22 durations, T2V and I2V (plus last-frame rows), §2."""
    f = Findings("T2V/I2V grid (§2)")
    sizes = (*X.STANDARD_SIZES, *X.OFF_MATRIX_SIZES)
    grid = product((X.T2V, X.I2V), X.ALL_MODELS, sizes, X.FPS_PROBES, X.DURATION_PROBES)
    for endpoint, model, size, fps, duration in grid:
        lasts = (False, True) if endpoint == X.I2V and duration in (None, 6, 12) else (False,)
        for last in lasts:
            f.rows += 1
            _generation_row(f, endpoint, model, size, fps, duration, last)
    f.assert_none()


def _generation_row(
    f: Findings, endpoint: str, model: str, size: str, fps: int, duration: int | None, last: bool
) -> None:
    want = X.generation_verdict(endpoint, model, size, fps, duration, last_frame=last)
    row = f"{endpoint} {model} {size} {fps} fps {duration_text(duration)}"
    row += " +last frame" if last else ""
    media: dict[str, str] = {}
    if endpoint == X.I2V:
        media["image_uri"] = IMG
        if last:
            media["last_frame_uri"] = LAST
    # client: the typed request model
    kwargs: dict[str, Any] = {
        "prompt": PROMPT,
        "model": model_arg(model),
        "resolution": size,
        "fps": fps,
        "duration": duration,
    }
    request = TextToVideo(**kwargs) if endpoint == X.T2V else ImageToVideo(**kwargs, **media)
    client_ok, why = client_says(request)
    f.verdict("client", row, want, client_ok, why)
    client_body = request.to_body() if client_ok else None
    if client_body is not None:
        check_client_body(f, row, endpoint, client_body)
        if duration is None:  # §2: the key must still be present
            f.equal("client body", row, True, client_body.get("duration", 0) is None, "§2 null")
    # session: what the UI and the CLI build (current models only: the picker has no others)
    if model in X.CURRENT_MODELS:
        session = generation_request(
            Mode.TEXT if endpoint == X.T2V else Mode.IMAGE,
            PROMPT,
            Model(model),
            Resolution.parse(size),
            fps,
            duration,
            image=IMG if endpoint == X.I2V else None,
            last_frame=LAST if last else None,
        )
        session_ok, why = session_says(session)
        f.verdict("session", row, want, session_ok, why)
        if want.ok:
            tier = X.tier_of(size)
            assert tier is not None
            # READING R7: automatic duration is estimated at the longest it may run
            seconds = duration or max(X.generation_durations(model, size, fps))
            got = quoted(session)
            usd = got.usd if isinstance(got, Quote) else got
            f.equal("estimate", row, P.T2V_RATE[model][tier] * seconds, usd, "§6 t2v/i2v")
            if isinstance(got, Quote):
                f.equal("estimate", row, True, got.published, "§6 published rate")
    # sandbox: the raw body, and the client's body where it differs
    raw = {
        "prompt": PROMPT,
        "model": model,
        "duration": duration,
        "resolution": size,
        "fps": fps,
        "generate_audio": True,
        **media,
    }
    sandbox_ok, why = sandbox_says(endpoint, raw)
    f.verdict("sandbox validation", row, want, sandbox_ok, why)
    if client_body is not None and client_body != raw:
        sandbox_ok, why = sandbox_says(endpoint, client_body)
        f.verdict("sandbox validation", row + " (client body)", want, sandbox_ok, why)


def test_duration_key_must_be_present() -> None:
    """§2: `duration: null` is automatic, but the key must be there."""
    f = Findings("duration key (§2)")
    for endpoint, model in product((X.T2V, X.I2V), (X.FAST_25, X.PRO_25)):
        f.rows += 1
        body: dict[str, Any] = {
            "prompt": PROMPT,
            "model": model,
            "resolution": "1920x1080",
            "fps": 24,
        }
        if endpoint == X.I2V:
            body["image_uri"] = IMG
        row = f"{endpoint} {model} without a duration key"
        want = Verdict(False, "§2 the duration key must be present")
        try:
            request_from_body(endpoint, body)
            f.verdict("client", row, want, True)
        except InvalidRequest as exc:
            f.verdict("client", row, want, False, str(exc))
        f.verdict("sandbox validation", row, want, *sandbox_says(endpoint, body))
    f.assert_none()


# ---------------------------------------------------------------------------- §3 prompts


def test_prompt_limit_in_every_schema() -> None:
    """§3: `prompt` maxLength 5000 wherever there is a prompt."""
    f = Findings("prompt ≤ 5000 (§3)")
    for endpoint, length in product(X.PROMPT_ENDPOINTS, (X.PROMPT_MAX_CHARS, 5001)):
        f.rows += 1
        prompt = "p" * length
        row = f"{endpoint} prompt of {length} characters"
        want = (
            Verdict(True, "§3")
            if length <= X.PROMPT_MAX_CHARS
            else Verdict(False, "§3 prompt maxLength 5000")
        )
        client, session, raw = _prompt_requests(endpoint, prompt)
        f.verdict("client", row, want, *client_says(client))
        f.verdict("session", row, want, *session_says(session))
        f.verdict("sandbox validation", row, want, *sandbox_says(endpoint, raw))
    f.assert_none()


def _prompt_requests(endpoint: str, prompt: str) -> tuple[Any, Any, dict[str, Any]]:
    gen = {"model": "ltx-2-3-pro", "resolution": "1920x1080", "fps": 24, "duration": 6}
    if endpoint in (X.T2V, X.I2V):
        image = {"image_uri": IMG} if endpoint == X.I2V else {}
        client = (TextToVideo if endpoint == X.T2V else ImageToVideo)(
            prompt=prompt,
            model=Model.LTX_2_3_PRO,
            resolution=Resolution(1920, 1080),
            fps=24,
            duration=6,
            **image,
        )
        mode = Mode.TEXT if endpoint == X.T2V else Mode.IMAGE
        session = generation_request(mode, prompt, image=image.get("image_uri"))
        return client, session, {"prompt": prompt, **gen, **image}
    if endpoint == X.A2V:
        client = AudioToVideo(audio_uri=AUD, prompt=prompt)
        session = generation_request(Mode.AUDIO, prompt, audio=AUD)
        return client, session, {"audio_uri": AUD, "prompt": prompt}
    if endpoint == X.RETAKE:
        client = Retake(video_uri=VID, start_time=0, duration=2, prompt=prompt)
        session = Retake(video_uri=VID, start_time=0, duration=2, prompt=prompt)
        return client, session, {"video_uri": VID, "start_time": 0, "duration": 2, "prompt": prompt}
    assert endpoint == X.EXTEND
    client = Extend(video_uri=VID, duration=2, prompt=prompt)
    session = Extend(video_uri=VID, duration=2, prompt=prompt)
    return client, session, {"video_uri": VID, "duration": 2, "prompt": prompt}


# ---------------------------------------------------------------------------- §6 estimates


def test_estimates_match_every_priced_row() -> None:
    """Every concrete price of the table, through the session request's `cost_basis`."""
    f = Findings("estimates (§6)")

    def check(row: str, got: Quote | str, usd: Decimal, published: bool, exact: bool) -> None:
        f.rows += 1
        if not isinstance(got, Quote):
            f.note("estimate", row, "§6", got)
            return
        value = got.usd if exact else got.usd.quantize(CENT)
        f.equal("estimate", row, usd if exact else usd.quantize(CENT), value, "§6 price")
        f.equal("estimate", row, published, got.published, "§6 published vs estimated rate")

    for p in P.GEN_PRICES:
        mode = Mode.TEXT if p.endpoint == X.T2V else Mode.IMAGE
        request = generation_request(
            mode,
            PROMPT,
            Model(p.model),
            Resolution.parse(p.size),
            p.fps,
            p.duration,
            image=IMG if p.endpoint == X.I2V else None,
        )
        row = f"{p.endpoint} {p.model} {p.size} {p.fps} fps {p.duration} s"
        check(row, quoted(request), p.usd, True, True)
    for a in P.A2V_PRICES:
        request = generation_request(
            Mode.AUDIO,
            PROMPT,
            Model(a.model or X.PRO_23),
            Resolution.parse(a.size) if a.size else None,
            a.fps or X.A2V_DEFAULT_FPS,
            image=IMG if a.portrait_image is not None else None,
            audio=AUD,
        )
        facts = MediaFacts(float(a.audio_seconds))
        check(f"a2v {a.name} {a.audio_seconds} s", quoted(request, facts), a.usd, a.published, True)
    for r in P.RETAKE_PRICES:
        facts = MediaFacts(float(r.input_seconds), 320, 180, 24.0)
        check(
            f"retake of {r.input_seconds} s",
            quoted(Retake(video_uri=VID, start_time=0, duration=2), facts),
            r.usd,
            True,
            True,
        )
    for e in P.EXTEND_PRICES:
        facts = MediaFacts(float(e.input_seconds), 320, 180, float(e.input_fps))
        request2 = Extend(video_uri=VID, duration=float(e.duration), context=e.context)
        check(f"extend {e.name}", quoted(request2, facts), e.usd, True, e.exact)
    for h in P.HDR_PRICES:
        facts = MediaFacts(float(h.input_seconds), h.width, h.height, 24.0, h.frames)
        row = f"hdr {h.width}x{h.height} {h.frames} frames at 24 fps"
        check(row, quoted(Hdr(video_uri=VID), facts), h.usd, True, True)
    for p2 in P.REFRAME_PRICES:
        facts = MediaFacts(float(p2.input_seconds), 320, 180, 24.0)
        request3 = Reframe(video_uri=VID, resolution=Resolution.parse(p2.size))
        check(f"reframe to {p2.size}", quoted(request3, facts), p2.usd, True, True)
    f.assert_none()


def test_the_table_has_the_rows_the_brief_asks_for() -> None:
    """Keeps the table's coverage from shrinking unnoticed."""
    assert {p.model for p in P.GEN_PRICES if p.ledger} == set(X.CURRENT_MODELS)
    for model in X.CURRENT_MODELS:
        tiers = {X.tier_of(p.size) for p in P.GEN_PRICES if p.model == model and p.ledger}
        assert tiers == set(X.TIERS), model
    a2v = {(a.model, X.tier_of(a.size or "")) for a in P.A2V_PRICES if a.ledger and a.size}
    assert {(m, t) for m in X.ENDPOINT_MODELS[X.A2V] for t in X.TIERS} <= a2v
    assert any(not e.exact or e.context is None for e in P.EXTEND_PRICES if e.ledger)
    assert {X.hdr_tier(h.width, h.height) for h in P.HDR_PRICES if h.ledger} == {0, 1, 2}
    classes = {p.size in X.REFRAME_720 for p in P.REFRAME_PRICES if p.ledger}
    assert classes == {True, False}
    assert set(X.FPS_PROBES) >= {23, 24, 25, 30, 48, 50, 60}
    assert (None, *range(1, 22)) == X.DURATION_PROBES
