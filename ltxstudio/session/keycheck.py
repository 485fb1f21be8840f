"""A free check of the API key: does the API take it? Creates nothing and costs nothing.

Used by `ltxstudio key check` and by Settings → Check key (also run after a key is saved). It
opens no journal or library: a throwaway client asks for the status of a job id that cannot
exist (404 = the key works, 401 = refused; see `LtxClient.check_key`).
"""

from __future__ import annotations

from ltxstudio.api import KeyCheck, KeyVerdict, LtxClient
from ltxstudio.core.clock import Clock, SystemClock
from ltxstudio.settings import store
from ltxstudio.settings.paths import AppPaths, app_paths

__all__ = ["KeyCheck", "KeyVerdict", "check_key", "target_base_url"]


def target_base_url(base_url: str | None = None, paths: AppPaths | None = None) -> str:
    """Where the key would be used: the caller's URL, else LTX_API_BASE_URL, else the setting."""
    if base_url:
        return base_url
    settings = store.load((paths or app_paths()).settings_file).settings
    return store.base_url_override() or settings.base_url


async def check_key(key: str, base_url: str, *, clock: Clock | None = None) -> KeyCheck:
    """The API's verdict on `key` at `base_url`. Raises ValueError for an unusable key or URL
    (whitespace in the key, plain http to a non-loopback host) before anything is sent."""
    async with LtxClient(key, base_url=base_url, clock=clock or SystemClock()) as client:
        return await client.check_key()
