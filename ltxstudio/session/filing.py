"""Filing a finished job: its result becomes a take, with full provenance, in the library.

Runs as the job engine's finalizer, so it must be idempotent (after a crash it runs again for
the same job): the library adds one take per job id, clips of new generations are keyed by the
job id, and exports are atomic overwrites. The library is changed on the event loop's thread (its
events reach Qt views); copying bytes to the user's output path runs in a worker thread.

HDR results are frames, not a video (a ZIP of linear-light EXRs, contract §3): the take the user
sees is a tone-mapped SDR preview made from them (`media.hdr_preview`, in a worker thread),
filed as an HDR take of the clip with the EXR ZIP attached. Frames whose preview cannot be made
are kept next to the take they were made from, with a provenance sidecar.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

from ltxstudio import media
from ltxstudio.core.catalog import DEFAULT_FPS
from ltxstudio.core.fsutil import atomic_writer, sha256_file
from ltxstudio.core.remote import ResultKey
from ltxstudio.core.request import Request
from ltxstudio.jobs.model import Job, JobOutput
from ltxstudio.library.model import Provenance, Take, provenance_document, provenance_to_json
from ltxstudio.library.store import Library, write_export
from ltxstudio.media.errors import MediaError
from ltxstudio.media.hdr_preview import hdr_preview

log = logging.getLogger("ltxstudio.session")


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
        take = self.file(job, await self._hdr_preview(job))
        await asyncio.to_thread(self.library.sync)  # filed means on disk, even after a power cut
        await self.export(job, take)

    async def _hdr_preview(self, job: Job) -> JobOutput | None:
        """The SDR preview of an HDR job's EXR frames (made once; None for other jobs)."""
        frames = next((o for o in job.outputs if o.key is ResultKey.EXR_FRAMES), None)
        if frames is None or self.library.take_for_job(job.id) is not None:
            return None
        source = Path(frames.path)
        path = source.with_name(source.name.removesuffix(".exr.zip") + ".sdr-preview.mp4")
        try:
            fps = await self._fps_of(job.spec.lineage.parent_take_id)
            await asyncio.to_thread(hdr_preview, source, path, fps)
            digest = await asyncio.to_thread(sha256_file, path)
        except (MediaError, OSError) as exc:
            log.warning("job %s: no SDR preview of its HDR frames: %s", job.id, exc)
            return None
        return JobOutput(ResultKey.VIDEO, str(path), path.stat().st_size, digest)

    async def _fps_of(self, take_id: str | None) -> Fraction:
        """The frame rate of the take the frames were made from (one EXR per input frame)."""
        if take_id is not None:
            path = self.library.path_of(self.library.take(take_id))
            video = (await media.run(media.probe, path)).first_video
            if video is not None and video.fps:
                return video.fps
        return Fraction(DEFAULT_FPS)

    def file(self, job: Job, preview: JobOutput | None = None) -> Take | None:
        outputs = {o.key: o for o in job.outputs}
        video, frames = outputs.get(ResultKey.VIDEO) or preview, outputs.get(ResultKey.EXR_FRAMES)
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
