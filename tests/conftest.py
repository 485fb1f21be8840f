"""Fixtures for every test: isolation (config/data/cache dirs, keyring, env), a loopback-only
network guard, and the official OpenAPI document from ../shared.

Engine tests run with LTXSTUDIO_FORBID_QT=1 (see the Makefile): any import of PySide6, shiboken6
or qasync then fails, which proves everything below `ltxstudio.ui` works without Qt.
"""

from __future__ import annotations

import importlib.abc
import ipaddress
import json
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.openapi_contract import amend_to_contract

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_QT_MODULES = ("PySide6", "shiboken6", "qasync")


class _ForbidQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name.split(".")[0] in _QT_MODULES:
            raise ImportError(f"{name} imported in a Qt-free test run (LTXSTUDIO_FORBID_QT=1)")
        return None


if os.environ.get("LTXSTUDIO_FORBID_QT"):
    loaded = [m for m in sys.modules if m.split(".")[0] in _QT_MODULES]
    assert not loaded, f"Qt was imported before the guard: {loaded}"
    sys.meta_path.insert(0, _ForbidQt())

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LTXSTUDIO_SHARED", REPO.parent / "shared"))

# ------------------------------------------------------------------ network guard

_blocked: list[str] = []


def _is_loopback(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else str(address)
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(original: Any) -> Any:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            _blocked.append(repr(address))
            raise ConnectionRefusedError(f"tests may only reach loopback, not {address!r}")
        return original(self, address)

    return connect


socket.socket.connect = _guarded(socket.socket.connect)  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded(socket.socket.connect_ex)  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _no_outside_network() -> Iterator[None]:
    start = len(_blocked)
    yield
    attempts = _blocked[start:]
    assert not attempts, f"test tried to reach non-loopback addresses: {attempts}"


# ------------------------------------------------------------------ isolation


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Fresh XDG dirs per test and no API key or base URL leaking in from the developer's shell."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    for var in ("LTX_API_KEY", "LTX_API_BASE_URL", "LTXSTUDIO_API_KEY", "LTXSTUDIO_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(autouse=True)
def _memory_keyring() -> Iterator[Any]:
    """An in-memory keyring: no test ever reads or writes the real OS keyring."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.entries: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.entries.pop((service, username), None)

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def cli(isolated_home: Path, tmp_path: Path) -> Any:
    """Runs `python -m ltxstudio` in child processes with this test's dirs (see cli_runner)."""
    from tests.support.cli_runner import make_cli

    return make_cli(isolated_home, tmp_path)


# ------------------------------------------------------------------ ../shared


@pytest.fixture(scope="session")
def openapi() -> dict[str, Any]:
    """The official OpenAPI document; contract tests skip, saying why, when it is absent."""
    path = SHARED / "ltx-api" / "openapi.json"
    if not path.is_file():
        pytest.skip(
            f"{path} is absent: contract tests need the official LTX OpenAPI beside the repo"
        )
    document: dict[str, Any] = json.loads(path.read_text())
    return document


@pytest.fixture(scope="session")
def contract_openapi(openapi: dict[str, Any]) -> dict[str, Any]:
    """The July export amended by CONTRACT-2026-09 (which wins where they disagree)."""
    return amend_to_contract(openapi)
