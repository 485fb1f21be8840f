"""Audio-to-video and the ledger, with real media in the real sandbox app (CONTRACT-2026-09).

A2V's size and length rules need the audio, so its sandbox verdicts come from the sandbox's whole
admission (`Sandbox.admit`) with generated M4A/PNG data URIs; the priced rows are submitted with
`POST /v2/…`, finished on the ManualClock and their charge read back from `GET /_sandbox/ledger`.
The table is `tests/contract/expected.py`; components are described in `support.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from decimal import Decimal
from itertools import product
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
    BROKEN,
    CENT,
    IMG,
    LAST,
    PROMPT,
    App,
    Findings,
    Media,
    admitted,
    check_client_body,
    client_says,
    model_arg,
    quoted,
    session_says,
)
from tests.support.requests import build, request_from_body

# ---------------------------------------------------------------------------- §3 audio-to-video


@dataclass(frozen=True)
class A2vRow:
    model: str | None = None  # None: not sent
    size: str | None = None
    fps: int | None = None
    prompt: str | None = PROMPT
    image: str | None = None  # "landscape" | "portrait"
    last_frame: bool = False
    camera_motion: str | None = None
    audio_seconds: float = 4.0
    facts: bool = False  # the client is told the audio length (MediaFacts)

    def label(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "facts" or value is None or value is False:
                continue
            if f.name == "prompt":
                value = (
                    "…" if value == PROMPT else (value if len(value) < 9 else f"{len(value)} chars")
                )
            parts.append(f"{f.name}={value!r}")
        return "a2v " + " ".join(parts)


def _a2v_rows() -> Iterator[A2vRow]:
    sizes = (None, *X.STANDARD_SIZES, "720x720", "1080x1080", "640x360")
    for model, size, fps in product((None, *X.ALL_MODELS), sizes, (None, *X.FPS_PROBES)):
        yield A2vRow(model, size, fps)
    p23, hd = X.PRO_23, "1920x1080"
    yield A2vRow(p23, hd, prompt=None, image="landscape")
    yield A2vRow(p23, hd, prompt="", image="landscape")
    yield A2vRow(p23, hd, prompt=None)
    yield A2vRow(p23, hd, prompt="")
    yield A2vRow(p23, hd, prompt="   ")
    yield A2vRow(p23, hd, image="landscape", last_frame=True)
    yield A2vRow(p23, hd, last_frame=True)
    yield A2vRow(X.PRO_25, None, image="portrait", last_frame=True, prompt=None)
    yield A2vRow(p23, None, image="portrait")
    yield A2vRow(p23, hd, camera_motion="dolly_in")
    yield A2vRow(p23, hd, camera_motion="zoom_in")
    yield A2vRow(p23, hd, prompt="p" * 5000)
    yield A2vRow(p23, hd, prompt="p" * 5001)
    lengths = (1.9, 2.0, 10.0, 10.5, 20.0, 20.5)
    for model, tier, seconds in product(X.ENDPOINT_MODELS[X.A2V], X.TIERS, lengths):
        yield A2vRow(model, X.TIER_SIZES[tier][0], audio_seconds=seconds, facts=True)
    for seconds in lengths:
        yield A2vRow(None, None, audio_seconds=seconds, facts=True)
        yield A2vRow(X.PRO_25, None, image="portrait", audio_seconds=seconds, facts=True)


@pytest.mark.asyncio
async def test_audio_to_video(app: App, media: Media) -> None:
    """§2 models, §3 A2V fields (fps default 24, last frame needs an image, no guidance_scale),
    sizes per model, audio caps per model × tier and the 2 s minimum; §6 A2V prices."""
    f = Findings("audio-to-video (§2, §3, §6)")
    for row in _a2v_rows():
        f.rows += 1
        await _a2v_row(f, app, media, row)
    # defaults and the field list
    f.rows += 1
    body = AudioToVideo(audio_uri=AUD, prompt=PROMPT).to_body()
    f.equal("client body", "a2v default fps", X.A2V_DEFAULT_FPS, body.get("fps"), "§3 fps 24")
    session = generation_request(Mode.AUDIO, PROMPT, audio=AUD)
    f.equal("session", "a2v default fps", 24, session.to_body().get("fps"), "§3 fps default 24")
    f.equal("session", "a2v default model", X.PRO_23, session.model.value, "§2 A2V default")
    names = {x.name for x in fields(AudioToVideo)}
    f.equal("client", "a2v guidance_scale", False, "guidance_scale" in names, "§3 no guidance")
    try:
        request_from_body(X.A2V, {"audio_uri": AUD, "prompt": PROMPT, "guidance_scale": 5})
        f.note("client", "a2v body with guidance_scale", "§3 no guidance_scale", "accepted")
    except InvalidRequest:
        f.ok("client")
    # READING R11: guidance_scale was a field until 2026-08-19. The sandbox names it in a 400
    # rather than ignore it as it ignores an unknown field, so a client that still sends it is
    # caught by every test that runs against the sandbox.
    base = {"audio_uri": media.audio[4.0], "prompt": PROMPT}
    as_field = await admitted(app, X.A2V, {**base, "guidance_scale": -1})
    f.equal(
        "sandbox validation",
        "a2v guidance_scale is refused, naming it",
        (False, True),
        (as_field[0], "guidance_scale" in str(as_field[1])),
        "§3 guidance_scale is no longer a field",
    )
    f.assert_none()


async def _a2v_row(f: Findings, app: App, media: Media, row: A2vRow) -> None:
    portrait = None if row.image is None else row.image == "portrait"
    want = X.a2v_verdict(
        row.model,
        row.size,
        row.fps,
        prompt=row.prompt,
        image=row.image is not None,
        last_frame=row.last_frame,
        camera_motion=row.camera_motion,
        audio_seconds=row.audio_seconds,
        portrait_image=portrait,
    )
    label = row.label()
    facts = MediaFacts(row.audio_seconds) if row.facts else None
    # client (without facts, a length the client cannot know is not its to refuse)
    client_want = want
    if not row.facts:
        client_want = X.a2v_verdict(
            row.model,
            row.size,
            row.fps,
            prompt=row.prompt,
            image=row.image is not None,
            last_frame=row.last_frame,
            camera_motion=row.camera_motion,
            portrait_image=portrait,
        )
    kwargs: dict[str, Any] = {"audio_uri": AUD, "prompt": row.prompt, "input_media": facts}
    for name, value in (
        ("model", model_arg(row.model) if row.model else None),
        ("resolution", row.size),
        ("fps", row.fps),
        ("camera_motion", row.camera_motion),
        ("image_uri", IMG if row.image else None),
        ("last_frame_uri", LAST if row.last_frame else None),
    ):
        if value is not None:
            kwargs[name] = value
    client = build(AudioToVideo, **kwargs)
    client_ok, why = client_says(client)
    f.verdict("client", label, client_want, client_ok, why)
    if client_ok:
        check_client_body(f, label, X.A2V, client.to_body())
    # session
    if row.model in (None, *X.CURRENT_MODELS):
        session = generation_request(
            Mode.AUDIO,
            row.prompt or "",
            Model(row.model or X.PRO_23),
            Resolution.parse(row.size) if row.size else None,
            row.fps or X.A2V_DEFAULT_FPS,
            camera_motion=row.camera_motion,
            image=IMG if row.image else None,
            last_frame=LAST if row.last_frame else None,
            audio=AUD,
        )
        f.verdict("session", label, client_want, *session_says(session, facts))
        if want.ok and row.facts:
            model = row.model or X.PRO_23
            tier = X.tier_of(X.a2v_size(row.size, portrait_image=portrait))
            assert tier is not None
            rate, published = P.a2v_rate(model, tier)
            got = quoted(session, facts)
            if isinstance(got, Quote):
                price = rate * Decimal(str(row.audio_seconds))
                f.equal("estimate", label, price, got.usd, "§6 A2V price")
                f.equal("estimate", label, published, got.published, "§6 A2V published")
            else:
                f.note("estimate", label, "§6 A2V price", got)
    # sandbox: the raw body with real media, through its whole admission
    raw: dict[str, Any] = {"audio_uri": media.audio[row.audio_seconds]}
    for name, value in (
        ("prompt", row.prompt),
        ("model", row.model),
        ("resolution", row.size),
        ("fps", row.fps),
        ("camera_motion", row.camera_motion),
        (
            "image_uri",
            {"landscape": media.landscape, "portrait": media.portrait}.get(row.image or ""),
        ),
        ("last_frame_uri", media.landscape if row.last_frame else None),
    ):
        if value is not None:
            raw[name] = value
    f.verdict("sandbox validation", label, want, *await admitted(app, X.A2V, raw))


# ---------------------------------------------------------------------------- the ledger


@dataclass
class Submission:
    row: str
    endpoint: str
    body: dict[str, Any]
    usd: Decimal | None  # None: the contract refuses the request
    exact: bool = True
    rule: str = ""
    render_fps: int | None = None  # A2V: the fps the output must have
    render_size: str | None = None  # A2V: the output size (§3 default by the image's orientation)
    job_id: str | None = None


def _body(client: Any, raw: dict[str, Any]) -> dict[str, Any]:
    """The body the client would send, or the raw body when the client refuses it."""
    try:
        body: dict[str, Any] = client.to_body()
    except InvalidRequest:
        return raw
    return body


def _ledger_rows(media: Media) -> Iterator[Submission]:
    for i, p in enumerate(x for x in P.GEN_PRICES if x.ledger):
        image = {"image_uri": media.landscape} if p.endpoint == X.I2V else {}
        prompt = f"{PROMPT} #{i}"
        raw = {
            "prompt": prompt,
            "model": p.model,
            "duration": p.duration,
            "resolution": p.size,
            "fps": p.fps,
            "generate_audio": True,
            **image,
        }
        args = {"prompt": prompt, "model": Model(p.model), "resolution": p.size, "fps": p.fps}
        client = (
            TextToVideo(**args, duration=p.duration)
            if p.endpoint == X.T2V
            else ImageToVideo(**args, duration=p.duration, image_uri=media.landscape)
        )
        row = f"{p.endpoint} {p.model} {p.size} {p.fps} fps {p.duration} s"
        yield Submission(row, p.endpoint, _body(client, raw), p.usd, rule="§6 t2v/i2v")
    for i, a in enumerate(x for x in P.A2V_PRICES if x.ledger):
        prompt = f"{PROMPT} a2v #{i}"
        raw = {"audio_uri": media.audio[float(a.audio_seconds)], "prompt": prompt}
        if a.model is not None:
            raw["model"] = a.model
        if a.size is not None:
            raw["resolution"] = a.size
        if a.fps is not None:
            raw["fps"] = a.fps
        if a.portrait_image is not None:
            raw["image_uri"] = media.portrait if a.portrait_image else media.landscape
        client = AudioToVideo(
            audio_uri=raw["audio_uri"],
            prompt=prompt,
            image_uri=raw.get("image_uri"),
            model=Model(a.model or X.PRO_23),
            resolution=Resolution.parse(a.size) if a.size else None,
            fps=a.fps or X.A2V_DEFAULT_FPS,
        )
        body = _body(client, raw)
        if a.model is None:
            body.pop("model", None)  # exercise the server's default model
        if a.fps is None:
            body.pop("fps", None)  # and its default fps (§3: 24)
        rule = "§6 A2V " + ("published" if a.published else "t2v-rate estimate")
        fps = a.fps or X.A2V_DEFAULT_FPS
        size = X.a2v_size(a.size, portrait_image=a.portrait_image)
        yield Submission(
            f"a2v {a.name}", X.A2V, body, a.usd, rule=rule, render_fps=fps, render_size=size
        )
    video_4s = media.video[320, 180, 24, 96]
    for r in (x for x in P.RETAKE_PRICES if x.ledger):
        assert r.input_seconds == 4
        raw = {"video_uri": video_4s, "start_time": 0.0, "duration": 2.0}
        client = Retake(video_uri=video_4s, start_time=0.0, duration=2.0)
        yield Submission("retake of 4 s", X.RETAKE, _body(client, raw), r.usd, rule="§6 retake")
    inputs = {
        (4, 24): (320, 180, 24, 96),
        (3, 25): (320, 180, 25, 75),
        (20, 24): (320, 180, 24, 480),
    }
    for e in (x for x in P.EXTEND_PRICES if x.ledger):
        uri = media.video[inputs[e.input_seconds, e.input_fps]]
        raw = {"video_uri": uri, "duration": float(e.duration)}
        if e.context is not None:
            raw["context"] = float(e.context)
        client2 = Extend(video_uri=uri, duration=float(e.duration), context=e.context)
        yield Submission(
            f"extend {e.name}", X.EXTEND, _body(client2, raw), e.usd, e.exact, "§6 extend"
        )
    for h in (x for x in P.HDR_PRICES if x.ledger):
        uri = media.video[h.width, h.height, 24, h.frames]
        body = _body(Hdr(video_uri=uri), {"video_uri": uri})
        yield Submission(f"hdr {h.width}x{h.height}", X.HDR, body, h.usd, rule="§6 HDR by tier")
    for p2 in (x for x in P.REFRAME_PRICES if x.ledger):
        uri = media.video[320, 180, 24, 48]
        raw = {"video_uri": uri, "resolution": p2.size}
        body = _body(Reframe(video_uri=uri, resolution=Resolution.parse(p2.size)), raw)
        if p2.model is not None:
            body["model"] = p2.model  # §3: sent and ignored
        row = f"reframe to {p2.size}" + (f" with model {p2.model}" if p2.model else "")
        yield Submission(row, X.REFRAME, body, p2.usd, rule="§6 reframe by output size")
    # refused only once the media is known
    yield Submission(
        "extend 2 s + context 20 s on a 20 s input at 24 fps (528 frames)",
        X.EXTEND,
        {"video_uri": media.video[320, 180, 24, 480], "duration": 2.0, "context": 20.0},
        None,
        rule="§3 extend context + duration ≤ 505 frames",
    )
    yield Submission(
        "extend 20 s on a 25 fps input, default context (≥ 525 frames)",
        X.EXTEND,
        {"video_uri": media.video[320, 180, 25, 75], "duration": 20.0},
        None,
        rule="§3 extend context ≥ 1 and ≤ 505 frames (READING R10)",
    )
    yield Submission(
        "hdr 2592x1458, 42 frames",
        X.HDR,
        {"video_uri": media.video[2592, 1458, 24, 42]},
        None,
        rule="§3 HDR frame cap 41 in the 4K tier (READING R9)",
    )


@pytest.mark.asyncio
async def test_the_sandbox_charges_the_table_price(app: App, media: Media) -> None:
    """Submit through the real sandbox app, finish on the ManualClock, read the ledger."""
    f = Findings("sandbox ledger (§6)")
    submissions = list(_ledger_rows(media))
    for s in submissions:
        f.rows += 1
        r = await app.http.post(f"/v2/{s.endpoint}", json=s.body)
        want = Verdict(s.usd is not None, s.rule)
        why = ""
        if r.status_code == 202:
            s.job_id = r.json()["id"]
        else:
            error = r.json().get("error", {}) if r.headers.get("content-type") else {}
            why = f"{r.status_code} {error.get('type')}: {error.get('message')}"
            if r.status_code != 400 or error.get("type") != "invalid_request_error":
                why = f"{BROKEN}answered {why}, not 400 invalid_request_error"
        f.verdict("sandbox validation", s.row, want, r.status_code == 202, why)
    await app.sandbox.idle()
    app.clock.advance(3600)
    for s in submissions:
        if s.job_id is None:
            continue
        status = (await app.http.get(f"/v2/{s.endpoint}/{s.job_id}")).json()
        if status.get("status") != "completed":
            f.note("sandbox ledger", s.row, s.rule, f"job ended {status}")
    entries = (await app.http.get("/_sandbox/ledger")).json()["entries"]
    charged = {e["job_id"]: e["amount_usd"] for e in entries if e["kind"] == "charge"}
    for s in submissions:
        if s.job_id is None or s.usd is None:
            continue
        text = charged.get(s.job_id)
        if text is None:
            f.note("sandbox ledger", s.row, s.rule, "no charge in the ledger")
            continue
        got, want_usd = Decimal(text), s.usd
        if not s.exact:  # READING R6: to the cent
            got, want_usd = got.quantize(CENT), want_usd.quantize(CENT)
        if got == want_usd:
            f.ok("sandbox ledger")
        else:
            f.note("sandbox ledger", s.row, s.rule, f"want ${want_usd}; charged {text!r}")
    # §3/§7: A2V renders at the requested fps, 24 when none is sent
    rendered = {getattr(spec, "prompt", None): spec for spec in app.renders}
    for s in submissions:
        if s.render_fps is None or s.job_id is None:
            continue
        spec = rendered.get(s.body.get("prompt"))
        fps = getattr(spec, "fps", None)
        f.equal("sandbox render", s.row, s.render_fps, fps, "§3/§7 A2V renders at fps (24)")
        size = f"{getattr(spec, 'width', None)}x{getattr(spec, 'height', None)}"
        f.equal("sandbox render", s.row, s.render_size, size, "§3 A2V output size (default)")
    f.assert_none()
