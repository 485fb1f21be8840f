"""The use-cases the UI and the CLI call: owns settings, the client, the jobs and the library.
Qt-free, so the whole app can be driven from a test or a REPL.

The package loads its names on first use (PEP 562), so importing one light module of it
(`session.forms`, `session.preflight`) does not open the engine's whole import graph.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ltxstudio.session.opening import NoApiKey, SessionOptions
    from ltxstudio.session.preflight import BadInput, Preflight
    from ltxstudio.session.session import DrainSummary, Session

_WHERE = {
    "BadInput": "preflight",
    "DrainSummary": "session",
    "NoApiKey": "opening",
    "Preflight": "preflight",
    "Session": "session",
    "SessionOptions": "opening",
}

__all__ = ["BadInput", "DrainSummary", "NoApiKey", "Preflight", "Session", "SessionOptions"]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
