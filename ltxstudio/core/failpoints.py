"""Crash points for crash-safety tests: `hit("after-submit")` kills this process on the spot when
the environment asks for it, and does nothing otherwise.

`LTXSTUDIO_FAILPOINTS="after-submit:2,download"` makes the 2nd pass through "after-submit" (or
the 1st through "download") SIGKILL the process — no cleanup, no `finally`, exactly like a crash
or `kill -9`. Read once at import; a process without the variable pays one dict lookup per hit.

Points: upload, after-intent (the submit intent is journaled, the POST not sent), after-submit
(the API answered, the id not yet journaled), poll, download (mid-body), before-rename (a
download is complete under `.part`), filed (the take is in the library, the job not yet done).
"""

from __future__ import annotations

import os
import signal

ENV = "LTXSTUDIO_FAILPOINTS"


def _parse(spec: str) -> dict[str, int]:
    points: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, nth = item.partition(":")
        points[name] = int(nth) if nth else 1
    return points


_armed = _parse(os.environ.get(ENV, ""))
_hits: dict[str, int] = {}


def hit(name: str) -> None:
    if not _armed or name not in _armed:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] == _armed[name]:
        os.kill(os.getpid(), signal.SIGKILL)
