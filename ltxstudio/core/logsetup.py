"""Logging for the app and the CLI: a rotating file in the log dir, and secret redaction.

The client never logs the API key or the Authorization header; `RedactSecrets` is the second
line of defence: every record that passes through a handler has each registered secret (and any
`Bearer …` token) replaced before it is formatted, including in exception tracebacks.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path
from typing import ClassVar

_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{6,}", re.IGNORECASE)
_DATA_URI = re.compile(r"(data:[\w/+.-]+;base64,)[A-Za-z0-9+/=]{64,}")
MASK = "<redacted>"


class RedactSecrets(logging.Filter):
    _secrets: ClassVar[set[str]] = set()

    @classmethod
    def register(cls, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            cls._secrets.add(secret)

    @classmethod
    def scrub(cls, text: str) -> str:
        for secret in cls._secrets:
            text = text.replace(secret, MASK)
        text = _BEARER.sub(rf"\1{MASK}", text)
        return _DATA_URI.sub(r"\1…", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        scrubbed = self.scrub(message)
        if scrubbed != message or record.args:
            record.msg, record.args = scrubbed, None
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


def configure(
    log_dir: Path | None,
    *,
    level: int = logging.INFO,
    console: bool = False,
    name: str = "ltxstudio",
) -> Path | None:
    """Install handlers on the root logger; returns the log file path (None if not writable)."""
    root = logging.getLogger()
    root.setLevel(min(level, logging.INFO) if log_dir else level)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = RedactSecrets()
    path: Path | None = None
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            path = log_dir / f"{name}.log"
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
            )
            handler.setFormatter(fmt)
            handler.addFilter(redact)
            handler.setLevel(logging.DEBUG if level <= logging.DEBUG else logging.INFO)
            root.addHandler(handler)
        except OSError:
            path = None
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(fmt)
        stream.addFilter(redact)
        stream.setLevel(level)
        root.addHandler(stream)
    return path
