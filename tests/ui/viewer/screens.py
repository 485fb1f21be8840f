"""The viewer's screens for `make screenshots` (issue 7): a selection with its cost on the
timeline, the retake dialog over the window, the takes strip after a retake, A/B compare, and
the HDR dialog and the HDR take it makes (issue 14).

Called by `tests/ui/screenshots.py` with its running window and helpers, so the shots show the
real app on the sandbox, not a panel on its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ltxstudio.core.segments import Window


async def capture_viewer(
    window: Any,
    session: Any,
    shoot: Callable[..., Awaitable[None]],
    until: Callable[..., Awaitable[None]],
) -> None:
    panel = window.viewer_panel
    clip = session.library.clips()[0]
    window.library.clip_activated.emit(clip.id)
    await until(lambda: panel.take is not None and panel.take.id == clip.active_take_id)
    panel.selection.set_window(Window(1.0, 3.0))
    panel.player.seek_frame(48)
    await until(lambda: panel.player.frame == 48 and not panel.player.seeking)
    await shoot("06-viewer-selection-and-cost")
    from ltxstudio.core.segments import Handle

    panel.selection.drag(Handle.END, Window(1.0, 2.2))  # a drag under 2 s: snapped, and said
    await shoot("06b-viewer-short-drag-snapped")
    panel.selection.set_window(Window(1.0, 3.0))

    dialog = panel.open_retake()
    dialog.prompt.setPlainText("The beam stops; the lamp flickers twice, then the fog clears.")
    await shoot("07-retake-dialog")
    dialog.submit_button.click()
    await until(lambda: len(session.library.takes(clip.id)) == 2, 120)
    fresh = session.library.clip(clip.id).active_take_id
    await until(lambda: panel.take is not None and panel.take.id == fresh)
    await shoot("08-takes-strip")

    panel.compare_default()
    await until(lambda: panel.pages.currentWidget() is panel.compare_view)
    await shoot("09-ab-compare")
    panel.compare_view.close_compare()

    # HDR takes at most 181 frames up to 1080p: a 4 s clip of its own.
    from ltxstudio.core.catalog import Model, Resolution
    from ltxstudio.session.forms import Mode, generation_request

    short = await session.generate(
        generation_request(
            Mode.TEXT,
            "Waves roll onto a pebble beach at noon. The camera holds still. We hear the surf.",
            Model.LTX_2_3_FAST,
            Resolution(1280, 720),
            24,
            4,
        )
    )
    await session.wait([short])
    source = session.clips.take_for_job(short.id)
    window.library.clip_activated.emit(source.clip_id)
    await until(lambda: panel.take is not None and panel.take.id == source.id)
    hdr = panel.open_hdr()
    await shoot("21-hdr-dialog")
    hdr.submit_button.click()
    await until(lambda: len(session.clips.takes(source.clip_id)) == 2, 180)
    fresh = session.clips.clip(source.clip_id).active_take_id
    await until(lambda: panel.take is not None and panel.take.id == fresh)
    await until(lambda: "EXR frames" in panel.takes.chip(fresh).detail.text(), 60)
    await shoot("22-hdr-take")
