"""Filing a finished job: its result becomes a take, with full provenance, in the library.

Runs as the job engine's finalizer, so it must be idempotent (after a crash it runs again for
the same job): the library adds one take per job id, clips of new generations are keyed by the
job id, and exports are atomic overwrites. The library is changed on the event loop's thread (its
events reach Qt views); copying bytes to the user's output path runs in a worker thread.

HDR results are frames, not a video: they are kept next to the take they were made from, with a
provenance sidecar, and the take the user sees stays the same. When the API also returns an HDR
video, that video becomes a new take with the frames attached.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

from ltxstudio.core.fsutil import atomic_writer
from ltxstudio.core.remote import ResultKey
from ltxstudio.core.request import Request
from ltxstudio.jobs.model import Job, JobOutput
from ltxstudio.library.model import Provenance, Take, provenance_document, provenance_to_json
from ltxstudio.library.store import Library, write_export


def _summarise(request: Request | None) -> dict[str, Any]:
    """The request as sent, minus inline media (a data: URI can be megabytes)."""
    out: dict[str, Any] = {}
    body = request.to_body() if request is not None else {}
    for key, value in body.items():
        if isinstance(value, str) and value.startswith("data:"):
            out[key] = f"{value.split(',', 1)[0]},… ({len(value):,} characters)"
        else:
            out[key] = value
    return out


def provenance_of(job: Job, parent_take_id: str | None) -> Provenance:
    lineage = job.spec.lineage
    model = getattr(job.spec.request, "model", None)
    return Provenance(
        endpoint=job.spec.endpoint.value,
        request=_summarise(job.prepared),
        backend=job.backend,
        model=str(model) if model else None,
        job_id=job.id,
        remote_id=job.remote.id if job.remote else None,
        request_id=job.remote.request_id if job.remote else None,
        estimate_usd=str(job.estimate_usd),
        parent_take_id=parent_take_id,
        segment=lineage.segment,
        submitted_at=job.submitted_at,
        completed_at=job.finished_at,
        inputs={field: str(ref) for field, ref in job.spec.request.media().items()},
    )


class Filer:
    def __init__(self, library: Library) -> None:
        self.library = library

    async def __call__(self, job: Job) -> None:
        take = self.file(job)
        await asyncio.to_thread(self.library.sync)  # filed means on disk, even after a power cut
        await self.export(job, take)

    def file(self, job: Job) -> Take | None:
        outputs = {o.key: o for o in job.outputs}
        video, frames = outputs.get(ResultKey.VIDEO), outputs.get(ResultKey.EXR_FRAMES)
        lineage = job.spec.lineage
        parent = lineage.parent_take_id
        take = self.library.take_for_job(job.id)
        if take is None and video is not None:
            kind = lineage.kind
            clip_id = lineage.clip_id
            if clip_id is None:
                clip_id = self.library.add_clip(job.spec.title, clip_id=job.id).id
            take = self.library.add_take(
                clip_id,
                Path(video.path),
                kind=kind,
                provenance=provenance_of(job, parent),
                sha256=video.sha256,
                extras=(Path(frames.path),) if frames else (),
            )
        elif take is None and frames is not None and parent:
            self._keep_frames_with(parent, job, frames)
        return take

    def _keep_frames_with(self, take_id: str, job: Job, frames: JobOutput) -> None:
        name = f"hdr-{job.id[:8]}.exr.zip"
        take = self.library.attach_extra(take_id, Path(frames.path), name=name)
        sidecar = self.library.root / next(e for e in take.extras if e.endswith(name))
        with atomic_writer(sidecar.with_name(sidecar.name + ".json")) as out:
            document = {"format": "ltxstudio.hdr/1", "sha256": frames.sha256, "size": frames.size}
            document["provenance"] = provenance_to_json(provenance_of(job, take_id))
            out.write(json.dumps(document, indent=2).encode())

    async def export(self, job: Job, take: Take | None) -> None:
        """Copy the result to the output path the user asked for (CLI `-o`), with its sidecar."""
        target = job.spec.output_path
        if not target:
            return
        dest = Path(target)
        frames = next((o for o in job.outputs if o.key is ResultKey.EXR_FRAMES), None)
        if take is not None and not dest.name.endswith(".zip"):
            source, document = self.library.path_of(take), provenance_document(take)
            await asyncio.to_thread(write_export, source, dest, document)
        elif frames is not None:
            await asyncio.to_thread(_copy, Path(frames.path), dest)


def _copy(source: Path, dest: Path) -> None:
    with source.open("rb") as src, atomic_writer(dest) as out:
        shutil.copyfileobj(src, out, 1024 * 1024)
