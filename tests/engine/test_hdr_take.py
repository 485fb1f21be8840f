"""An HDR result is visible (issue 14, item 3): it joins its clip as an HDR take whose file is a
tone-mapped SDR preview of the EXR frames LTX returned, with the frames' ZIP kept beside it.
On 7510bdf the ZIP was only attached to the parent take and nothing new appeared."""

from __future__ import annotations

import asyncio
import zipfile

import av
import pytest

from ltxstudio.core.catalog import Model, Resolution
from ltxstudio.core.request import Hdr
from ltxstudio.jobs.model import JobState
from ltxstudio.library.model import TakeKind
from ltxstudio.media.hdr_preview import exr_frame_count
from ltxstudio.session.forms import Mode, generation_request
from tests.engine.conftest import OpenSession

pytestmark = pytest.mark.asyncio


async def test_an_hdr_result_becomes_a_watchable_take_of_its_clip(
    open_session: OpenSession, prompt: str
) -> None:
    s = await open_session()
    req = generation_request(Mode.TEXT, prompt, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 2)
    (made,) = await asyncio.wait_for(s.wait([await s.generate(req)]), 60)
    source = s.library.take_for_job(made.id)
    assert source is not None
    job = await s.edit(Hdr(video_uri=s.library.path_of(source)), source)
    (done,) = await asyncio.wait_for(s.wait([job]), 120)
    assert done.state is JobState.COMPLETED, done.note

    hdr = s.library.take_for_job(job.id)
    assert hdr is not None
    assert hdr.kind is TakeKind.HDR
    assert hdr.clip_id == source.clip_id
    assert hdr.provenance.parent_take_id == source.id
    (frames_rel,) = hdr.extras
    frames = s.library.root / frames_rel
    assert frames.name.endswith(".exr.zip")
    assert exr_frame_count(frames) == 48  # one EXR per input frame: 2 s at 24 fps
    with av.open(str(s.library.path_of(hdr))) as preview:
        stream = preview.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 1280, 720)
        assert float(stream.average_rate or 0) == 24.0
        pictures = [f.to_ndarray(format="rgb24") for f in preview.decode(video=0)]
    assert len(pictures) == 48
    assert max(float(p.mean()) for p in pictures) > 20  # a picture, not black
    with zipfile.ZipFile(frames) as archive:
        assert len(archive.namelist()) == 48
