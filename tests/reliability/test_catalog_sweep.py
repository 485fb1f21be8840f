"""R4's generated sweep: every model × resolution × fps × duration, at the request level.

The oracle is the hand-written table of CONTRACT-2026-09 in `tests/contract/expected.py` (the
§2 matrix, 2.5 Pro at 1440p/4K and 48 fps included; 2–5 s kept; automatic duration on 2.5 only),
not `core/catalog.py`, so a catalog that drifts from the contract fails. Each combination must
get the same verdict from three places: that table, the client's request check (what
`ltxstudio generate` refuses before any network call) and the sandbox's validation (what the
emulated API answers 400 to). `tests/contract/test_contract_table.py` walks the wider grid (I2V,
last frames, removed models, prices); this one stays the reliability suite's quick sweep. No
subprocesses: about 7 000 combinations take well under a second each way.
"""

from __future__ import annotations

from itertools import product

from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.sandbox.errors import ApiError
from ltxstudio.sandbox.validation import parse_request
from ltxstudio.session.forms import Mode, generation_request
from tests.contract import expected

#: Outside the matrix on purpose: a square, an off-by-8 height, a 60 fps, odd durations.
ODD_RESOLUTIONS = ("1000x1000", "1920x1088", "1080x1080", "640x360")


def documented(model: str, resolution: str, fps: int, duration: int | None) -> bool:
    """CONTRACT-2026-09 §2 for text-to-video; `None` is automatic duration."""
    verdict = expected.generation_verdict(
        expected.T2V, model, resolution, fps, duration, last_frame=False
    )
    return verdict.ok


def test_every_combination_gets_the_documented_verdict_from_client_and_sandbox() -> None:
    resolutions = (*expected.STANDARD_SIZES, *ODD_RESOLUTIONS)
    fps_values = expected.FPS_PROBES
    durations = expected.DURATION_PROBES
    disagreements = []
    checked = accepted = 0
    for model, text, fps, duration in product(Model, resolutions, fps_values, durations):
        request = generation_request(
            Mode.TEXT, "a lighthouse at dusk", model, Resolution.parse(text), fps, duration
        )
        client_ok = not request.problems()
        try:
            # The body as it would be sent, also when the client refuses it (to_body() validates).
            parse_request(Endpoint.TEXT_TO_VIDEO, request._body())
            sandbox_ok = True
        except ApiError:
            sandbox_ok = False
        expected_ok = documented(model.value, text, fps, duration)
        if not client_ok == sandbox_ok == expected_ok:
            disagreements.append(
                (model.value, text, fps, duration, expected_ok, client_ok, sandbox_ok)
            )
        checked += 1
        accepted += expected_ok
    assert not disagreements, disagreements
    assert checked == 4 * 12 * 7 * 22
    assert 500 < accepted < checked / 2  # the grid straddles the matrix, both ways
