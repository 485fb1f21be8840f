"""`LtxClient`: the async client for the LTX video API: v2 generation (submit, then poll) and
`POST /v1/upload`. The synchronous v1 generation routes were retired after 2026-10-26 and are not
spoken (contract §1).

It is given an API key and a base URL — it never reads environment variables or the keyring —
and owns one long-lived `httpx.AsyncClient` (constructing one costs tens of milliseconds).
Use it as `async with LtxClient(...) as client:` or call `aclose()`.

With `asgi_app` the client talks to an in-process ASGI app (the sandbox) through
`httpx.ASGITransport`, so the composition root never imports httpx; `transport` is the seam for
tests. Note that `ASGITransport` does not enforce timeouts.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import httpx

from ltxstudio import __version__
from ltxstudio.api._containers import RESULT_CONTAINERS, Container
from ltxstudio.api._errors import (
    ApiConnectionError,
    ApiError,
    AuthenticationError,
    NotFoundError,
    RequestValidationError,
    SubmitOutcomeUnknown,
)
from ltxstudio.api._keycheck import KEY_CHECK_JOB_ID, KeyCheck, KeyVerdict
from ltxstudio.api._logging import install_httpx_url_filter, log, redact_body
from ltxstudio.api._request_loop import Call, RequestLoop
from ltxstudio.api._retry import CallKind, RetryPolicy
from ltxstudio.api._transport import SANDBOX_BASE_URL, ASGIApp, InProcessTransport, Timeouts
from ltxstudio.api._urls import check_transport_url, normalise_base_url
from ltxstudio.api.downloads import (
    download,
)
from ltxstudio.api.status import (
    Completed,
    Downloaded,
    Failed,
    JobRef,
    JobStatus,
    is_terminal,
    parse_status,
    status_name,
)
from ltxstudio.api.uploads import (
    AUTO_DATA_URI_MAX,
    UploadTransport,
    choose_transport,
    data_uri,
    describe,
    upload_file,
)
from ltxstudio.core import catalog
from ltxstudio.core.catalog import API_BASE_URL, Endpoint
from ltxstudio.core.clock import Clock, SystemClock
from ltxstudio.core.logsetup import RedactSecrets
from ltxstudio.core.remote import Progress, ResultKey
from ltxstudio.core.request import FieldProblem, InvalidRequest, Request
from ltxstudio.core.request.checks import MediaKind
from ltxstudio.core.request.media import is_remote_reference


class LtxClient:
    """The LTX API client. See the module docstring; errors are in `ltxstudio.api._errors`."""

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        asgi_app: ASGIApp | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        poll_interval: float = catalog.POLL_INTERVAL_SECONDS,
        timeouts: Timeouts | None = None,
        retry_policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
        auto_data_uri_max: int = AUTO_DATA_URI_MAX,
    ) -> None:
        if not api_key.strip():
            raise ValueError("an API key is required")
        if any(c.isspace() for c in api_key) or not api_key.isprintable():
            raise ValueError("the API key contains whitespace or control characters")
        if asgi_app is not None and transport is not None:
            raise ValueError("give asgi_app or transport, not both")
        if poll_interval <= 0:
            raise ValueError("poll_interval must be positive")
        if base_url is None:
            base_url = SANDBOX_BASE_URL if asgi_app is not None else API_BASE_URL
        self.base_url = normalise_base_url(base_url)
        RedactSecrets.register(api_key)  # second line of defence for any log handler
        install_httpx_url_filter()
        if asgi_app is not None:
            transport = InProcessTransport(app=asgi_app)
        self.timeouts = timeouts or Timeouts()
        self.poll_interval = poll_interval
        self.clock: Clock = clock or SystemClock()
        self.auto_data_uri_max = auto_data_uri_max
        self._rng = rng or random.Random()
        #: Partial downloads whose signed URL died, by destination → ETag, for resuming.
        self._partials: dict[Path, str] = {}
        self._http = httpx.AsyncClient(
            transport=transport,
            headers={"User-Agent": f"ltxstudio/{__version__}"},
            timeout=self.timeouts.make(self.timeouts.poll),
            follow_redirects=False,
        )
        self._loop = RequestLoop(
            self._http,
            api_key=api_key,
            base_url=self.base_url,
            clock=self.clock,
            policy=retry_policy or RetryPolicy(),
            rng=self._rng,
        )

    def __repr__(self) -> str:
        return f"LtxClient(base_url={self.base_url!r})"

    async def __aenter__(self) -> LtxClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    # ------------------------------------------------------------------ v2 jobs

    def handle_for(self, endpoint: Endpoint | str, job_id: str) -> JobRef:
        """Rebuild a handle from a stored `(endpoint, id)`, e.g. after a restart."""
        if not job_id or not job_id.strip():
            raise ValueError("a job id is a non-empty string")
        return JobRef(Endpoint(endpoint), job_id)

    async def submit(self, request: Request) -> JobRef:
        """`POST /v2/<endpoint>` once. Raises `RequestValidationError` before any network call
        when the request cannot succeed (or still holds a local file), `SubmitOutcomeUnknown`
        when it may have been accepted without our knowing; any other error means the job was
        not created."""
        try:
            body = request.to_body()
        except InvalidRequest as exc:
            raise RequestValidationError(exc.problems) from None
        except ValueError as exc:  # a local file left in it: the caller must upload first
            raise RequestValidationError([FieldProblem("media", str(exc))]) from None
        endpoint = request.endpoint
        log.debug("submit %s body=%s", endpoint.value, redact_body(body))
        call = Call(
            CallKind.SUBMIT,
            "POST",
            self._loop.api_url(f"/v2/{endpoint.value}"),
            self.timeouts.make(self.timeouts.submit),
            api=True,
            json_body=body,
            endpoint=endpoint.value,
        )

        async def accepted(response: httpx.Response) -> JobRef:
            await response.aread()
            request_id = response.headers.get("x-request-id")
            try:
                answer = response.json()
                job_id, created_at = answer["id"], answer.get("created_at")
                if not isinstance(job_id, str) or not job_id.strip():
                    raise TypeError("id is not a non-empty string")
                if created_at is not None and not isinstance(created_at, str):
                    raise TypeError("created_at is not a string")
            except (ValueError, KeyError, TypeError) as exc:
                raise SubmitOutcomeUnknown(
                    f"POST /v2/{endpoint.value} answered {response.status_code} but the body "
                    f"is unreadable ({type(exc).__name__}); the job was probably created",
                    endpoint=endpoint.value,
                    status=response.status_code,
                    request_id=request_id,
                ) from None
            log.info("submitted %s job=%s request_id=%s", endpoint.value, job_id, request_id or "-")
            return JobRef(endpoint, job_id, created_at, request_id)

        return await self._loop.run(call, accepted)

    async def status(self, handle: JobRef) -> JobStatus:
        """One `GET /v2/<endpoint>/<id>` (retried on transient failures)."""
        path = f"/v2/{handle.endpoint.value}/{_path_segment(handle.id)}"
        call = Call(
            CallKind.POLL,
            "GET",
            self._loop.api_url(path),
            self.timeouts.make(self.timeouts.poll),
            api=True,
            job_id=handle.id,
        )

        async def read(response: httpx.Response) -> JobStatus:
            await response.aread()
            request_id = response.headers.get("x-request-id")
            try:
                body = response.json()
            except ValueError:
                body = None
            status = parse_status(body, request_id=request_id)
            log.debug("job=%s status=%s", handle.id, status_name(status))
            return status

        return await self._loop.run(call, read)

    async def iter_status(
        self, handle: JobRef, *, interval: float | None = None
    ) -> AsyncIterator[JobStatus]:
        """Yield every polled status, `interval` (default 5 s) plus up to a second of jitter
        apart (contract §5), ending with the terminal one. Errors after the call's retries
        propagate; the caller may resume later with the same handle."""
        wait = self.poll_interval if interval is None else interval
        while True:
            status = await self.status(handle)
            yield status
            if is_terminal(status):
                return
            await self.clock.sleep(wait + self._rng.uniform(0, catalog.POLL_JITTER_SECONDS))

    async def poll(self, handle: JobRef, *, interval: float | None = None) -> Completed | Failed:
        """Wait until the job is completed or failed."""
        async for status in self.iter_status(handle, interval=interval):
            if isinstance(status, Completed | Failed):
                return status
        raise AssertionError("iter_status ends only with a terminal status")  # pragma: no cover

    # ------------------------------------------------------------------ account

    async def check_key(self) -> KeyCheck:
        """Whether the API takes this key, by a request that creates and costs nothing: the
        status of a job id that cannot exist (404 = the key works, 401 = refused)."""
        path = f"/v2/{Endpoint.TEXT_TO_VIDEO.value}/{KEY_CHECK_JOB_ID}"
        call = Call(
            CallKind.POLL,
            "GET",
            self._loop.api_url(path),
            self.timeouts.make(self.timeouts.poll),
            api=True,
            max_attempts=2,  # a person is waiting for the verdict: one retry, then say so
        )

        async def answered(response: httpx.Response) -> KeyCheck:
            await response.aread()  # a 2xx for an id that cannot exist: the key was taken
            return KeyCheck(KeyVerdict.VALID, "the API accepted the key", response.status_code)

        try:
            return await self._loop.run(call, answered)
        except NotFoundError as exc:
            return KeyCheck(KeyVerdict.VALID, "the API accepted the key", 404, exc.request_id)
        except AuthenticationError as exc:
            return KeyCheck(
                KeyVerdict.REFUSED, f"the API refused the key: {exc.message}", 401, exc.request_id
            )
        except ApiConnectionError as exc:
            return KeyCheck(KeyVerdict.UNREACHABLE, f"the API could not be reached: {exc.message}")
        except ApiError as exc:
            return KeyCheck(
                KeyVerdict.UNKNOWN,
                f"the API answered something unexpected: {exc}",
                exc.status,
                exc.request_id,
            )

    # ------------------------------------------------------------------ media

    async def upload(
        self,
        source: Path | str,
        *,
        transport: UploadTransport = "auto",
        progress: Progress | None = None,
    ) -> str:
        """A URI the API can fetch for `source`: URLs and URIs pass through; a local file is
        uploaded or inlined as a data: URI (see `ltxstudio.api.uploads`)."""
        if isinstance(source, str) and is_remote_reference(source):
            if source[:5].lower() == "http:":
                check_transport_url(source, what="media URL")
            return source
        path, kind, mime, size = await asyncio.to_thread(_local_file, source)
        how = choose_transport(
            transport, kind=kind, mime=mime, size=size, auto_max=self.auto_data_uri_max
        )
        if how == "data":
            uri = await data_uri(path, mime)
            if progress is not None:
                progress(size, size)
            log.info("inlined %s (%d bytes) as a data: URI", path.name, size)
            return uri
        storage_uri = await upload_file(
            self._loop,
            path,
            mime=mime,
            size=size,
            slot_timeout=self.timeouts.make(self.timeouts.upload_slot),
            put_timeout=self.timeouts.make(self.timeouts.upload_put),
            progress=progress,
        )
        log.info("uploaded %s (%d bytes) -> %s", path.name, size, storage_uri)
        return storage_uri

    async def download(
        self,
        url: str,
        dest: Path,
        *,
        progress: Progress | None = None,
        expected: Container | None = None,
        job_id: str | None = None,
    ) -> Downloaded:
        """Fetch a result URL to `dest` (`.part`, resume, verify, atomic rename).
        `expected` None sniffs MP4/ZIP; `Container.ANY` checks only the size."""
        try:
            check_transport_url(url, what="result URL")
        except ValueError as exc:
            raise RequestValidationError([FieldProblem("url", str(exc))]) from None
        return await download(
            self._loop,
            url,
            dest,
            http_timeout=self.timeouts.make(self.timeouts.download),
            progress=progress,
            expected=expected,
            job_id=job_id,
            partials=self._partials,
        )

    async def download_result(
        self,
        completed: Completed,
        folder: Path,
        name: str,
        *,
        progress: Progress | None = None,
        job_id: str | None = None,
    ) -> dict[ResultKey, Downloaded]:
        """Download every entry of a completed job's result map into `folder`: the video to
        `<name>.mp4`, HDR's EXR frames to `<name>.exr.zip`."""
        out: dict[ResultKey, Downloaded] = {}
        for key, url in completed.result.items():
            out[key] = await self.download(
                url,
                folder / f"{name}{key.suffix}",
                progress=progress,
                expected=RESULT_CONTAINERS[key],
                job_id=job_id,
            )
        return out


def _local_file(source: Path | str) -> tuple[Path, MediaKind, str, int]:
    path = Path(source)
    kind, mime = describe(path)
    return path, kind, mime, path.stat().st_size


def _path_segment(job_id: str) -> str:
    """A job id as one URL path segment (ids are opaque strings, API-NOTES §12.21)."""
    return quote(job_id, safe="")
