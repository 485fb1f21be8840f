"""The user's preferences, declared once with types and defaults.

UI state (window geometry, dock layout, last folders) is not here: it lives in QSettings inside
`ltxstudio.ui`. The API key is not here either: it lives in the OS keyring (`secrets.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ltxstudio.core.catalog import (
    API_BASE_URL,
    DEFAULT_CONCURRENCY,
    POLL_INTERVAL_SECONDS,
)

SCHEMA_VERSION = 2
#: The production host; the legacy one keeps working, and was the default of schema 1.


class Backend(StrEnum):
    AUTO = "auto"  # the live API when a key is found, else the sandbox
    LIVE = "live"
    SANDBOX = "sandbox"


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class Settings:
    backend: Backend = Backend.AUTO
    base_url: str = API_BASE_URL
    concurrency: int = DEFAULT_CONCURRENCY
    poll_interval: float = POLL_INTERVAL_SECONDS
    #: Daily spending cap in USD; a job that would cross it waits for approval. None = no cap.
    daily_budget_usd: Decimal | None = None
    #: Where clips and takes are stored; None = the default folder under the data dir.
    library_dir: str | None = None
    notifications: bool = True
    theme: Theme = Theme.SYSTEM
    #: How much faster than real time the built-in sandbox finishes its simulated jobs.
    sandbox_speed: float = 1.0

    def with_changes(self, **changes: Any) -> Settings:
        return validate(replace(self, **changes))


class SettingsError(ValueError):
    """A setting has a value it cannot take; the message names the field."""


def validate(s: Settings) -> Settings:
    if not 1 <= s.concurrency <= 32:
        raise SettingsError(f"concurrency must be between 1 and 32, not {s.concurrency}")
    if not 1.0 <= s.poll_interval <= 300.0:
        raise SettingsError(f"poll interval must be 1–300 s, not {s.poll_interval}")
    if s.daily_budget_usd is not None and s.daily_budget_usd < 0:
        raise SettingsError("the daily budget cannot be negative")
    if not 0.1 <= s.sandbox_speed <= 1000:
        raise SettingsError(f"sandbox speed must be 0.1–1000, not {s.sandbox_speed}")
    if not s.base_url.startswith(("https://", "http://")):
        raise SettingsError(f"base URL must start with https://, not {s.base_url!r}")
    return s


def to_json(s: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    for f in fields(s):
        value = getattr(s, f.name)
        out[f.name] = str(value) if isinstance(value, Decimal) else value
    return out


def from_json(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Build settings from stored JSON; bad values fall back to defaults, each with a warning."""
    defaults = Settings()
    kwargs: dict[str, Any] = {}
    warnings: list[str] = []
    converters: dict[str, Callable[[Any], Any]] = {
        "backend": Backend,
        "theme": Theme,
        "concurrency": int,
        "poll_interval": float,
        "sandbox_speed": float,
        "notifications": bool,
        "base_url": str,
        "library_dir": lambda v: None if v in (None, "") else str(v),
        "daily_budget_usd": lambda v: None if v in (None, "") else Decimal(str(v)),
    }
    for name, convert in converters.items():
        if name not in data:
            continue
        try:
            kwargs[name] = convert(data[name])
        except (ValueError, TypeError, InvalidOperation):
            warnings.append(f"setting {name}={data[name]!r} is invalid; using the default")
    try:
        return validate(replace(defaults, **kwargs)), warnings
    except SettingsError as exc:
        return defaults, [*warnings, f"{exc}; using defaults"]
