"""What the client writes to logs, and what it keeps out of them.

INFO/WARNING lines carry method, path (API) or host + path (storage), status, latency,
`x-request-id`, attempt and job id. Never the API key or the Authorization header, never a signed
URL's query, never a whole `data:` URI. Request bodies — prompts included — only at DEBUG, with
`data:` URIs shortened to their header and length.

httpx logs every request at INFO with the full URL, which for pre-signed upload/result URLs
includes the signature; `install_httpx_url_filter()` rewrites those records to the redacted form.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ltxstudio.api._urls import redact_data_uri, redact_url

log = logging.getLogger("ltxstudio.api")


def redact_body(body: Any) -> Any:
    """A copy of a JSON body fit for a DEBUG log: data: URIs shortened, signed URLs trimmed."""
    if isinstance(body, Mapping):
        return {k: redact_body(v) for k, v in body.items()}
    if isinstance(body, list):
        return [redact_body(v) for v in body]
    if isinstance(body, str):
        if body.startswith("data:"):
            return redact_data_uri(body)
        if body.startswith(("https://", "http://")):
            return redact_url(body)
    return body


class _HttpxUrlFilter(logging.Filter):
    """Replace URL arguments of httpx's "HTTP Request: …" records with their redacted form."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args:
            record.args = tuple(
                redact_url(str(a)) if str(a).startswith(("http://", "https://")) else a
                for a in args
            )
        return True


_FILTER = _HttpxUrlFilter()


def install_httpx_url_filter() -> None:
    """Idempotent: attach the redacting filter to the `httpx` logger."""
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


class Scrubber:
    """Removes one secret from text that came from elsewhere (server messages, exception text)."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def __call__(self, text: str) -> str:
        return text.replace(self._secret, "[redacted]") if self._secret else text

    def __repr__(self) -> str:
        return "Scrubber([redacted])"
