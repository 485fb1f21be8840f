"""The async LTX API client (httpx). Never imports Qt, PyAV, keyring, or anything above it; it is
given an API key and a base URL and never reads env vars or the keyring itself.

Public surface::

    async with LtxClient(api_key, base_url) as client:
        uri = await client.upload(path)                       # storage URI or data: URI
        handle = await client.submit(request)                 # a core.request model, uploaded
        async for status in client.iter_status(handle): ...   # Pending | Processing | ...
        files = await client.download_result(completed, folder, "take-1")

Generation is v2 only: the synchronous v1 routes were retired after 2026-10-26 (contract §1).

Errors (`ltxstudio.api._errors`) subclass `core.remote.ApiFailure`; `SubmitOutcomeUnknown` marks
a generation request that may have been accepted and must not be re-sent.
"""

from ltxstudio.api._client import LtxClient
from ltxstudio.api._containers import RESULT_CONTAINERS, Container
from ltxstudio.api._errors import (
    ApiConnectionError,
    ApiError,
    ApiProtocolError,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    ConcurrencyLimitError,
    ContentFilteredError,
    DownloadVerificationError,
    InsufficientFundsError,
    InvalidRequestError,
    LimitError,
    NotFoundError,
    PaymentDeclinedError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    RequestValidationError,
    ServerError,
    StorageError,
    SubmitOutcomeUnknown,
)
from ltxstudio.api._keycheck import KeyCheck, KeyVerdict
from ltxstudio.api._request_loop import RetryNotice
from ltxstudio.api._retry import CallKind, RetryPolicy
from ltxstudio.api._transport import SANDBOX_BASE_URL, Timeouts
from ltxstudio.api._urls import service_identity
from ltxstudio.api.status import (
    Completed,
    Downloaded,
    Failed,
    JobRef,
    JobStatus,
    Pending,
    Processing,
    is_terminal,
    parse_status,
)
from ltxstudio.api.uploads import UploadTransport
from ltxstudio.core.catalog import API_BASE_URL

__all__ = [
    "API_BASE_URL",
    "RESULT_CONTAINERS",
    "SANDBOX_BASE_URL",
    "ApiConnectionError",
    "ApiError",
    "ApiProtocolError",
    "ApiStatusError",
    "ApiTimeoutError",
    "AuthenticationError",
    "CallKind",
    "Completed",
    "ConcurrencyLimitError",
    "Container",
    "ContentFilteredError",
    "DownloadVerificationError",
    "Downloaded",
    "Failed",
    "InsufficientFundsError",
    "InvalidRequestError",
    "JobRef",
    "JobStatus",
    "KeyCheck",
    "KeyVerdict",
    "LimitError",
    "LtxClient",
    "NotFoundError",
    "PaymentDeclinedError",
    "Pending",
    "PermissionDeniedError",
    "Processing",
    "RateLimitError",
    "RequestTooLargeError",
    "RequestValidationError",
    "RetryNotice",
    "RetryPolicy",
    "ServerError",
    "StorageError",
    "SubmitOutcomeUnknown",
    "Timeouts",
    "UploadTransport",
    "is_terminal",
    "parse_status",
    "service_identity",
]
