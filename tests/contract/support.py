"""Shared by the contract-table tests: how each component's verdict is read, and the report.

Components, as named in the failure reports:

- client: the request models of `ltxstudio.api` (`TextToVideo(...).problems()`, …), placeholder
  media URIs, `MediaFacts` where a length or size matters;
- client body: the JSON the client would send (fields per §3, nothing "not in the API");
- session: `ltxstudio.session.forms` (`generation_request(...).problems()`, …), what the UI and
  the CLI call;
- estimate: `core.pricing.quote(request.cost_basis(facts))` from the session request, and whether
  the quote is marked published;
- sandbox validation: `sandbox.validation.parse_request` on the raw body and on the client's body;
  for A2V and the ledger rows, the sandbox's whole admission (`Sandbox.admit` / `POST /v2/…`) with
  real media, because its size and length rules need the input;
- sandbox ledger / sandbox render: what the sandbox app charged (`GET /_sandbox/ledger`) and what
  it was asked to render.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from ltxstudio.core.catalog import Endpoint, Model
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.pricing import Quote, quote
from ltxstudio.core.request import (
    MediaFacts,
)
from ltxstudio.sandbox.errors import ApiError
from ltxstudio.sandbox.service import Sandbox
from ltxstudio.sandbox.validation import parse_request
from tests.contract import expected as X
from tests.contract.expected import Verdict

PROMPT = "a lighthouse at dusk, waves breaking on the rocks"
#: Placeholder media for the client (never fetched); the sandbox gets real media as data URIs.
IMG = "ltx://uploads/x-image"
LAST = "ltx://uploads/x-last-frame"
AUD = "ltx://uploads/x-audio"
VID = "ltx://uploads/x-video"
KEY = "sbx_contract_table_key"
CENT = Decimal("0.01")
#: Starts a `why` for an answer that is wrong whatever the verdict: a refusal that is not a 400
#: `invalid_request_error`, or a check that raised instead of answering.
BROKEN = "BROKEN: "

# ---------------------------------------------------------------------------- findings


class Findings:
    """Every disagreement of one kind, reported at once with counts per component and rule."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.items: list[tuple[str, str, str]] = []  # (component, rule, line)
        self.checked: Counter[str] = Counter()
        self.rows = 0

    def verdict(self, component: str, row: str, want: Verdict, ok: bool, why: str = "") -> None:
        self.checked[component] += 1
        if why.startswith(BROKEN):
            rule = want.rule or "§2/§3 allowed"
            self.items.append((component, rule, f"{row}: {why}"))
        elif ok != want.ok:
            said = "allows" if want.ok else "refuses"
            got = "accepted" if ok else f"refused ({why})"
            rule = want.rule or "§2/§3 allowed"
            self.items.append((component, rule, f"{row}: contract {said} [{rule}]; {got}"))

    def equal(self, component: str, row: str, want: object, got: object, rule: str) -> None:
        self.checked[component] += 1
        if want != got:
            self.items.append((component, rule, f"{row}: want {want} [{rule}]; got {got}"))

    def note(self, component: str, row: str, rule: str, text: str) -> None:
        self.checked[component] += 1
        self.items.append((component, rule, f"{row}: {text} [{rule}]"))

    def ok(self, component: str) -> None:
        self.checked[component] += 1

    def report(self) -> str:
        lines = [f"{self.kind}: {len(self.items)} disagreement(s) in {self.rows} rows"]
        checked = ", ".join(f"{c} {n}" for c, n in sorted(self.checked.items()))
        lines.append(f"checks per component: {checked}")
        by_rule = Counter((c, r) for c, r, _ in self.items)
        lines.append("by component and rule:")
        lines += [f"  {n:5d}  [{c}] {r}" for (c, r), n in sorted(by_rule.items())]
        lines.append("all:")
        lines += [f"  [{c}] {line}" for c, _, line in sorted(self.items)]
        return "\n".join(lines)

    def assert_none(self) -> None:
        assert not self.items, self.report()


def client_says(request: Any) -> tuple[bool, str]:
    try:
        problems = request.problems()
    except Exception as exc:
        return False, f"{BROKEN}problems() raised {exc!r}"
    return not problems, "; ".join(f"{p.field}: {p.message}" for p in problems)


def session_says(request: Any, facts: MediaFacts | None = None) -> tuple[bool, str]:
    try:
        problems = request.problems(facts)
    except Exception as exc:
        return False, f"{BROKEN}problems() raised {exc!r}"
    return not problems, "; ".join(map(str, problems))


def refusal(exc: ApiError) -> tuple[bool, str]:
    """A sandbox refusal; anything but a 400 `invalid_request_error` is wrong (§5)."""
    if exc.status != 400 or exc.error_type != "invalid_request_error":
        return False, f"{BROKEN}answered {exc.status} {exc.error_type}, not 400: {exc.message}"
    return False, exc.message


def sandbox_says(endpoint: str, body: dict[str, Any]) -> tuple[bool, str]:
    try:
        parse_request(Endpoint(endpoint), body)
    except ApiError as exc:
        return refusal(exc)
    except Exception as exc:
        return False, f"{BROKEN}parse_request raised {exc!r}"
    return True, ""


def quoted(request: Any, facts: MediaFacts | None = None) -> Quote | str:
    """The session request's quote, or why there is none."""
    try:
        return quote(request.cost_basis(facts))
    except Exception as exc:  # UnpricedError (a ValueError) or worse
        return f"no quote ({type(exc).__name__}: {exc})"


def model_arg(model: str) -> Model | str:
    """The client's Model for a current id; a removed id stays a string (the API still gets it)."""
    return Model(model) if model in {m.value for m in Model} else model


def duration_text(duration: int | None) -> str:
    return "auto" if duration is None else f"{duration} s"


def check_client_body(f: Findings, row: str, endpoint: str, body: dict[str, Any]) -> None:
    extra = set(body) - X.FIELDS[endpoint]
    banned = set(body) & set(X.NOT_IN_THE_API)
    if extra or banned:
        f.note("client body", row, "§3 fields", f"sends fields {sorted(extra | banned)}")
    else:
        f.ok("client body")


# ---------------------------------------------------------------------------- the sandbox app


@dataclass(frozen=True)
class Media:
    audio: dict[float, str]  # seconds → data URI (M4A, AAC-LC)
    landscape: str  # PNG data URIs
    portrait: str
    video: dict[tuple[int, int, int, int], str]  # (width, height, fps, frames) → data URI


def data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


@dataclass
class App:
    """The sandbox app in process: its state, its clock, an HTTP client with the key, and every
    spec it was asked to render."""

    sandbox: Sandbox
    clock: ManualClock
    http: httpx.AsyncClient
    renders: list[Any]


async def admitted(app: App, endpoint: str, body: dict[str, Any]) -> tuple[bool, str]:
    """The sandbox's whole pre-job validation (parse + content + media admission)."""
    try:
        await app.sandbox.admit(Endpoint(endpoint), body)
    except ApiError as exc:
        return refusal(exc)
    except Exception as exc:
        return False, f"{BROKEN}Sandbox.admit raised {exc!r}"
    return True, ""
