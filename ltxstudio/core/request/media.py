"""A request's media inputs: a file on this machine, or a URI the API fetches.

Requests hold `LocalFile` until the engine uploads it (or inlines it as a `data:` URI); the body
sent to the API holds only `RemoteUri`. The two never mix up: `to_body()` refuses a `LocalFile`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Final

_SCHEME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


@dataclass(frozen=True)
class LocalFile:
    """A file on this machine, by its absolute path (journaled as is: a resume may run from
    another working directory)."""

    path: str

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True)
class RemoteUri:
    """What the API fetches: an `https://` URL, a `data:` URI or a storage URI from an upload."""

    uri: str

    def __str__(self) -> str:
        return self.uri


MediaRef = LocalFile | RemoteUri


def is_remote_reference(source: str) -> bool:
    """True for URLs and URIs (two or more letters before the colon; `C:\\…` is a path)."""
    return bool(_SCHEME.match(source)) and not source.lower().startswith("file:")


def media_ref(source: str | os.PathLike[str]) -> MediaRef:
    """A path or a URI as the right kind of reference; relative paths become absolute."""
    text = os.fspath(source)
    if is_remote_reference(text):
        return RemoteUri(text)
    if text[:7].lower() == "file://":  # a file URL names a local file
        text = text[7:]
    return LocalFile(os.path.abspath(text))  # noqa: PTH100 - no filesystem access, just joining
