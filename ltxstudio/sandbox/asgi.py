"""`create_app(config)`: the sandbox as a Starlette ASGI app.

All state is created here, not in a lifespan hook: `httpx.ASGITransport` runs no lifespan. The
app serves the 14 OpenAPI operations (the five v1 generation routes only to say they were
retired), the pre-signed storage routes (`/_sandbox/storage/…`, no Bearer key, refused when one
is sent) and admin routes under `/_sandbox/` (Bearer key; kept out of the contract tests, they are
ours). Every response carries `x-request-id`. Every API and admin error is the LTX envelope; every
storage error is storage's own XML (`storage_errors.py`), whatever raised it.
"""

from __future__ import annotations

import json
import logging
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ltxstudio.core.catalog import RETIRED_V1_ENDPOINTS, V1_RETIRED_AT, V2_ENDPOINTS, Endpoint
from ltxstudio.sandbox.bodies import read_body
from ltxstudio.sandbox.config import SandboxConfig
from ltxstudio.sandbox.errors import (
    PAYMENT_DECLINED_MESSAGE,
    PERMISSION_MESSAGE,
    QUEUE_LIMIT_MESSAGE,
    ApiError,
    ErrorType,
    invalid,
)
from ltxstudio.sandbox.faults import Fault, FaultKind, FaultPlan, FaultSpecError, RouteKind
from ltxstudio.sandbox.ledger import money
from ltxstudio.sandbox.responses import SandboxConnectionReset, deliver_json
from ltxstudio.sandbox.service import Sandbox
from ltxstudio.sandbox.storage_errors import StorageCode, StorageError
from ltxstudio.sandbox.storage_routes import is_storage, storage_get, storage_put, xml_response
from ltxstudio.sandbox.uploads import iso

__all__ = ["SandboxConnectionReset", "create_app", "sandbox_of"]

log = logging.getLogger(__name__)


def create_app(config: SandboxConfig | None = None) -> Starlette:
    sandbox = Sandbox(config or SandboxConfig())
    routes = [
        Route("/v1/upload", _upload, methods=["POST"]),
        Route("/v1/{endpoint}", _v1_retired, methods=["POST"]),
        Route("/v2/{endpoint}", _v2_submit, methods=["POST"]),
        Route("/v2/{endpoint}/{job_id}", _v2_status, methods=["GET"]),
        Route("/_sandbox/storage/uploads/{name}", storage_put, methods=["PUT"]),
        Route("/_sandbox/storage/{bucket}/{name}", storage_get, methods=["GET"]),
        Route("/_sandbox/stats", _admin_stats, methods=["GET"]),
        Route("/_sandbox/ledger", _admin_ledger, methods=["GET"]),
        Route("/_sandbox/balance", _admin_balance, methods=["POST"]),
        Route("/_sandbox/faults", _admin_faults, methods=["GET", "PUT"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestIdMiddleware)],
        exception_handlers={
            ApiError: _api_error,
            StorageError: _storage_error,
            HTTPException: _http_error,
        },
    )
    app.state.sandbox = sandbox
    return app


def sandbox_of(app: Starlette) -> Sandbox:
    """The state behind an app made by `create_app` (tests read it; `await .idle()`)."""
    return cast(Sandbox, app.state.sandbox)


# ---------------------------------------------------------------------------- middleware


class RequestIdMiddleware:
    """Adds `x-request-id` to every response and turns unexpected exceptions into a 500 envelope
    (inside Starlette's ServerErrorMiddleware, which would re-raise them to in-process callers).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = f"req_{uuid.uuid4().hex}"
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if started:
                raise
            log.exception("sandbox request %s failed", request_id)
            response: Response
            if is_storage(scope["path"]):
                response = xml_response(StorageError.for_status(500))
            else:
                response = _error_response(
                    ApiError(500, ErrorType.API, "An unexpected error occurred.")
                )
            await response(scope, receive, send_with_id)


def _error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error.envelope(), error.status, headers=error.headers())


async def _api_error(request: Request, exc: Exception) -> Response:
    return _error_response(cast(ApiError, exc))


async def _storage_error(request: Request, exc: Exception) -> Response:
    return xml_response(cast(StorageError, exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no route, wrong method) in the route's format. A 405 keeps the
    `Allow` header the router computed: RFC 9110 §15.5.6 requires it, and clients read it."""
    http = cast(HTTPException, exc)
    _count_refusal(request)
    kind = {404: ErrorType.NOT_FOUND, 405: ErrorType.METHOD_NOT_ALLOWED}.get(
        http.status_code, ErrorType.API
    )
    message = {404: "Not found.", 405: "Method not allowed."}.get(http.status_code, http.detail)
    response: Response
    if is_storage(request.url.path):
        code = {404: StorageCode.NO_SUCH_KEY, 405: StorageCode.METHOD_NOT_ALLOWED}.get(
            http.status_code, StorageCode.INVALID_ARGUMENT
        )
        storage_message = {
            404: "The specified key does not exist.",
            405: "The specified method is not allowed against this resource.",
        }.get(http.status_code, http.detail)
        response = xml_response(StorageError(http.status_code, code, storage_message))
    else:
        response = _error_response(ApiError(http.status_code, kind, message))
    allow = _allow(http)
    if allow:
        response.headers["Allow"] = allow
    return response


def _count_refusal(request: Request) -> None:
    """Count what the router refused, so the stats hold every request sent: under the route's
    template for a wrong method (`GET /v2/{endpoint}`), else as `(no route)` (a bounded label,
    not the path). Admin routes stay uncounted, as always."""
    path = request.url.path
    if path.startswith("/_sandbox/") and not is_storage(path):
        return
    route = request.scope.get("route")
    template = getattr(route, "path", None) if route is not None else None
    _sb(request).counters.count_request(f"{request.method} {template or '(no route)'}")


def _allow(http: HTTPException) -> str | None:
    """The router's `Allow` value in a stable order (it joins a set)."""
    raw = (http.headers or {}).get("Allow")
    if raw is None:
        return None
    return ", ".join(sorted({m.strip().upper() for m in raw.split(",") if m.strip()}))


# ---------------------------------------------------------------------------- helpers


def _sb(request: Request) -> Sandbox:
    return cast(Sandbox, request.app.state.sandbox)


def _storage_base(request: Request) -> str:
    configured = _sb(request).config.storage_base_url
    return configured or str(request.base_url).rstrip("/")


async def _prelude(
    request: Request, kind: RouteKind, label: str, endpoint: str | None = None
) -> Fault | None:
    """Count, authenticate, rate-limit and draw a fault, in that order."""
    sb = _sb(request)
    sb.counters.count_request(label)
    sb.authenticate(request.headers.get("authorization"))
    sb.rate.admit()
    fault = sb.faults.draw(kind, endpoint)
    await _before(sb, fault)
    return fault


async def _before(sb: Sandbox, fault: Fault | None) -> None:
    """Faults that answer instead of the route, on an API route. (The injector only hands a
    route the faults that can happen there: storage's never reach this.)"""
    if fault is None:
        return
    match fault.kind:
        case FaultKind.STATUS:
            assert fault.status is not None
            raise ApiError.for_status(fault.status, retry_after=fault.seconds)
        case FaultKind.PERMISSION:
            raise ApiError(403, ErrorType.PERMISSION, PERMISSION_MESSAGE)
        case FaultKind.QUEUE_FULL:
            raise ApiError(
                429, ErrorType.RATE_LIMIT, QUEUE_LIMIT_MESSAGE, retry_after=fault.seconds or 1.0
            )
        case FaultKind.DECLINED:
            raise ApiError(402, ErrorType.PAYMENT_DECLINED, PAYMENT_DECLINED_MESSAGE)
        case FaultKind.SLOW:
            await sb.clock.sleep(fault.seconds or 0.0)
        case (
            FaultKind.RESET
            | FaultKind.TRUNCATE
            | FaultKind.FAIL
            | FaultKind.EXPIRED
            | FaultKind.DENIED
            | FaultKind.LOST
        ):
            pass  # applied to the body, to the job, or (storage's) never here


def _endpoint(request: Request, allowed: tuple[Endpoint, ...], surface: str) -> Endpoint:
    raw = request.path_params["endpoint"]
    try:
        endpoint = Endpoint(raw)
    except ValueError:
        raise ApiError(404, ErrorType.NOT_FOUND, f"No such endpoint: /{surface}/{raw}") from None
    if endpoint not in allowed:
        raise ApiError(
            404, ErrorType.NOT_FOUND, f"{endpoint.value} exists only on /v2/ (asynchronous jobs)"
        )
    return endpoint


async def _json_body(request: Request, limit: int) -> object:
    raw = await read_body(request, limit)
    if not raw.strip():
        raise invalid("the request body must be a JSON object")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid("the request body is not valid JSON") from None


# ---------------------------------------------------------------------------- API routes


async def _v1_retired(request: Request) -> Response:
    """The five v1 generation routes stopped working after 2026-10-26 (contract §1). What they
    answer is undocumented; the sandbox says "gone, use /v2/…" so nothing can depend on them.

    410 Gone: RFC 9110 §15.5.11, the route existed and is permanently no more. The type is
    `invalid_request_error`: the documented type for "this request cannot succeed as sent, do not
    retry it" (a client maps it to a non-retryable error); `not_found_error` is documented for
    unknown or expired *jobs*, which this is not. It is answered before authentication (a key
    would not change the answer), renders and charges nothing, and is counted in `v1_calls`.
    """
    sb = _sb(request)
    raw = request.path_params["endpoint"]
    sb.counters.count_request(f"POST /v1/{raw}")
    endpoint = _endpoint(request, RETIRED_V1_ENDPOINTS, "v1")
    sb.counters.add("v1_calls")
    raise ApiError(
        410,
        ErrorType.INVALID_REQUEST,
        f"POST /v1/{endpoint.value} was retired on {V1_RETIRED_AT[:10]}; "
        f"use POST /v2/{endpoint.value}",
    )


async def _v2_submit(request: Request) -> Response:
    sb = _sb(request)
    raw = request.path_params["endpoint"]
    fault = await _prelude(request, RouteKind.SUBMIT, f"POST /v2/{raw}", raw)
    endpoint = _endpoint(request, V2_ENDPOINTS, "v2")
    body = await _json_body(request, sb.config.max_body_bytes)
    admission = await sb.admit(endpoint, body, durable=True)
    job = sb.submit_v2(admission, fault)
    return deliver_json({"id": job.id, "created_at": iso(job.created_at)}, 202, fault)


async def _v2_status(request: Request) -> Response:
    sb = _sb(request)
    raw = request.path_params["endpoint"]
    fault = await _prelude(request, RouteKind.POLL, f"GET /v2/{raw}/{{id}}")
    status = sb.job_status(raw, request.path_params["job_id"], _storage_base(request))
    return deliver_json(status, 200, fault)


async def _upload(request: Request) -> Response:
    sb = _sb(request)
    fault = await _prelude(request, RouteKind.UPLOAD, "POST /v1/upload")
    return deliver_json(sb.uploads.create(_storage_base(request)), 200, fault)


# ---------------------------------------------------------------------------- admin


def _admin(request: Request) -> Sandbox:
    sb = _sb(request)
    sb.authenticate(request.headers.get("authorization"))
    return sb


async def _admin_stats(request: Request) -> Response:
    return JSONResponse(_admin(request).stats())


async def _admin_ledger(request: Request) -> Response:
    sb = _admin(request)
    sb.settle()
    return JSONResponse({"entries": [e.as_json() for e in sb.ledger.entries]})


async def _admin_balance(request: Request) -> Response:
    """`{"set_usd": "10.00"}` and/or `{"add_usd": "5"}` (strings or numbers)."""
    sb = _admin(request)
    body = await _json_body(request, 64 * 1024)
    if not isinstance(body, dict) or not ({"set_usd", "add_usd"} & body.keys()):
        raise invalid('send {"set_usd": "10.00"} or {"add_usd": "5"}')
    sb.set_balance(set_usd=_money(body, "set_usd"), add_usd=_money(body, "add_usd"))
    sb.settle()
    return JSONResponse(
        {
            "balance_usd": money(sb.ledger.balance_usd),
            "available_usd": money(sb.ledger.available_usd),
        }
    )


def _money(body: dict[str, Any], key: str) -> Decimal | None:
    value = body.get(key)
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise invalid(f"{key} must be a decimal amount of dollars") from None
    if not amount.is_finite() or (key == "set_usd" and amount < 0):
        raise invalid(f"{key} must be a finite amount (not negative for set_usd)")
    return amount


async def _admin_faults(request: Request) -> Response:
    """GET: the current plan and what it injected; PUT `{"spec": "..."}`: replace the plan."""
    sb = _admin(request)
    if request.method == "PUT":
        body = await _json_body(request, 64 * 1024)
        spec = body.get("spec") if isinstance(body, dict) else None
        if not isinstance(spec, str):
            raise invalid('send {"spec": "<fault spec>"} (an empty string clears the plan)')
        try:
            plan = FaultPlan.parse(spec)
        except FaultSpecError as exc:
            raise invalid(str(exc)) from None
        sb.replace_faults(plan)
    injected = [f"{scope}={spec}" for scope, spec in sb.faults.injected]
    return JSONResponse({"spec": sb.faults.plan.spec(), "injected": injected})
