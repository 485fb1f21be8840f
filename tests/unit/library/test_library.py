from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from ltxstudio.core.clock import ManualClock
from ltxstudio.core.lineage import RetakeSegment
from ltxstudio.library.model import LibraryError, Provenance, TakeKind
from ltxstudio.library.store import Library
from ltxstudio.library.undo import UndoStack


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    return Library(tmp_path / "library.db", tmp_path / "lib", ManualClock())


def _file(tmp_path: Path, name: str, data: bytes) -> tuple[Path, str]:
    path = tmp_path / name
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def _prov(job: str, **kw: object) -> Provenance:
    return Provenance(
        endpoint="text-to-video",
        request={"prompt": "a fox", "model": "ltx-2-3-pro"},
        backend="sandbox",
        model="ltx-2-3-pro",
        job_id=job,
        estimate_usd="0.64",
        **kw,  # type: ignore[arg-type]
    )


def test_takes_keep_provenance_files_and_idempotency(tmp_path: Path, lib: Library) -> None:
    clip = lib.add_clip("A fox")
    src, sha = _file(tmp_path, "out.mp4", b"original")
    first = lib.add_take(clip.id, src, kind=TakeKind.GENERATED, provenance=_prov("j1"), sha256=sha)
    again = lib.add_take(clip.id, src, kind=TakeKind.GENERATED, provenance=_prov("j1"), sha256=sha)
    assert again == first  # the finalizer may run twice after a crash
    assert lib.path_of(first).read_bytes() == b"original"
    assert src.read_bytes() == b"original"  # the source is left alone
    retake_src, rsha = _file(tmp_path, "r.mp4", b"retake")
    retake = lib.add_take(
        clip.id,
        retake_src,
        kind=TakeKind.RETAKE,
        provenance=_prov("j2", parent_take_id=first.id, segment=RetakeSegment(2.0, 2.0)),
        sha256=rsha,
    )
    assert retake.label == "retake 2–4 s"
    assert lib.active_take(clip.id) == retake
    assert [t.id for t in lib.takes(clip.id)] == [first.id, retake.id]
    reopened = Library(tmp_path / "library.db", tmp_path / "lib", ManualClock())
    assert reopened.take(retake.id) == retake
    assert reopened.take(retake.id).provenance.segment == RetakeSegment(2.0, 2.0)
    with pytest.raises(LibraryError):
        lib.set_active_take("nope", first.id)


def test_undo_redo_of_active_take_and_delete(tmp_path: Path, lib: Library) -> None:
    undo = UndoStack(lib)
    clip = lib.add_clip("c")
    takes = []
    for i in range(3):
        src, sha = _file(tmp_path, f"{i}.mp4", f"take{i}".encode())
        takes.append(
            lib.add_take(
                clip.id, src, kind=TakeKind.GENERATED, provenance=_prov(f"j{i}"), sha256=sha
            )
        )
    assert lib.clip(clip.id).active_take_id == takes[2].id
    lib.set_active_take(clip.id, takes[0].id)
    undo.undo()
    assert lib.clip(clip.id).active_take_id == takes[2].id
    undo.redo()
    assert lib.clip(clip.id).active_take_id == takes[0].id
    # deleting the active take moves its file to the trash and activates another, as one action
    path = lib.path_of(takes[0])
    lib.delete_take(takes[0].id)
    assert not path.exists()
    assert (lib.root / ".trash" / takes[0].path).exists()
    assert lib.clip(clip.id).active_take_id == takes[2].id
    assert undo.undo_label == "delete take"
    undo.undo()
    assert path.read_bytes() == b"take0"
    assert lib.clip(clip.id).active_take_id == takes[0].id
    undo.redo()
    assert not path.exists()
    assert lib.clip(clip.id).active_take_id == takes[2].id


def test_export_writes_video_and_sidecar(tmp_path: Path, lib: Library) -> None:
    clip = lib.add_clip("c")
    src, sha = _file(tmp_path, "a.mp4", b"video")
    take = lib.add_take(clip.id, src, kind=TakeKind.GENERATED, provenance=_prov("j"), sha256=sha)
    video, sidecar = lib.export(take.id, tmp_path / "out" / "final.mp4")
    assert video.read_bytes() == b"video"
    doc = json.loads(sidecar.read_text())
    assert doc["format"] == "ltxstudio.take/1"
    assert doc["simulated"] is True
    assert doc["sha256"] == sha
    assert doc["provenance"]["request"]["prompt"] == "a fox"
    assert sorted(p.name for p in video.parent.iterdir()) == ["final.mp4", "final.mp4.json"]


def test_a_stale_staged_import_is_swept_and_a_fresh_one_kept(tmp_path: Path) -> None:
    """What a process killed mid-import staged is removed at the next start; what another live
    process is staging right now (younger than the TTL) is left alone."""
    from unittest import mock

    from ltxstudio.library import store as library_store

    staging = tmp_path / "lib" / ".staging"
    staging.mkdir(parents=True)
    (staging / "old.mp4").write_bytes(b"x")
    (staging / "new.mp4").write_bytes(b"y")
    later = time.time() + library_store.STAGING_TTL_S + 5
    real_stat = Path.stat

    def aged(self: Path, **kw: object) -> os.stat_result:
        st = real_stat(self, **kw)  # type: ignore[arg-type]
        if self.name == "new.mp4":
            return os.stat_result((*st[:9], later))  # ctime: staged just now
        return st

    with mock.patch.object(Path, "stat", aged), mock.patch.object(time, "time", return_value=later):
        library_store.Library(tmp_path / "library.db", tmp_path / "lib", ManualClock()).close()
    assert sorted(p.name for p in staging.iterdir()) == ["new.mp4"]
