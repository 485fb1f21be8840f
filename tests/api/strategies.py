"""Hypothesis strategies for valid request specs, drawn from the catalog's own tables."""

from __future__ import annotations

import base64

from hypothesis import strategies as st

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, Model
from ltxstudio.core.request import (
    AudioToVideo,
    Extend,
    GenerationRequest,
    Hdr,
    ImageToVideo,
    Placement,
    Reframe,
    Retake,
    TextToVideo,
)

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

prompts = st.one_of(
    st.text(min_size=1, max_size=300).filter(lambda s: s.strip() != ""),
    st.integers(1, catalog.PROMPT_MAX_CHARS).map(lambda n: "a" * n),
)


def _data_uri(mime: str) -> st.SearchStrategy[str]:
    payload = st.binary(min_size=1, max_size=64).map(lambda b: base64.b64encode(b).decode())
    return payload.map(lambda p: f"data:{mime};base64,{p}")


def uris(kind: str) -> st.SearchStrategy[str]:
    mimes = {"image": catalog.IMAGE_MIME, "video": catalog.VIDEO_MIME, "audio": catalog.AUDIO_MIME}
    names = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
    return st.one_of(
        names.map(lambda n: f"https://media.example.com/{n}"),
        names.map(lambda n: f"ltx://uploads/{n}"),
        st.sampled_from(mimes[kind]).flatmap(_data_uri),
    )


finite = {"allow_nan": False, "allow_infinity": False}


@st.composite
def generation_fields(draw: st.DrawFn, models: tuple[Model, ...], auto: bool) -> dict[str, object]:
    model = draw(st.sampled_from(models))
    resolution = draw(st.sampled_from(catalog.allowed_resolutions(model)))
    fps = draw(st.sampled_from(catalog.allowed_fps(model, resolution)))
    durations: list[int | None] = list(catalog.allowed_durations(model, resolution, fps))
    if auto and model in catalog.AUTO_DURATION_MODELS:
        durations.append(None)
    return {
        "prompt": draw(prompts),
        "model": model,
        "resolution": resolution,
        "fps": fps,
        "duration": draw(st.sampled_from(durations)),
        "generate_audio": draw(st.booleans()),
        "camera_motion": draw(st.none() | st.sampled_from(catalog.CAMERA_MOTIONS)),
    }


def text_to_video(
    models: tuple[Model, ...] = tuple(Model), auto: bool = True
) -> st.SearchStrategy[TextToVideo]:
    return generation_fields(models, auto).map(lambda f: TextToVideo(**f))  # type: ignore[arg-type]


@st.composite
def image_to_video(
    draw: st.DrawFn, models: tuple[Model, ...] = tuple(Model), auto: bool = True
) -> ImageToVideo:
    fields = draw(generation_fields(models, auto))
    # Contract §2: an automatic duration cannot be combined with a last frame.
    last = None if fields["duration"] is None else draw(st.none() | uris("image"))
    return ImageToVideo(
        image_uri=draw(uris("image")),
        last_frame_uri=last,
        **fields,  # type: ignore[arg-type]
    )


@st.composite
def audio_to_video(draw: st.DrawFn) -> AudioToVideo:
    model = draw(st.sampled_from(catalog.ENDPOINT_MODELS[Endpoint.AUDIO_TO_VIDEO]))
    resolution = draw(st.none() | st.sampled_from(catalog.a2v_resolutions(model)))
    fps = draw(
        st.sampled_from(catalog.a2v_fps(model, resolution or catalog.A2V_DEFAULT_RESOLUTION))
    )
    image = draw(st.none() | uris("image"))
    prompt = draw(prompts) if image is None else draw(st.none() | st.just("") | prompts)
    return AudioToVideo(
        audio_uri=draw(uris("audio")),
        prompt=prompt,
        image_uri=image,
        last_frame_uri=None if image is None else draw(st.none() | uris("image")),
        model=model,
        resolution=resolution,
        fps=fps,
        camera_motion=draw(st.none() | st.sampled_from(catalog.CAMERA_MOTIONS)),
    )


@st.composite
def retake(draw: st.DrawFn) -> Retake:
    return Retake(
        video_uri=draw(uris("video")),
        start_time=draw(st.floats(0.0, 19.0, **finite) | st.integers(0, 19)),
        duration=draw(st.floats(catalog.RETAKE_MIN_SECONDS, 20.0, **finite) | st.integers(2, 20)),
        prompt=draw(st.none() | prompts),
        mode=draw(st.sampled_from(catalog.RETAKE_MODES)),
        resolution=draw(st.none() | st.sampled_from(catalog.RETAKE_RESOLUTIONS)),
        model=draw(st.sampled_from(catalog.ENDPOINT_MODELS[Endpoint.RETAKE])),
    )


@st.composite
def extend(draw: st.DrawFn) -> Extend:
    low, high = catalog.EXTEND_SECONDS
    return Extend(
        video_uri=draw(uris("video")),
        duration=draw(st.floats(low, high, **finite)),
        prompt=draw(st.none() | prompts),
        mode=draw(st.sampled_from(catalog.EXTEND_MODES)),
        model=draw(st.sampled_from(catalog.ENDPOINT_MODELS[Endpoint.EXTEND])),
        context=draw(st.none() | st.floats(*catalog.EXTEND_CONTEXT_SECONDS, **finite)),
    )


@st.composite
def hdr(draw: st.DrawFn, oas_only: bool = False) -> Hdr:
    return Hdr(video_uri=draw(uris("video")))


fractions = st.floats(0.0, 1.0, **finite)
sizes = st.floats(0.01, 1.0, **finite)
placements = st.one_of(
    st.sampled_from(catalog.REFRAME_ANCHORS).map(lambda a: Placement(anchor=a)),
    st.builds(Placement, x=fractions, y=fractions, width=sizes, height=st.none() | sizes),
    st.builds(Placement, x=fractions, y=fractions, height=sizes),
)


@st.composite
def reframe(draw: st.DrawFn) -> Reframe:
    return Reframe(
        video_uri=draw(uris("video")),
        resolution=draw(st.sampled_from(catalog.REFRAME_RESOLUTIONS)),
        placement=draw(st.none() | placements),
    )


def any_request() -> st.SearchStrategy[GenerationRequest]:
    return st.one_of(
        text_to_video(),
        image_to_video(),
        audio_to_video(),
        retake(),
        extend(),
        hdr(),
        reframe(),
    )


#: Only values the July OpenAPI enums list (no LTX-2.5, no null duration, no later fields).
#: Audio-to-video and reframe are left out: since the contract's changes (A2V always sends
#: `fps`; reframe no longer sends `model`) no body of theirs fits the untouched export.
OAS_MODELS = (Model.LTX_2_3_FAST, Model.LTX_2_3_PRO)


def oas_request() -> st.SearchStrategy[GenerationRequest]:
    return st.one_of(
        text_to_video(OAS_MODELS, auto=False),
        image_to_video(OAS_MODELS, auto=False),
        retake(),
        extend(),
        hdr(oas_only=True),
    )
