"""The job engine's port, implemented with the API client.

`jobs` holds typed requests; this adapter uploads a request's local files (or inlines them as
`data:` URIs) and sends the uploaded request. The client's answers pass through unchanged: they
already speak `core.remote`.
"""

from __future__ import annotations

from pathlib import Path

from ltxstudio.api import LtxClient, UploadTransport
from ltxstudio.core.remote import Downloaded, JobRef, JobStatus, Progress
from ltxstudio.core.request import InvalidRequest, MediaRef, RemoteUri, Request


class ClientBackend:
    def __init__(self, client: LtxClient, name: str, transport: UploadTransport = "auto") -> None:
        self.client = client
        self._name = name
        self.transport: UploadTransport = transport

    @property
    def name(self) -> str:
        return self._name

    async def prepare(self, request: Request, progress: Progress) -> Request:
        uploaded: dict[str, MediaRef] = {}
        for field, local in request.local_files().items():
            uri = await self.client.upload(local.path, transport=self.transport, progress=progress)
            uploaded[field] = RemoteUri(uri)
        prepared = request.with_media(uploaded)
        problems = prepared.problems()
        if problems:  # never journal a request that cannot be sent (a data: URI over its cap)
            raise InvalidRequest(problems)
        return prepared

    async def submit(self, request: Request) -> JobRef:
        return await self.client.submit(request)

    async def status(self, ref: JobRef) -> JobStatus:
        return await self.client.status(ref)

    async def download(self, url: str, dest: Path, progress: Progress) -> Downloaded:
        return await self.client.download(url, dest, progress=progress)
