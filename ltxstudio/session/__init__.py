"""The use-cases the UI and the CLI call: owns settings, the client, the jobs and the library.
Qt-free, so the whole app can be driven from a test or a REPL."""

from ltxstudio.session.preflight import BadInput, Preflight
from ltxstudio.session.session import DrainSummary, NoApiKey, Session, SessionOptions

__all__ = ["BadInput", "DrainSummary", "NoApiKey", "Preflight", "Session", "SessionOptions"]
