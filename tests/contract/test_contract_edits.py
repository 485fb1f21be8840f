"""Retake, extend, reframe and HDR held to the hand-written table of CONTRACT-2026-09
(`tests/contract/expected.py`): their fields (§2 models, §3 bounds), and the input rules a
client can check from probed `MediaFacts`. Sandbox verdicts here are `parse_request`'s; the rules
that need the fetched media are exercised through the app in `test_contract_sandbox.py`.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.request import (
    Extend,
    Hdr,
    MediaFacts,
    Reframe,
    Retake,
)
from tests.contract import expected as X
from tests.contract.expected import Verdict
from tests.contract.support import (
    VID,
    Findings,
    check_client_body,
    client_says,
    model_arg,
    sandbox_says,
    session_says,
)
from tests.support.requests import build


def test_retake_fields() -> None:
    """§2 (2.3 Pro only), §3 retake "unchanged": start_time ≥ 0, duration ≥ 2; sizes, modes."""
    f = Findings("retake fields (§2, §3)")
    models = (None, *X.ALL_MODELS)
    starts = (-0.5, 0.0, 1.5)
    durations = (1.9, 2.0, 10.0)
    sizes = (None, "1920x1080", "1080x1920", "1280x720", "3840x2160")
    modes = (None, *X.RETAKE_MODES, "replace_everything")
    for model, start, duration, size, mode in product(models, starts, durations, sizes, modes):
        f.rows += 1
        row = f"retake model={model} start={start:g} duration={duration:g} size={size} mode={mode}"
        want = _retake_verdict(model, start, duration, size, mode)
        kwargs: dict[str, Any] = {"video_uri": VID, "start_time": start, "duration": duration}
        if model is not None:
            kwargs["model"] = model_arg(model)
        if size is not None:
            kwargs["resolution"] = size
        if mode is not None:
            kwargs["mode"] = mode
        client = Retake(**kwargs)
        f.verdict("client", row, want, *client_says(client))
        if model in (None, *X.CURRENT_MODELS):
            session = Retake(
                video_uri=VID,
                start_time=start,
                duration=duration,
                mode=mode or "replace_audio_and_video",
                model=Model(model or X.PRO_23),
                resolution=Resolution.parse(size) if size else None,
            )
            f.verdict("session", row, want, *session_says(session))
        raw = {k: str(v) if k == "model" else v for k, v in kwargs.items()}
        raw["resolution"] = size
        raw = {k: v for k, v in raw.items() if v is not None}
        f.verdict("sandbox validation", row, want, *sandbox_says(X.RETAKE, raw))
    # input media rules, client side (the sandbox checks them on the fetched file)
    for facts, want in (
        (MediaFacts(4.0, 320, 180, 24.0), Verdict(True, "§3 retake input")),
        (MediaFacts(3.0, 320, 180, 24.0), Verdict(False, "§3 retake input ≥ 73 frames")),
        (MediaFacts(4.0, 3840, 2160, 24.0), Verdict(True, "§3 retake input ≤ 3840x2160")),
        (MediaFacts(4.0, 4096, 2160, 24.0), Verdict(False, "§3 retake input ≤ 3840x2160")),
    ):
        f.rows += 1
        row = f"retake input {facts.width}x{facts.height} {facts.frame_count} frames"
        f.verdict("client", row, want, *client_says(build(Retake, **_edit(facts), start_time=0)))
        f.verdict(
            "session",
            row,
            want,
            *session_says(Retake(video_uri=VID, start_time=0, duration=2), facts),
        )
    f.assert_none()


def _edit(facts: MediaFacts) -> dict[str, Any]:
    return {"video_uri": VID, "duration": 2, "input_media": facts}


def _retake_verdict(
    model: str | None, start: float, duration: float, size: str | None, mode: str | None
) -> Verdict:
    if model is not None and not (v := X.model_verdict(X.RETAKE, model)).ok:
        return v
    if start < 0:
        return Verdict(False, "§3 retake start_time ≥ 0")
    if duration < X.RETAKE_MIN_DURATION:
        return Verdict(False, "§3 retake duration ≥ 2")
    if size is not None and size not in X.RETAKE_SIZES:
        return Verdict(False, "API-NOTES 3.4 retake resolution 1920x1080/1080x1920")
    if mode is not None and mode not in X.RETAKE_MODES:
        return Verdict(False, "API-NOTES 3.4 retake mode")
    return Verdict(True, "")


def test_extend_fields_and_the_505_frame_budget() -> None:
    """§3 extend: 1 ≤ context ≤ 20 (0 invalid), duration 2–20, 2.3 Pro only, ≤ 505 frames."""
    f = Findings("extend fields (§2, §3)")
    models = (None, *X.ALL_MODELS)
    durations = (1.9, 2.0, 20.0, 20.5)
    contexts = (None, -1.0, 0.0, 0.5, 1.0, 20.0, 20.5)
    modes = (None, *X.EXTEND_MODES, "middle")
    for model, duration, context, mode in product(models, durations, contexts, modes):
        f.rows += 1
        row = f"extend model={model} duration={duration:g} context={context} mode={mode}"
        want = _extend_verdict(model, duration, context, mode)
        kwargs: dict[str, Any] = {"video_uri": VID, "duration": duration}
        for name, value in (("model", model), ("context", context), ("mode", mode)):
            if value is not None:
                kwargs[name] = model_arg(value) if name == "model" else value
        f.verdict("client", row, want, *client_says(Extend(**kwargs)))
        if model in (None, *X.CURRENT_MODELS):
            session = Extend(
                video_uri=VID,
                duration=duration,
                mode=mode or "end",
                context=context,
                model=Model(model or X.PRO_23),
            )
            f.verdict("session", row, want, *session_says(session))
        raw = {k: str(v) if k == "model" else v for k, v in kwargs.items()}
        f.verdict("sandbox validation", row, want, *sandbox_says(X.EXTEND, raw))
    # the 505-frame budget and the input rules, with probed facts (client side)
    budget_rows: tuple[tuple[float, float | None, MediaFacts, Verdict], ...] = (
        (2, 20, MediaFacts(20.0, 320, 180, 24.0), Verdict(False, "§3 505 frames (528)")),
        (18, 3, MediaFacts(20.0, 320, 180, 24.0), Verdict(True, "§3 505 frames (504)")),
        (18, 4, MediaFacts(20.0, 320, 180, 24.0), Verdict(False, "§3 505 frames (528)")),
        (20, None, MediaFacts(20.0, 320, 180, 24.0), Verdict(True, "§3 505 frames (≥ 504)")),
        (
            20,
            None,
            MediaFacts(3.0, 320, 180, 25.0),
            Verdict(False, "§3 505 frames (≥ 525, READING R10)"),
        ),
        (19, None, MediaFacts(3.0, 320, 180, 25.0), Verdict(True, "§3 505 frames (≥ 500)")),
        (10, 1, MediaFacts(12.0, 320, 180, 50.0), Verdict(False, "§3 505 frames (550)")),
        (2, 1, MediaFacts(4.0, 320, 240, 24.0), Verdict(False, "API-NOTES 3.5 16:9 or 9:16")),
        (2, 1, MediaFacts(3.0, 320, 180, 24.0), Verdict(False, "§3 input ≥ 73 frames")),
        (2, 1, MediaFacts(4.0, 180, 320, 24.0), Verdict(True, "API-NOTES 3.5 9:16")),
    )
    for duration2, context2, facts, want in budget_rows:
        f.rows += 1
        row = (
            f"extend {duration2:g} s + context {context2} on {facts.width}x{facts.height} "
            f"{facts.duration:g} s at {facts.fps:g} fps"
        )
        client = build(
            Extend, video_uri=VID, duration=duration2, context=context2, input_media=facts
        )
        f.verdict("client", row, want, *client_says(client))
        session = Extend(video_uri=VID, duration=duration2, context=context2)
        f.verdict("session", row, want, *session_says(session, facts))
    f.assert_none()


def _extend_verdict(
    model: str | None, duration: float, context: float | None, mode: str | None
) -> Verdict:
    if model is not None and not (v := X.model_verdict(X.EXTEND, model)).ok:
        return v
    low, high = X.EXTEND_DURATION
    if not low <= duration <= high:
        return Verdict(False, "API-NOTES 3.5 extend duration 2–20")
    low, high = X.EXTEND_CONTEXT
    if context is not None and not low <= context <= high:
        return Verdict(False, "§3 extend 1 ≤ context ≤ 20")
    if mode is not None and mode not in X.EXTEND_MODES:
        return Verdict(False, "API-NOTES 3.5 extend mode")
    return Verdict(True, "")


def test_reframe_takes_no_model_and_hdr_one_field() -> None:
    """§3 reframe: model not needed, ignored if sent; the ten sizes. HDR: `video_uri` only."""
    f = Findings("reframe and HDR fields (§3)")
    sizes = (*X.REFRAME_SIZES, "1280x1280", "3840x2160", "640x360", "1440x1080")
    for size, model in product(sizes, (None, X.PRO_23, X.FAST_25, "ltx-2-pro")):
        f.rows += 1
        row = f"reframe {size} model={model}"
        want = (
            Verdict(True, "§3 reframe (READING R8: model ignored)")
            if size in X.REFRAME_SIZES
            else Verdict(False, "§3 reframe sizes: 1:1, 4:5, 5:4, 9:16, 16:9 at 720/1080")
        )
        if model is None:  # the client has no model field for reframe (it is ignored)
            f.verdict("client", row, want, *client_says(Reframe(video_uri=VID, resolution=size)))
            session = Reframe(video_uri=VID, resolution=Resolution.parse(size))
            f.verdict("session", row, want, *session_says(session))
        raw = {"video_uri": VID, "resolution": size}
        if model is not None:
            raw["model"] = model
        f.verdict("sandbox validation", row, want, *sandbox_says(X.REFRAME, raw))
    # input limits (client side): ≤ 60 s, ≤ 1 800 frames
    for facts, want in (
        (MediaFacts(60.0, 320, 180, 30.0), Verdict(True, "§3 reframe input ≤ 60 s, 1 800 fr")),
        (MediaFacts(61.0, 320, 180, 24.0), Verdict(False, "§3 reframe input ≤ 60 s")),
        (MediaFacts(40.0, 320, 180, 50.0), Verdict(False, "§3 reframe input ≤ 1 800 frames")),
    ):
        f.rows += 1
        row = f"reframe input {facts.duration:g} s at {facts.fps:g} fps"
        client = build(Reframe, video_uri=VID, resolution=Resolution(1280, 720), input_media=facts)
        f.verdict("client", row, want, *client_says(client))
        session = Reframe(video_uri=VID, resolution=Resolution(1280, 720))
        f.verdict("session", row, want, *session_says(session, facts))
    # HDR: one field; frame caps by input tier (181 / 101 / 41), nothing above 4K
    f.rows += 1
    hdr = Hdr(video_uri=VID)
    f.verdict("client", "hdr video_uri only", Verdict(True, "§3 HDR"), *client_says(hdr))
    check_client_body(f, "hdr video_uri only", X.HDR, hdr.to_body())
    f.verdict(
        "sandbox validation",
        "hdr video_uri only",
        Verdict(True, "§3 HDR"),
        *sandbox_says(X.HDR, {"video_uri": VID}),
    )
    for (width, height), frames in product(
        ((1280, 720), (1920, 1080), (1984, 1116), (2560, 1440), (2592, 1458), (3840, 2160)),
        (41, 42, 101, 102, 181, 182),
    ):
        f.rows += 1
        tier = X.hdr_tier(width, height)
        assert tier is not None
        cap = X.HDR_TIERS[tier][1]
        want = (
            Verdict(True, "§3 HDR frame cap")
            if frames <= cap
            else Verdict(False, f"§3 HDR frame cap {cap} at {width}x{height}")
        )
        facts = MediaFacts(frames / 24, width, height, 24.0, frames)
        row = f"hdr {width}x{height} {frames} frames"
        f.verdict("client", row, want, *client_says(build(Hdr, video_uri=VID, input_media=facts)))
        f.verdict("session", row, want, *session_says(Hdr(video_uri=VID), facts))
    f.rows += 1
    over = MediaFacts(1.0, 4096, 2160, 24.0, 24)
    want = Verdict(False, "§3 HDR inputs up to 4K (READING R9)")
    f.verdict(
        "client", "hdr 4096x2160", want, *client_says(build(Hdr, video_uri=VID, input_media=over))
    )
    f.assert_none()
