"""The API key: OS keyring, or `LTX_API_KEY` for headless runs and CI. Never a file.

keyring is imported inside the functions that use it: its backend discovery (entry points) costs
more than all the rest of a command like `ltxstudio jobs list`, which never needs a key.

Resolution order: `LTX_API_KEY` (an explicit per-process choice wins), then the keyring. When the
platform has no usable keyring (headless Linux raises `NoKeyringError`, a locked collection
`KeyringLocked`/`InitError`), saving fails loudly with a sentence the UI can show, and the caller
may keep the key in memory for the session only. We never fall back to a plaintext backend.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum

from ltxstudio.core.errors import UserFacingError

SERVICE = "ltxstudio"
USERNAME = "api-key"
ENV_VAR = "LTX_API_KEY"


class KeySource(StrEnum):
    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    SESSION = "session"  # typed in this run only; forgotten on exit
    NONE = "none"


@dataclass(frozen=True)
class ApiKey:
    value: str
    source: KeySource

    def __repr__(self) -> str:  # keep the secret out of tracebacks and debug prints
        return f"ApiKey(source={self.source.value}, value=<redacted>)"

    __str__ = __repr__


class KeyringUnavailable(UserFacingError):
    """No usable OS keyring here; the key cannot be saved."""


def backend_name() -> str:
    """A human name for the keyring backend in use (for settings and the self-test)."""
    import keyring.errors

    kr = keyring.get_keyring()
    return f"{type(kr).__module__}.{type(kr).__name__}"


def keyring_usable() -> bool:
    import keyring.errors

    kr = keyring.get_keyring()
    return float(getattr(kr, "priority", 0)) > 0 and "fail" not in type(kr).__module__


def load_key() -> ApiKey | None:
    """The key to use now, or None (then the app runs on the sandbox)."""
    import keyring.errors

    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return ApiKey(env, KeySource.ENVIRONMENT)
    try:
        stored = keyring.get_password(SERVICE, USERNAME)
    except keyring.errors.KeyringError:
        return None
    return ApiKey(stored, KeySource.KEYRING) if stored else None


def save_key(value: str) -> ApiKey:
    import keyring.errors

    value = value.strip()
    if not value:
        raise UserFacingError("the API key is empty")
    try:
        keyring.set_password(SERVICE, USERNAME, value)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(
            "no system keyring is available, so the API key cannot be saved",
            hint=(
                "use it for this session only, or set LTX_API_KEY in the environment; "
                f"keyring said: {type(exc).__name__}"
            ),
        ) from None
    return ApiKey(value, KeySource.KEYRING)


def clear_key() -> bool:
    """Remove the stored key; True if one was there."""
    import keyring.errors

    try:
        if keyring.get_password(SERVICE, USERNAME) is None:
            return False
        keyring.delete_password(SERVICE, USERNAME)
    except keyring.errors.KeyringError:
        return False
    return True
