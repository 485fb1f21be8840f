"""Fault injection: a seeded, declarative plan and the per-app injector that applies it.

A `FaultPlan` is immutable data (it lives in the frozen `SandboxConfig` and can be replaced at
runtime through `PUT /_sandbox/faults`); a `FaultInjector` holds the mutable part: per-scope call
counters and the seeded RNG. The same plan and the same sequence of requests give the same faults.

Spec syntax (`ltxstudio sandbox --faults SPEC`), comma-separated items::

    seed=7                  seed of the probabilistic faults (default 0)
    rate=0.2                probability that a request gets a random fault from the mix
    mix=429|500|503|529     faults the random draw picks from (default: 429|500|503|529)
    SCOPE[#CALLS]=FAULT     a scripted fault on chosen calls of a scope (first match wins)

    SCOPE  any | submit | poll | upload | put | download
           | v2/<endpoint>                        e.g. v2/text-to-video, v2/retake
    CALLS  N (the Nth call of that scope, 1-based) | N-M | N+ (from N on); omitted = every call
    FAULT  400|402|413|422|429|500|503|504|529[:SECONDS]   an error answer; SECONDS = Retry-After
                                   (on storage routes in storage's XML, e.g. 503 ServiceUnavailable)
           reset                   send part of the body, then drop the connection
           truncate                send part of the body, then end it short of Content-Length
           slow:SECONDS            answer normally after SECONDS (on the injected clock)
         on submits only:
           fail[:ERROR_TYPE]       accept the job, then let it end `failed` (default
                                   content_filtered_error; e.g. fail:payment_declined_error)
           permission              403 permission_error "This endpoint is not available for your
                                   account" (contract §5: not a bad key, not retryable)
           queue_full[:SECONDS]    429 rate_limit_error "Queue limit exceeded", Retry-After SECONDS
                                   (default 1), as when the organisation's queue is full
           declined                402 payment_declined_error
         on storage (put, download) only, in storage's XML:
           expired                 400 ExpiredToken, as from a signed URL whose time is up: the
                                   client must poll again for a fresh URL (which works)
           denied                  403 AccessDenied
         on put only:
           lost                    store the object, then drop the connection before the answer:
                                   a retried PUT gets 412 PreconditionFailed (create-only URLs)

Example: ``submit#3=429:5,poll#2=503,download#1=expired,put#1=lost,submit#1=fail,rate=0.1``.

A scripted rule whose fault cannot happen on a route is skipped for that route (so `any=expired`
touches storage only), and a rule whose scope can never take its fault is refused when parsed
(`poll=expired`). Random draws happen only for requests no scripted rule matched, and only draw
what the route could answer: `fail`, `permission`, `queue_full`, `declined` and 400/402/413/422
only on submits; `expired` and `denied` only on storage, `lost` only on PUTs; 529 (the API's
"overloaded") never on storage. 504 is a gateway timing out and may be drawn for any call: the
OpenAPI listed it for v1, where the API itself timed out, but a gateway in front of v2 or storage
can time out too, and the client must then treat a submit as possibly accepted (API-NOTES §6.2,
§12.22).

There is no v1 scope: v1 generation is retired (contract §1) and its routes always answer 410.
And no `concurrency` fault: concurrency_limit_error was the sync API's answer; v2 answers a full
queue with `queue_full` (429 rate_limit_error).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from ltxstudio.core.catalog import Endpoint

STATUS_FAULTS: Final = (400, 402, 413, 422, 429, 500, 503, 504, 529)
BASE_SCOPES: Final = ("any", "submit", "poll", "upload", "put", "download")


class FaultKind(StrEnum):
    STATUS = "status"
    RESET = "reset"
    TRUNCATE = "truncate"
    SLOW = "slow"
    FAIL = "fail"
    PERMISSION = "permission"
    QUEUE_FULL = "queue_full"
    DECLINED = "declined"
    EXPIRED = "expired"
    DENIED = "denied"
    LOST = "lost"


#: Faults without an argument, spelled as their kind.
_BARE: Final = (
    FaultKind.RESET,
    FaultKind.TRUNCATE,
    FaultKind.PERMISSION,
    FaultKind.DECLINED,
    FaultKind.EXPIRED,
    FaultKind.DENIED,
    FaultKind.LOST,
)


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    status: int | None = None
    seconds: float | None = None
    error_type: str | None = None

    def spec(self) -> str:
        match self.kind:
            case FaultKind.STATUS:
                base = str(self.status)
                return f"{base}:{_num(self.seconds)}" if self.seconds is not None else base
            case (
                FaultKind.RESET
                | FaultKind.TRUNCATE
                | FaultKind.PERMISSION
                | FaultKind.DECLINED
                | FaultKind.EXPIRED
                | FaultKind.DENIED
                | FaultKind.LOST
            ):
                return self.kind.value
            case FaultKind.SLOW:
                return f"slow:{_num(self.seconds or 0.0)}"
            case FaultKind.FAIL:
                return f"fail:{self.error_type}" if self.error_type else "fail"
            case FaultKind.QUEUE_FULL:
                return (
                    f"queue_full:{_num(self.seconds)}" if self.seconds is not None else "queue_full"
                )


@dataclass(frozen=True)
class FaultRule:
    scope: str
    first: int = 1
    last: int | None = None  # None: every call from `first` on
    fault: Fault = field(default_factory=lambda: Fault(FaultKind.STATUS, 500))

    def matches(self, call: int) -> bool:
        return call >= self.first and (self.last is None or call <= self.last)

    def spec(self) -> str:
        if self.first == 1 and self.last is None:
            calls = ""
        elif self.last is None:
            calls = f"#{self.first}+"
        elif self.last == self.first:
            calls = f"#{self.first}"
        else:
            calls = f"#{self.first}-{self.last}"
        return f"{self.scope}{calls}={self.fault.spec()}"


DEFAULT_MIX: Final = tuple(Fault(FaultKind.STATUS, s) for s in (429, 500, 503, 529))


class FaultSpecError(ValueError):
    """A `--faults` spec that does not parse; the message names the offending item."""


@dataclass(frozen=True)
class FaultPlan:
    """What to inject. The default plan injects nothing."""

    rules: tuple[FaultRule, ...] = ()
    rate: float = 0.0
    mix: tuple[Fault, ...] = DEFAULT_MIX
    seed: int = 0

    @property
    def active(self) -> bool:
        return bool(self.rules) or self.rate > 0

    @classmethod
    def parse(cls, spec: str) -> FaultPlan:
        rules: list[FaultRule] = []
        rate, seed, mix = 0.0, 0, DEFAULT_MIX
        for raw in spec.split(","):
            item = raw.strip()
            if not item:
                continue
            key, sep, value = item.partition("=")
            if not sep or not value:
                raise FaultSpecError(f"fault item {item!r} must look like KEY=VALUE")
            key = key.strip().lower()
            value = value.strip()
            if key == "seed":
                seed = _int(value, item)
            elif key == "rate":
                rate = _float(value, item)
                if not 0.0 <= rate <= 1.0:
                    raise FaultSpecError(f"rate must be between 0 and 1, not {value!r}")
            elif key == "mix":
                mix = tuple(parse_fault(part, item) for part in value.split("|"))
            else:
                rules.append(_parse_rule(key, value, item))
        return cls(tuple(rules), rate, mix, seed)

    def spec(self) -> str:
        """The canonical spec string; `FaultPlan.parse(plan.spec()) == plan`."""
        items = [r.spec() for r in self.rules]
        if self.rate:
            items.append(f"rate={_num(self.rate)}")
        if self.mix != DEFAULT_MIX:
            items.append("mix=" + "|".join(f.spec() for f in self.mix))
        if self.seed:
            items.append(f"seed={self.seed}")
        return ",".join(items)


def parse_fault(text: str, item: str = "") -> Fault:
    name, _, arg = text.strip().lower().partition(":")
    where = item or text
    if name == "fail":
        return Fault(FaultKind.FAIL, error_type=arg or None)
    seconds = _float(arg, where) if arg else None
    if seconds is not None and seconds < 0:
        raise FaultSpecError(f"seconds must not be negative in {where!r}")
    if name.isdigit():
        status = int(name)
        if status not in STATUS_FAULTS:
            allowed = ", ".join(map(str, STATUS_FAULTS))
            raise FaultSpecError(f"status {status} in {where!r} is not injectable; use {allowed}")
        return Fault(FaultKind.STATUS, status, seconds)
    if name == "concurrency":
        raise FaultSpecError(
            f"there is no concurrency fault (in {where!r}): concurrency_limit_error was the "
            "retired sync API's answer (contract §5); v2 refuses too many queued jobs with "
            "queue_full (429 rate_limit_error)"
        )
    if name in {k.value for k in _BARE}:
        if arg:
            raise FaultSpecError(f"{name} takes no argument in {where!r}")
        return Fault(FaultKind(name))
    if name == "queue_full":
        return Fault(FaultKind.QUEUE_FULL, 429, seconds)
    if name == "slow":
        if seconds is None:
            raise FaultSpecError(f"slow needs seconds, e.g. slow:2.5, in {where!r}")
        return Fault(FaultKind.SLOW, seconds=seconds)
    raise FaultSpecError(f"unknown fault {text!r} in {where!r}")


def valid_scopes() -> tuple[str, ...]:
    return (*BASE_SCOPES, *(f"v2/{e.value}" for e in Endpoint))


def _parse_rule(key: str, value: str, item: str) -> FaultRule:
    scope, _, calls = key.partition("#")
    if scope == "v1" or scope.startswith("v1/"):
        raise FaultSpecError(
            f"there is no scope {scope!r} (in {item!r}): v1 generation was retired on "
            "2026-10-26 and its routes always answer 410; use submit or v2/<endpoint>"
        )
    if scope not in valid_scopes():
        raise FaultSpecError(
            f"unknown scope {scope!r} in {item!r}; use one of {', '.join(BASE_SCOPES)} "
            "or v2/<endpoint>"
        )
    first, last = 1, None
    if calls:
        if calls.endswith("+"):
            first = _int(calls[:-1], item)
        elif "-" in calls:
            lo, hi = calls.split("-", 1)
            first, last = _int(lo, item), _int(hi, item)
        else:
            first = last = _int(calls, item)
        if first < 1 or (last is not None and last < first):
            raise FaultSpecError(f"call numbers start at 1 and go up, not {calls!r} in {item!r}")
    fault = parse_fault(value, item)
    if not any(fits(fault, kind) for kind in kinds_of_scope(scope)):
        where = " or ".join(k.value for k in RouteKind if fits(fault, k))
        raise FaultSpecError(f"{value!r} happens on {where}, never on {scope} (in {item!r})")
    return FaultRule(scope, first, last, fault)


def _int(text: str, item: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise FaultSpecError(f"{text!r} in {item!r} is not a whole number") from None


def _float(text: str, item: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise FaultSpecError(f"{text!r} in {item!r} is not a number") from None


def _num(value: float | None) -> str:
    return f"{value:g}"


class RouteKind(StrEnum):
    """What kind of call a request is, for the applicability of drawn faults."""

    SUBMIT = "submit"
    POLL = "poll"
    UPLOAD = "upload"
    PUT = "put"
    DOWNLOAD = "download"


def kinds_of_scope(scope: str) -> tuple[RouteKind, ...]:
    """The kinds of call a scope counts (`any`: all of them)."""
    if scope == "any":
        return tuple(RouteKind)
    if scope.startswith("v2/"):
        return (RouteKind.SUBMIT,)
    return (RouteKind(scope),)


def scopes_for(kind: RouteKind, endpoint: str | None = None) -> tuple[str, ...]:
    """The scope names a request of this kind counts under, most general first."""
    scopes = ["any", kind.value]
    if endpoint and kind is RouteKind.SUBMIT:
        scopes.append(f"v2/{endpoint}")
    return tuple(scopes)


class FaultInjector:
    """Applies a `FaultPlan`: counts calls per scope and rolls the seeded dice."""

    def __init__(self, plan: FaultPlan) -> None:
        self.replace(plan)

    def replace(self, plan: FaultPlan) -> None:
        """Swap the plan; counters and the RNG restart, so the new plan is reproducible alone."""
        self.plan = plan
        self._calls: dict[str, int] = {}
        self._rng = random.Random(plan.seed)
        self.injected: list[tuple[str, str]] = []  # (scope of the call, fault spec)

    def draw(self, kind: RouteKind, endpoint: str | None = None) -> Fault | None:
        scopes = scopes_for(kind, endpoint)
        for scope in scopes:
            self._calls[scope] = self._calls.get(scope, 0) + 1
        fault = self._scripted(scopes, kind) or self._random(kind)
        if fault is not None:
            self.injected.append((scopes[-1], fault.spec()))
        return fault

    def _scripted(self, scopes: tuple[str, ...], kind: RouteKind) -> Fault | None:
        for rule in self.plan.rules:
            if (
                rule.scope in scopes
                and rule.matches(self._calls[rule.scope])
                and fits(rule.fault, kind)
            ):
                return rule.fault
        return None

    def _random(self, kind: RouteKind) -> Fault | None:
        if self.plan.rate <= 0:
            return None
        # Two draws per call whatever the outcome, so one route's applicability never shifts
        # the sequence another route sees.
        roll, pick = self._rng.random(), self._rng.random()
        if roll >= self.plan.rate:
            return None
        candidates = [f for f in self.plan.mix if applicable(f, kind)]
        if not candidates:
            return None
        return candidates[int(pick * len(candidates))]


STORAGE: Final = (RouteKind.PUT, RouteKind.DOWNLOAD)


def fits(fault: Fault, kind: RouteKind) -> bool:
    """Whether this fault can happen on this kind of call at all (scripted or drawn)."""
    match fault.kind:
        case FaultKind.STATUS | FaultKind.RESET | FaultKind.TRUNCATE | FaultKind.SLOW:
            return True
        case FaultKind.FAIL | FaultKind.PERMISSION | FaultKind.QUEUE_FULL | FaultKind.DECLINED:
            return kind is RouteKind.SUBMIT
        case FaultKind.EXPIRED | FaultKind.DENIED:
            return kind in STORAGE
        case FaultKind.LOST:
            return kind is RouteKind.PUT


def applicable(fault: Fault, kind: RouteKind) -> bool:
    """Whether a randomly drawn fault makes sense for this kind of call: what it can happen on,
    minus the statuses that answer a request's content (generations only) and the API's own
    529, which a storage host never sends."""
    if not fits(fault, kind):
        return False
    if fault.kind is FaultKind.STATUS:
        if fault.status in (400, 402, 413, 422):
            return kind is RouteKind.SUBMIT
        if fault.status == 529:
            return kind not in STORAGE
    return True
