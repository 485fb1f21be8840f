from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import av
import pytest

from ltxstudio.core.catalog import Model, Resolution, RetakeMode
from ltxstudio.core.lineage import RetakeSegment
from ltxstudio.core.request import Extend, Retake
from ltxstudio.jobs.model import JobState
from ltxstudio.library.model import TakeKind
from ltxstudio.session import BadInput
from ltxstudio.session.forms import Mode, generation_request
from tests.engine.conftest import OpenSession

pytestmark = pytest.mark.asyncio


def _probe(path: Path) -> tuple[int, int, float, int]:
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        frames = sum(1 for _ in c.decode(video=0))
        return v.width, v.height, float(v.average_rate or 0), frames


async def test_generate_retake_extend_make_three_takes_with_provenance(
    open_session: OpenSession, prompt: str, tmp_path: Path
) -> None:
    s = await open_session()
    req = generation_request(Mode.TEXT, prompt, Model.LTX_2_3_FAST, Resolution(1280, 720), 24, 4)
    job = await s.generate(req, output_path=tmp_path / "a.mp4")
    assert job.estimate_usd == Decimal("0.12")  # 4 s at 720p on 2.3 Fast: $0.03/s
    (done,) = await asyncio.wait_for(s.wait([job]), 60)
    assert done.state is JobState.COMPLETED, done.note
    assert _probe(tmp_path / "a.mp4") == (1280, 720, 24.0, 96)
    assert (tmp_path / "a.mp4.json").exists()

    original = await s.take_for_file(tmp_path / "a.mp4")
    assert original.provenance.job_id == job.id
    assert original.provenance.simulated
    retake = await s.edit(
        Retake(video_uri=tmp_path / "a.mp4", start_time=1.0, duration=2.0, prompt="rain begins"),
        original,
    )
    (r,) = await asyncio.wait_for(s.wait([retake]), 60)
    assert r.state is JobState.COMPLETED, r.note
    second = s.library.active_take(original.clip_id)
    assert second is not None
    assert second.kind is TakeKind.RETAKE
    assert second.provenance.parent_take_id == original.id
    assert second.provenance.segment == RetakeSegment(1.0, 2.0, RetakeMode.AUDIO_AND_VIDEO)
    ext = await s.edit(
        Extend(video_uri=tmp_path / "a.mp4", duration=2.0), second, output_path=tmp_path / "c.mp4"
    )
    (e,) = await asyncio.wait_for(s.wait([ext]), 60)
    assert e.state is JobState.COMPLETED, e.note
    takes = s.library.takes(original.clip_id)
    assert [t.kind for t in takes] == [TakeKind.GENERATED, TakeKind.RETAKE, TakeKind.EXTEND]
    assert _probe(tmp_path / "c.mp4")[3] > _probe(s.library.path_of(second))[3]
    # switching the active take is undoable
    s.set_active_take(original.clip_id, original.id)
    s.undo()
    assert s.library.clip(original.clip_id).active_take_id == takes[2].id
    s.redo()
    assert s.library.clip(original.clip_id).active_take_id == original.id


async def test_bad_input_is_refused_before_anything_is_sent(
    open_session: OpenSession, tmp_path: Path
) -> None:
    s = await open_session()
    bogus = tmp_path / "not-an-image.png"
    bogus.write_text("hello")
    with pytest.raises(BadInput) as info:
        await s.generate(generation_request(Mode.IMAGE, "a cat walks", image=str(bogus)))
    assert "first frame" in str(info.value)
    with pytest.raises(BadInput, match="duration: 12 s is not available"):
        await s.generate(
            generation_request(
                Mode.TEXT, "a cat", Model.LTX_2_3_PRO, Resolution(1920, 1080), 24, 12
            )
        )
    assert len(s.store) == 0


async def test_an_import_from_another_disk_is_copied_off_the_loop(
    open_session: OpenSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a hard link is impossible (another filesystem), the file is copied in a worker
    thread: a video dragged in from another disk must not freeze the window while it copies."""
    import shutil
    import threading

    from tests.support.media_factory import make_video

    s = await open_session()
    source = make_video(tmp_path / "holiday.mp4", seconds=1.0)
    copied_on: list[str] = []
    real_copy = shutil.copyfile

    real_link = Path.hardlink_to

    def cross_device(self: Path, target: Path) -> None:  # `self` becomes a link to `target`
        if not Path(target).is_relative_to(s.library.root):  # the user's disk is another one
            raise OSError(18, "Invalid cross-device link")
        real_link(self, target)

    def copyfile(src: Path, dst: Path) -> object:
        copied_on.append(threading.current_thread().name)
        return real_copy(src, dst)

    monkeypatch.setattr(Path, "hardlink_to", cross_device)
    monkeypatch.setattr(shutil, "copyfile", copyfile)
    take = await s.take_for_file(source)
    assert take.kind is TakeKind.IMPORTED
    assert s.library.path_of(take).read_bytes() == source.read_bytes()
    assert copied_on
    assert threading.main_thread().name not in copied_on, copied_on
    assert not list((s.library.root / ".staging").iterdir())  # the staged copy is gone
    assert source.exists()  # the user's file is left alone
