"""The viewer: player, timeline with constraint-aware selection, retake/extend/HDR/reframe
dialogs, takes strip and A/B compare (issue #7).

The public surface is small: build a `ViewerPanel` with something that satisfies
`ViewerController` (the session), then call `show_clip`, `show_take` or `compare`. Its actions
(`panel.actions_`) are `QAction`s the main window can put in menus. Queued edits go to
`controller.queue(request, lineage)`; a grabbed start frame comes out of `start_frame_chosen`.
"""

from ltxstudio.ui.viewer.controller import EditRequest, Lineage, ViewerController
from ltxstudio.ui.viewer.facts import ClipFacts, estimate
from ltxstudio.ui.viewer.panel import ViewerPanel, edited_position
from ltxstudio.ui.viewer.player import Player, PlayState

__all__ = [
    "ClipFacts",
    "EditRequest",
    "Lineage",
    "PlayState",
    "Player",
    "ViewerController",
    "ViewerPanel",
    "edited_position",
    "estimate",
]
