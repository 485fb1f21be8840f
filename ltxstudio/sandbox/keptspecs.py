"""What a state dir keeps so a v2 job can be rendered again after a crash: its spec as JSON
(`specjson.py`) in the job's row, and the spec's media as files named by their content
(`blobs.py`, `inputs/`).

The media are written in the admission's worker thread, before the job row that names them is
committed; until then this process *holds* them, so a sweep on the loop cannot delete them. A
sweep deletes the inputs that no owed render (of any process on the dir) and no hold names. The
limit: another process's inputs, in the moment between its write and its commit, are not held
here; if a sweep took them and that process then crashed before rendering, the job would end
`failed` (api_error, not billed) after the restart.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from ltxstudio.sandbox.render import RenderSpec
from ltxstudio.sandbox.specjson import decode_spec, encode_spec, spec_inputs
from ltxstudio.sandbox.statedir import StateDir


class KeptSpecs:
    def __init__(self, state: StateDir) -> None:
        self._state = state
        self._held: Counter[str] = Counter()
        self._lock = threading.Lock()

    def keep(self, spec: RenderSpec) -> str:
        """The spec's JSON, its media stored and held until `let_go` (a worker thread's job)."""
        kept: list[str] = []

        def store(data: bytes) -> str:
            name = self._state.blobs.input_name(data)
            with self._lock:
                self._held[name] += 1
            kept.append(name)
            self._state.blobs.put_input(data, name)
            return name

        try:
            return encode_spec(spec, store)
        except BaseException:
            self._unhold(kept)
            raise

    def let_go(self, spec_json: str | None) -> None:
        """The job row names the media now (or the job was refused): stop holding them."""
        if spec_json is not None:
            self._unhold(spec_inputs(spec_json))

    def restore(self, spec_json: str) -> RenderSpec:
        """The spec back, media read from disk (a worker thread's job). Raises
        `SpecDecodeError` or `OSError` when it cannot be rebuilt."""
        return decode_spec(spec_json, self._state.blobs.read_input)

    def sweep(self) -> None:
        """Delete inputs nothing needs any more, and writes dead processes left half done."""
        keep: set[str] = set()
        for spec_json in self._state.db.owed_specs():
            keep |= spec_inputs(spec_json)
        with self._lock:
            keep |= set(self._held)
        self._state.blobs.prune_inputs(keep)
        self._state.blobs.prune_temps()

    def _unhold(self, names: Iterable[str]) -> None:
        with self._lock:
            for name in names:
                self._held[name] -= 1
                if self._held[name] <= 0:
                    del self._held[name]
