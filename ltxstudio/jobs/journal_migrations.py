"""The journal's schema, version by version: each step takes it to the next in one transaction.

1. The first schema.
2. v2 only (the v1 generation routes were retired on 2026-10-26) and when a body was prepared.
3. Typed requests: a job's spec holds the request in `core.request.codec`'s form, its prepared
   body the uploaded request in the same form, and each output its result key.

Every step says in the log what it changed. Steps are SQL scripts, or functions for what SQL
cannot say; they run on whatever an older release wrote, so they read JSON defensively.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Final

from ltxstudio.core.lineage import lineage_from_json, lineage_to_json
from ltxstudio.core.remote import ResultKey
from ltxstudio.core.request import codec

log = logging.getLogger("ltxstudio.jobs")

SCHEMA_VERSION: Final = 3

_SCHEMA_V1 = """
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    estimate_e4 INTEGER NOT NULL,
    backend TEXT NOT NULL,
    approved INTEGER NOT NULL DEFAULT 0,
    remote_endpoint TEXT,
    remote_id TEXT,
    remote_created_at TEXT,
    remote_request_id TEXT,
    submitted_at REAL,
    finished_at REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_retry_at REAL,
    error TEXT,
    note TEXT NOT NULL DEFAULT '',
    prepared TEXT,
    result_urls TEXT NOT NULL DEFAULT '{}',
    outputs TEXT NOT NULL DEFAULT '[]',
    timings TEXT NOT NULL DEFAULT '{}',
    retry_of TEXT,
    lease_owner TEXT,
    lease_until REAL
);
CREATE INDEX jobs_by_state ON jobs(state);
CREATE INDEX jobs_by_submitted ON jobs(submitted_at);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: Fields the 2026-09 contract dropped, per endpoint: sending them now is a 400 (A2V's
#: `guidance_scale`), ignored (reframe's `model`) or undocumented (HDR's `output_colorspace`),
#: so a stored request loses them on load.
_DROPPED_FIELDS: dict[str, tuple[str, ...]] = {
    "audio-to-video": ("guidance_scale",),
    "video-to-video-reframe": ("model",),
    "video-to-video-hdr": ("output_colorspace",),
}


def _to_v2_only(db: sqlite3.Connection) -> None:
    """Schema 1 → 2: the v1 generation routes were retired on 2026-10-26, so a job journaled
    for v1 is moved to v2 (a queued one is submitted there; one whose v1 answer was already on
    disk just finishes), and fields the contract dropped leave stored requests. Also records
    when a body was prepared (uploads live 24 h); older rows have no such time."""
    db.execute("ALTER TABLE jobs ADD COLUMN prepared_at REAL")
    moved = cleaned = 0
    rows = db.execute("SELECT id, state, spec, prepared FROM jobs").fetchall()
    for job_id, state, spec_text, prepared_text in rows:
        spec = json.loads(spec_text)
        prepared = json.loads(prepared_text) if prepared_text else None
        changed = "surface" in spec
        if spec.pop("surface", "v2") == "v1":
            moved += 1
            changed = True
            log.info("journal: job %s (%s) was for the retired v1 route; now v2", job_id, state)
        for name in _DROPPED_FIELDS.get(spec.get("endpoint", ""), ()):
            for body in (spec.get("params", {}), prepared or {}):
                if name in body:
                    del body[name]
                    changed = True
                    cleaned += 1
        if changed:
            db.execute(
                "UPDATE jobs SET spec = ?, prepared = ? WHERE id = ?",
                (json.dumps(spec), json.dumps(prepared) if prepared is not None else None, job_id),
            )
    if moved or cleaned:
        log.warning(
            "journal migrated to v2 only: %d job(s) moved off the retired v1 routes, %d field(s) "
            "the 2026-09 contract dropped removed",
            moved,
            cleaned,
        )


def _typed_requests(db: sqlite3.Connection) -> None:
    """Schema 2 → 3: a spec's `params` + `media` and a prepared wire body become one typed
    request each (`core.request.codec`), lineage keeps its shape in `core.lineage`'s form, and
    outputs name their result key (until now the file's stem said it)."""
    rows = db.execute("SELECT id, spec, prepared, outputs FROM jobs").fetchall()
    for job_id, spec_text, prepared_text, outputs_text in rows:
        old = json.loads(spec_text)
        endpoint = old["endpoint"]
        request, dropped = codec.from_wire(endpoint, old.get("params", {}), old.get("media", {}))
        spec = {
            "request": codec.encode(request),
            "output_path": old.get("output_path"),
            "lineage": lineage_to_json(lineage_from_json(old.get("lineage"))),
        }
        prepared = None
        if prepared_text:
            uploaded, more = codec.from_wire(endpoint, json.loads(prepared_text))
            prepared = json.dumps(codec.encode(uploaded))
            dropped += more
        if dropped:
            log.warning("journal: job %s: fields no request has were dropped: %s", job_id, dropped)
        outputs = [
            {"key": _key_of(o["path"]).value, **o} if "key" not in o else o
            for o in json.loads(outputs_text)
        ]
        db.execute(
            "UPDATE jobs SET spec = ?, prepared = ?, outputs = ? WHERE id = ?",
            (json.dumps(spec), prepared, json.dumps(outputs), job_id),
        )
    if rows:
        log.info("journal: %d job(s) now hold typed requests (schema 3)", len(rows))


def _key_of(path: str) -> ResultKey:
    """Results were saved as `<key><suffix>`; the first version named them by the key alone."""
    return ResultKey(Path(path).name.split(".", 1)[0])


#: user_version → what takes the schema to the next version.
MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {
    0: _SCHEMA_V1,
    1: _to_v2_only,
    2: _typed_requests,
}


def statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
