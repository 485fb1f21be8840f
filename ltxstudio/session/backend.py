"""The job engine's port, implemented with the API client.

`jobs` knows specs and bodies; the client knows typed requests. This adapter uploads a spec's
local media, turns the body back into a typed request (validated once more by the client), and
passes the client's answers through unchanged: they already speak `core.remote`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ltxstudio.api import LtxClient, UploadTransport
from ltxstudio.api.models import request_from_body
from ltxstudio.core.catalog import Endpoint
from ltxstudio.core.remote import Downloaded, JobRef, JobStatus, Progress
from ltxstudio.jobs.model import JobSpec


class ClientBackend:
    def __init__(self, client: LtxClient, name: str, transport: UploadTransport = "auto") -> None:
        self.client = client
        self._name = name
        self.transport: UploadTransport = transport

    @property
    def name(self) -> str:
        return self._name

    async def prepare(self, spec: JobSpec, progress: Progress) -> Mapping[str, Any]:
        body = dict(spec.params)
        for field, source in spec.media.items():
            body[field] = await self.client.upload(
                source, transport=self.transport, progress=progress
            )
        request_from_body(spec.endpoint, body)  # never journal a body that cannot be sent
        return body

    async def submit(self, endpoint: Endpoint, body: Mapping[str, Any]) -> JobRef:
        return await self.client.submit(request_from_body(endpoint, body))

    async def status(self, ref: JobRef) -> JobStatus:
        return await self.client.status(ref)

    async def download(self, url: str, dest: Path, progress: Progress) -> Downloaded:
        return await self.client.download(url, dest, progress=progress)
