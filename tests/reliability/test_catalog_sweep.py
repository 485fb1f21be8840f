"""R4's generated sweep: every model × resolution × fps × duration, at the request level.

The oracle is API-NOTES §4.3 (the Aug 2026 envelope the project supports), written out here by
hand rather than read from `core/catalog.py`, so a catalog that drifts from the documented table
fails. Each combination must get the same verdict from three places: that table, the client's
request check (what `ltxstudio generate` refuses before any network call) and the sandbox's
validation (what the emulated API answers 400 to). No subprocesses: about 7 000 combinations
take well under a second each way.
"""

from __future__ import annotations

from itertools import product

from ltxstudio.core.catalog import Endpoint, Model, Resolution
from ltxstudio.sandbox.errors import ApiError
from ltxstudio.sandbox.validation import parse_request
from ltxstudio.session.requests import GenerateRequest, Mode

P720, P1080 = ("1280x720", "720x1280"), ("1920x1080", "1080x1920")
P1440, P2160 = ("2560x1440", "1440x2560"), ("3840x2160", "2160x3840")
SHORT = {2, 3, 4, 5, 6, 8, 10}
LONG = SHORT | {12, 14, 16, 18, 20}
FAST = ("ltx-2-3-fast", "ltx-2-5-fast")
#: Outside the envelope on purpose: a square, an off-by-8 height, a 60 fps, odd durations.
ODD_RESOLUTIONS = ("1000x1000", "1920x1088", "1080x1080", "640x360")


def documented(model: str, resolution: str, fps: int, duration: int | None) -> bool:
    """API-NOTES §4.3, row by row; `None` is automatic duration (LTX-2.5 t2v/i2v only)."""
    if model in FAST:
        if resolution in P720 + P1080 and fps in (24, 25):
            durations = LONG
        elif resolution in P720 + P1080 + P1440 + P2160 and fps in (24, 25, 48, 50):
            durations = SHORT
        else:
            return False
    elif model == "ltx-2-3-pro":
        if resolution not in P720 + P1080 + P1440 + P2160 or fps not in (24, 25, 48, 50):
            return False
        durations = SHORT
    elif model == "ltx-2-5-pro":
        if resolution not in P720 + P1080 or fps not in (24, 25, 50):
            return False
        durations = SHORT
    else:
        raise AssertionError(model)
    if duration is None:
        return model.startswith("ltx-2-5")
    return duration in durations


def test_every_combination_gets_the_documented_verdict_from_client_and_sandbox() -> None:
    resolutions = (*P720, *P1080, *P1440, *P2160, *ODD_RESOLUTIONS)
    fps_values = (23, 24, 25, 30, 48, 50, 60)
    durations: tuple[int | None, ...] = (None, 1, *range(2, 22))
    disagreements = []
    checked = accepted = 0
    for model, text, fps, duration in product(Model, resolutions, fps_values, durations):
        request = GenerateRequest(
            Mode.TEXT, "a lighthouse at dusk", model, Resolution.parse(text), fps, duration
        )
        client_ok = not request.problems()
        try:
            parse_request(Endpoint.TEXT_TO_VIDEO, request.params())
            sandbox_ok = True
        except ApiError:
            sandbox_ok = False
        expected = documented(model.value, text, fps, duration)
        if not client_ok == sandbox_ok == expected:
            disagreements.append((model.value, text, fps, duration, expected, client_ok))
        checked += 1
        accepted += expected
    assert not disagreements, disagreements[:20]
    assert checked == 4 * 12 * 7 * 22
    assert 500 < accepted < checked / 2  # the grid straddles the envelope, both ways
