"""The pre-signed storage routes: upload PUTs and result downloads under `/_sandbox/storage/…`.

They stand for the cloud storage host the API's signed URLs point at, not for the API: no Bearer
key (an `Authorization` header is refused), and every refusal is storage's own XML
(`storage_errors.py`). Downloads serve ranges (with `If-Range`) from memory or the state dir.
"""

from __future__ import annotations

import asyncio
from typing import cast

from starlette.requests import Request
from starlette.responses import Response

from ltxstudio.core.catalog import UPLOAD_MAX_BYTES
from ltxstudio.sandbox.bodies import read_body
from ltxstudio.sandbox.errors import ApiError
from ltxstudio.sandbox.faults import Fault, FaultKind, RouteKind
from ltxstudio.sandbox.responses import FileSpanResponse, LostResponse, deliver
from ltxstudio.sandbox.service import Sandbox
from ltxstudio.sandbox.storage import STORAGE_PREFIX, parse_range
from ltxstudio.sandbox.storage_errors import (
    XML_CONTENT_TYPE,
    StorageCode,
    StorageError,
    access_denied,
    authorization_refused,
    expired,
    no_such_key,
)
from ltxstudio.sandbox.uploads import iso


def is_storage(path: str) -> bool:
    return path.startswith(STORAGE_PREFIX + "/")


def xml_response(error: StorageError) -> Response:
    return Response(error.body(), error.status, error.headers(), XML_CONTENT_TYPE)


def _sb(request: Request) -> Sandbox:
    return cast(Sandbox, request.app.state.sandbox)


def _refuse_authorization(request: Request) -> None:
    if "authorization" in request.headers:
        raise authorization_refused()


async def _before(sb: Sandbox, fault: Fault | None) -> None:
    """Faults on a storage call, in storage's words (an injected 503 is XML too). The injector
    only hands storage the faults that can happen there."""
    if fault is None:
        return
    match fault.kind:
        case FaultKind.STATUS:
            assert fault.status is not None
            raise StorageError.for_status(fault.status, retry_after=fault.seconds)
        case FaultKind.EXPIRED:
            raise expired(iso(sb.clock.time()))
        case FaultKind.DENIED:
            raise access_denied()
        case FaultKind.SLOW:
            await sb.clock.sleep(fault.seconds or 0.0)
        case (
            FaultKind.RESET
            | FaultKind.TRUNCATE
            | FaultKind.LOST
            | FaultKind.FAIL
            | FaultKind.PERMISSION
            | FaultKind.QUEUE_FULL
            | FaultKind.DECLINED
        ):
            pass  # applied to the body, or (the API's) never here


async def storage_put(request: Request) -> Response:
    sb = _sb(request)
    name = request.path_params["name"]
    sb.counters.count_request("PUT /_sandbox/storage/uploads/{id}")
    _refuse_authorization(request)
    sb.signer.check("PUT", f"uploads/{name}", dict(request.query_params), sb.clock.time())
    fault = sb.faults.draw(RouteKind.PUT)
    await _before(sb, fault)
    sb.uploads.check_headers(name, request.headers)
    sb.uploads.check_absent(name)
    data = await _read_upload(request)
    content_type = request.headers.get("content-type", "application/octet-stream")
    await sb.uploads.receive(name, data, content_type)
    if fault is not None and fault.kind is FaultKind.LOST:
        return LostResponse(200)  # stored; the client never learns it
    return deliver(b"", 200, None, fault)


async def _read_upload(request: Request) -> bytes:
    try:
        return await read_body(request, UPLOAD_MAX_BYTES)
    except ApiError:  # the body outgrew the signed range while streaming
        raise StorageError(
            400,
            StorageCode.ENTITY_TOO_LARGE,
            f"Your proposed upload is larger than the maximum object size specified in your "
            f"policy ({UPLOAD_MAX_BYTES} bytes).",
        ) from None


async def storage_get(request: Request) -> Response:
    sb = _sb(request)
    bucket, name = request.path_params["bucket"], request.path_params["name"]
    sb.counters.count_request(f"GET /_sandbox/storage/{bucket}/{{id}}")
    _refuse_authorization(request)
    key = f"{bucket}/{name}"
    sb.signer.check("GET", key, dict(request.query_params), sb.clock.time())
    fault = sb.faults.draw(RouteKind.DOWNLOAD)
    await _before(sb, fault)
    obj = sb.store.get(key)
    if obj is None:
        raise no_such_key()
    size = obj.size
    headers = {"Accept-Ranges": "bytes", "ETag": f'"{obj.etag}"'}
    span = None
    if "range" in request.headers and _if_range_holds(request, obj.etag):
        span = parse_range(request.headers["range"], size)
    status = 200
    if span is not None:
        status = 206
        headers["Content-Range"] = f"bytes {span[0]}-{span[1]}/{size}"
    if obj.path is not None:
        try:
            handle = await asyncio.to_thread(open, obj.path, "rb")
        except FileNotFoundError:
            raise no_such_key() from None
        whole = (0, size - 1)
        return FileSpanResponse(handle, span or whole, status, headers, obj.content_type, fault)
    assert obj.data is not None
    body = obj.data if span is None else obj.data[span[0] : span[1] + 1]
    return deliver(body, status, obj.content_type, fault, headers)


def _if_range_holds(request: Request, etag: str) -> bool:
    """RFC 9110 §13.1.5: a Range sent with If-Range applies only while the validator still
    matches (a strong ETag comparison); otherwise the whole object is sent. This is what lets a
    client resume a cut download on a freshly signed URL and be sure it is the same object."""
    validator = request.headers.get("if-range")
    if validator is None:
        return True
    return validator.strip() == f'"{etag}"'
