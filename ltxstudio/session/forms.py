"""What the generate form (GUI) and `ltxstudio generate` (CLI) build: one typed request.

The form thinks in modes (text, image, audio) and in files; the request family (`core.request`)
thinks in endpoints and media references. `generation_request` is the one function between
them, and it checks nothing itself: every rule, the form's own included ("image-to-video needs a
first-frame image"), is the request's `problems()`.
"""

from __future__ import annotations

import os
from enum import StrEnum

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.core.request import (
    AudioToVideo,
    GenerationRequest,
    ImageToVideo,
    MediaRef,
    TextToVideo,
    media_ref,
)

DEFAULT_RESOLUTION = Resolution(1920, 1080)


class Mode(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"

    @property
    def endpoint(self) -> Endpoint:
        match self:
            case Mode.TEXT:
                return Endpoint.TEXT_TO_VIDEO
            case Mode.IMAGE:
                return Endpoint.IMAGE_TO_VIDEO
            case Mode.AUDIO:
                return Endpoint.AUDIO_TO_VIDEO

    @classmethod
    def of(cls, request: GenerationRequest) -> Mode:
        match request:
            case TextToVideo():
                return Mode.TEXT
            case ImageToVideo():
                return Mode.IMAGE
            case AudioToVideo():
                return Mode.AUDIO


def _ref(source: str | os.PathLike[str] | None) -> MediaRef | None:
    return None if source is None or os.fspath(source) == "" else media_ref(source)


def generation_request(
    mode: Mode,
    prompt: str,
    model: Model = Model.LTX_2_3_PRO,
    resolution: Resolution | None = DEFAULT_RESOLUTION,
    fps: int | None = None,
    duration: int | None = 6,
    *,
    generate_audio: bool = True,
    camera_motion: str | None = None,
    image: str | os.PathLike[str] | None = None,
    last_frame: str | os.PathLike[str] | None = None,
    audio: str | os.PathLike[str] | None = None,
) -> GenerationRequest:
    """The request a form (or the CLI's flags) stands for in `mode`; inputs the mode does not
    take are left out. `resolution` None means "by the image" (audio mode only); `fps` None the
    endpoint's default; `duration` None "automatic" (LTX-2.5)."""
    match mode:
        case Mode.TEXT | Mode.IMAGE:
            size = resolution or DEFAULT_RESOLUTION
            rate = fps or catalog.DEFAULT_FPS
            if mode is Mode.TEXT:
                return TextToVideo(
                    prompt=prompt,
                    model=model,
                    resolution=size,
                    duration=duration,
                    fps=rate,
                    generate_audio=generate_audio,
                    camera_motion=camera_motion,
                )
            return ImageToVideo(
                prompt=prompt,
                model=model,
                resolution=size,
                duration=duration,
                fps=rate,
                generate_audio=generate_audio,
                camera_motion=camera_motion,
                image_uri=_ref(image),
                last_frame_uri=_ref(last_frame),
            )
        case Mode.AUDIO:
            image_ref = _ref(image)
            return AudioToVideo(
                audio_uri=_ref(audio),
                # With an image the prompt may be left out; without one it is needed (and
                # an empty one is a problem the request names).
                prompt=prompt if prompt or image_ref is None else None,
                image_uri=image_ref,
                last_frame_uri=_ref(last_frame),
                model=model,
                resolution=resolution,
                fps=fps or catalog.A2V_DEFAULT_FPS,
                camera_motion=camera_motion,
            )
