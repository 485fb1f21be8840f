"""HDR… and Reframe…: the whole-clip edits (no segment), built on `EditDialog`."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, Resolution
from ltxstudio.core.request import Hdr, Placement, Reframe
from ltxstudio.media import Role
from ltxstudio.ui.viewer.dialogs import EditDialog, self_tr
from ltxstudio.ui.viewer.facts import ClipFacts


class HdrDialog(EditDialog):
    role = Role.HDR_SOURCE
    endpoint = Endpoint.HDR

    def __init__(self, facts: ClipFacts, parent: QWidget | None = None) -> None:
        super().__init__(self_tr("HDR version"), self_tr("Queue HDR"), facts, parent)
        cap = catalog.hdr_frame_cap(facts.width, facts.height)
        limit = QLabel(
            self.tr("%1 frames; HDR takes at most %2 at %3×%4")
            .replace("%1", str(facts.frames))
            .replace("%2", str(cap) if cap else "0")
            .replace("%3", str(facts.width))
            .replace("%4", str(facts.height))
        )
        self.form.addRow(self.tr("Frames"), limit)
        self.returns = QLabel(
            self.tr(
                "LTX returns a ZIP of EXR frames (linear-light HDR), one per input frame, "
                "not a video. It joins this clip as an HDR take: a tone-mapped SDR preview "
                "to watch, with the EXR frames beside it (the take's menu: Reveal EXR frames)."
            )
        )
        self.returns.setWordWrap(True)
        self.form.addRow("", self.returns)
        self._finish_form()

    def request(self) -> Hdr:
        return Hdr(video_uri=self.video)

    def cost_note(self) -> str:
        return self.tr("HDR is billed per input second by the input's size.")


class ReframeDialog(EditDialog):
    role = Role.REFRAME_SOURCE
    endpoint = Endpoint.REFRAME

    def __init__(self, facts: ClipFacts, parent: QWidget | None = None) -> None:
        super().__init__(self_tr("Reframe"), self_tr("Queue reframe"), facts, parent)
        self.resolution = QComboBox()
        self.resolution.setAccessibleName(self.tr("Output size"))
        for res in catalog.REFRAME_RESOLUTIONS:
            # Item data as text: a Python object in a QVariant does not compare by value.
            self.resolution.addItem(f"{res.aspect_label} · {res.width}×{res.height}", str(res))
        self.anchor = QComboBox()
        self.anchor.setAccessibleName(self.tr("Placement"))
        self.anchor.addItem(self.tr("Centred, largest fit (API default)"), None)
        for anchor in catalog.REFRAME_ANCHORS:
            self.anchor.addItem(anchor.replace("_", " "), anchor)
        self.form.addRow(self.tr("Output"), self.resolution)
        self.form.addRow(self.tr("Keep in frame"), self.anchor)
        self.resolution.currentIndexChanged.connect(lambda _i: self.refresh())
        self.anchor.currentIndexChanged.connect(lambda _i: self.refresh())
        self._finish_form()

    def request(self) -> Reframe:
        anchor = self.anchor.currentData()
        return Reframe(
            video_uri=self.video,
            resolution=Resolution.parse(self.resolution.currentData()),
            placement=Placement(anchor=anchor) if anchor else None,
        )

    def cost_note(self) -> str:
        return self.tr("Reframe is billed per input second by the output size.")
