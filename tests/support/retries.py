"""The client's retries as a test sees them: the `RetryNotice` each retry's log record carries."""

from __future__ import annotations

import logging

import pytest

from ltxstudio.api import RetryNotice


def retry_notices(caplog: pytest.LogCaptureFixture) -> list[RetryNotice]:
    return [
        r.retry  # type: ignore[attr-defined]  # set through `extra=` by the request loop
        for r in caplog.records
        if r.name == "ltxstudio.api" and isinstance(getattr(r, "retry", None), RetryNotice)
    ]


def capture_retries(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ltxstudio.api")
