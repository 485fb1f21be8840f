from __future__ import annotations

import asyncio
import gc
from fractions import Fraction

import pytest

from ltxstudio.core import timebase
from ltxstudio.core.clock import ManualClock
from ltxstudio.core.events import Signal


def test_frames_and_seconds_round_trip_exactly() -> None:
    ntsc = Fraction(24000, 1001)
    for frame in (0, 1, 23, 24, 1439, 100_000):
        assert timebase.frame_at(timebase.frame_time(frame, ntsc), ntsc) == frame
        assert timebase.frame_at(timebase.frame_time(frame, 25), 25) == frame
    assert timebase.as_fps(23.976) == ntsc
    assert timebase.frame_at(0.0416, 24) == 0  # just before frame 1 starts at 0.041666…
    assert timebase.snap(2.01, 24) == pytest.approx(48 / 24)
    assert timebase.frames_in(2.0, 24) == 48
    assert timebase.timecode(24 * 3661 + 5, 24) == "01:01:01:05"
    assert timebase.seconds_label(3.25) == "3.25 s"
    assert timebase.seconds_label(62.5) == "1:02.50"
    with pytest.raises(ValueError, match="positive"):
        timebase.as_fps(0)


@pytest.mark.asyncio
async def test_manual_clock_never_waits_and_concurrent_sleepers_share_time() -> None:
    clock = ManualClock(start=1000.0)
    await asyncio.gather(clock.sleep(5), clock.sleep(5), clock.sleep(3))
    assert clock.time() == 1005.0
    assert sorted(clock.sleeps) == [3, 5, 5]
    clock.advance(10)
    assert clock.monotonic() == 15.0
    with pytest.raises(ValueError, match="back"):
        clock.advance(-1)


def test_signal_weak_methods_and_failing_listeners(caplog: pytest.LogCaptureFixture) -> None:
    sig: Signal[[int]] = Signal("test")
    seen: list[int] = []

    class View:
        def on(self, value: int) -> None:
            seen.append(value)

    def broken(value: int) -> None:
        raise RuntimeError("boom")

    view = View()
    sig.connect(view.on)
    sig.connect(broken)
    sig.emit(1)
    assert seen == [1]
    assert "listener" in caplog.text  # the failure was logged, the emit went on
    del view
    gc.collect()
    sig.emit(2)
    assert seen == [1]
    assert len(sig) == 1
    sig.disconnect(broken)
    assert len(sig) == 0
