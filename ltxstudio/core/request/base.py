"""What every request model shares: its problems, its media, its body, its price basis.

A request is a frozen dataclass per endpoint. It is built once (by a form, the CLI or a batch
line), journaled through `codec.py`, uploaded (its `LocalFile`s become `RemoteUri`s through
`with_media`) and sent as `to_body()`; `problems()` is the one validation, returning every
problem at once, and `to_body()` runs it first, so an invalid body is never built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from os import PathLike
from typing import Any, ClassVar, Self

from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.errors import LtxStudioError
from ltxstudio.core.pricing import CostBasis
from ltxstudio.core.request.checks import FieldProblem, MediaFacts
from ltxstudio.core.request.media import LocalFile, MediaRef, RemoteUri, media_ref

#: Fields that hold media, in the order the API documents them.
MEDIA_FIELDS = ("image_uri", "last_frame_uri", "audio_uri", "video_uri")


class InvalidRequest(LtxStudioError, ValueError):
    """A request that cannot succeed as it is; `problems` lists every reason. (After
    `LtxStudioError` in the bases so the client's `RequestValidationError`, which is also an
    `ApiError`, initialises both.)"""

    def __init__(self, problems: list[FieldProblem]) -> None:
        if not problems:
            raise ValueError("InvalidRequest needs at least one problem")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")
        self.problems = problems
        #: The first problem's field and what it would accept (the one a caller shows first).
        self.field = problems[0].field
        self.allowed = problems[0].allowed


def title_of(prompt: str | None, endpoint: Endpoint) -> str:
    """A request's title from its prompt: the first line, or the endpoint without one."""
    text = (prompt or "").strip()
    return text.splitlines()[0][:80] if text else endpoint.value


class RequestBase:
    endpoint: ClassVar[Endpoint]

    def __post_init__(self) -> None:
        # A path or URI given as text is read once, here, into the reference it is, so every
        # caller (a form, the CLI, a batch line, a test) gets the same typed request.
        for name in MEDIA_FIELDS:
            value = getattr(self, name, None)
            if value is None:
                continue  # most fields, most of the time: skip the costly ABC check below
            if value == "":
                object.__setattr__(self, name, None)  # an empty field is no input
            elif isinstance(value, str | PathLike):
                object.__setattr__(self, name, media_ref(value))

    def problems(self, facts: MediaFacts | None = None) -> list[FieldProblem]:
        """Every reason this cannot succeed; `facts` (the main input, probed) sharpens them."""
        raise NotImplementedError

    def _body(self) -> dict[str, Any]:
        raise NotImplementedError

    def cost_basis(self, facts: MediaFacts | None = None) -> CostBasis:
        """What the price depends on (see `core.pricing.quote`)."""
        raise NotImplementedError

    def validate(self, facts: MediaFacts | None = None) -> None:
        problems = self.problems(facts)
        if problems:
            raise InvalidRequest(problems)

    def media(self) -> dict[str, MediaRef]:
        """The media inputs that are set, by API field."""
        return {
            f.name: value
            for f in fields(self)  # type: ignore[arg-type]
            if f.name in MEDIA_FIELDS and (value := getattr(self, f.name)) is not None
        }

    def local_files(self) -> dict[str, LocalFile]:
        return {k: v for k, v in self.media().items() if isinstance(v, LocalFile)}

    def with_media(self, refs: Mapping[str, MediaRef]) -> Self:
        """The same request with these media inputs replaced (e.g. uploaded)."""
        return replace(self, **refs)  # type: ignore[type-var]

    def to_body(self) -> dict[str, Any]:
        """The JSON body for `POST /v2/<endpoint>`; validates first, and every media input
        must be a `RemoteUri` by now (the engine uploads local files before it sends)."""
        self.validate()
        local = [name for name, ref in self.media().items() if not isinstance(ref, RemoteUri)]
        if local:
            raise ValueError(f"{', '.join(local)} still local: upload before sending")
        return self._body()

    @property
    def prompt_text(self) -> str:
        prompt = getattr(self, "prompt", None)
        return prompt if isinstance(prompt, str) else ""

    @property
    def title(self) -> str:
        """The prompt's first line (or the endpoint), for lists and logs."""
        return title_of(self.prompt_text, self.endpoint)

    def summary(self) -> str:
        """The request's settings with the prompt cut short (whole prompts are for DEBUG)."""
        values = {
            f.name: getattr(self, f.name)
            for f in fields(self)  # type: ignore[arg-type]
            if f.name not in MEDIA_FIELDS and f.name != "prompt"
        }
        shown = {k: str(v) for k, v in values.items() if v is not None}
        prompt = self.prompt_text
        cut = prompt[:40] + ("…" if len(prompt) > 40 else "")
        return f"{shown} prompt={cut!r}" if prompt else str(shown)


def uri(ref: MediaRef | None) -> str | None:
    """The wire form of a media input (`to_body` has checked it is remote)."""
    return None if ref is None else str(ref)
