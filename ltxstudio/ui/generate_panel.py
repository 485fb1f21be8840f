# Over 400 lines on purpose: one form whose controls constrain each other through the catalog.
"""The generate dock: mode, prompt, media, the catalog-driven controls, the estimate, Generate.

Every control is filled from `core.catalog` for the current mode and model, so an impossible
combination cannot be chosen; when a change forces another value (1440p is not offered by
LTX-2.5 Pro), the panel switches to the nearest one and says so. Generate stays disabled, with
the reason in its tooltip and under it, until the request has no problem left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, Model, Resolution, Tier
from ltxstudio.core.pricing import CostBasis, Quote, UnpricedError, quote
from ltxstudio.core.request import AudioToVideo, GenerationRequest, MediaFacts
from ltxstudio.session.forms import Mode, generation_request
from ltxstudio.session.history import Presets
from ltxstudio.ui.keyboard_reach import own_keys
from ltxstudio.ui.media_picker import AUDIO_FILTER, IMAGE_FILTER, Inspector, MediaPicker
from ltxstudio.ui.money import money
from ltxstudio.ui.prompt_editor import PromptEditor

Estimator = Callable[[GenerationRequest, MediaFacts | None], Quote]

_MODE_LABEL = {Mode.TEXT: "Text", Mode.IMAGE: "Image", Mode.AUDIO: "Audio"}
_CAMERA_LABEL = {m: m.replace("_", " ") for m in catalog.CAMERA_MOTIONS}


def resolution_label(res: Resolution) -> str:
    tier = res.tier
    name = tier.value if tier else str(res)
    return f"{name} {'9:16 portrait' if res.portrait else '16:9'} ({res.width}×{res.height})"


class ModeButtons(QObject):
    """Three toggle buttons of which one is on; each its own Tab stop (see `GeneratePanel`)."""

    buttonToggled = Signal(object, bool)  # the button, whether it is now checked

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._buttons: list[QAbstractButton] = []

    def addButton(self, button: QAbstractButton) -> None:
        self._buttons.append(button)
        button.toggled.connect(lambda on, b=button: self.buttonToggled.emit(b, on))

    def buttons(self) -> list[QAbstractButton]:
        return list(self._buttons)


class GeneratePanel(QWidget):
    generate_requested = Signal(object)  # GenerationRequest

    def __init__(
        self,
        estimate: Estimator,
        *,
        history_search: Callable[[str], list[str]] | None = None,
        presets: Presets | None = None,
        image_inspector: Inspector | None = None,
        audio_inspector: Inspector | None = None,
        simulated: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName("generatePanel")
        self._estimate = estimate
        self.simulated = simulated
        self._presets = presets
        self._filling = False

        # Exclusive by hand: Tab skips the unchecked buttons of any QButtonGroup (arrows move
        # between them, which nothing on screen says), so these three are in none.
        self.mode_group = ModeButtons(self)
        mode_row = QHBoxLayout()
        mode_row.addWidget(QLabel(self.tr("Make video from")))
        for mode in Mode:
            button = QToolButton()
            button.setText(self.tr(_MODE_LABEL[mode]))
            button.setCheckable(True)
            button.setAccessibleName(self.tr("%1 to video").replace("%1", _MODE_LABEL[mode]))
            button.setProperty("mode", mode.value)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # all three, not the checked one
            own_keys(button, (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter), press=True)
            self.mode_group.addButton(button)
            mode_row.addWidget(button)
        mode_row.addStretch(1)
        self.mode_group.buttons()[0].setChecked(True)

        self.prompt = PromptEditor(history_search)
        self.image = MediaPicker(self.tr("First frame"), IMAGE_FILTER, image_inspector)
        self.last_frame = MediaPicker(
            self.tr("Last frame (optional)"), IMAGE_FILTER, image_inspector
        )
        self.audio = MediaPicker(self.tr("Soundtrack (2–20 s)"), AUDIO_FILTER, audio_inspector)
        # The last frame is optional and rarely used: one line until asked for, so the rest of
        # the form (and the soundtrack's Convert fix) stays in view on a 1280×800 screen.
        self.add_last_frame = QToolButton()
        self.add_last_frame.setObjectName("addLastFrame")
        self.add_last_frame.setText(self.tr("+ Last frame (optional)"))
        self.add_last_frame.setAccessibleName(self.tr("Add a last frame"))
        self.add_last_frame.setCheckable(True)
        self.add_last_frame.setAutoRaise(True)

        self.model = QComboBox()
        self.model.setAccessibleName(self.tr("Model"))
        self.resolution = QComboBox()
        self.resolution.setAccessibleName(self.tr("Resolution"))
        self.fps = QComboBox()
        self.fps.setAccessibleName(self.tr("Frames per second"))
        self.duration = QComboBox()
        self.duration.setAccessibleName(self.tr("Duration"))
        self.camera = QComboBox()
        self.camera.setAccessibleName(self.tr("Camera motion"))
        self.audio_on = QCheckBox(self.tr("Generate audio"))
        self.audio_on.setChecked(True)
        for combo in (self.model, self.resolution, self.fps, self.duration, self.camera):
            # Shrink with the dock instead of widening the panel past it (long labels elide).
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Model"), self.model)
        form.addRow(self.tr("Resolution"), self.resolution)
        form.addRow(self.tr("FPS"), self.fps)
        form.addRow(self.tr("Duration"), self.duration)
        form.addRow(self.tr("Camera"), self.camera)
        form.addRow("", self.audio_on)
        self.form = form

        self.note = QLabel()
        self.note.setObjectName("generateNote")
        self.note.setWordWrap(True)
        self.cost = QLabel()
        self.cost.setObjectName("generateCost")
        self.cost.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.presets_button = QToolButton()
        self.presets_button.setText(self.tr("Presets"))
        self.presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.presets_button.setEnabled(presets is not None)
        self.presets_menu = QMenu(self)
        self.presets_menu.aboutToShow.connect(self._fill_presets_menu)
        self.presets_button.setMenu(self.presets_menu)
        self.generate_button = QPushButton(self.tr("Generate   Ctrl+Enter"))
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.generate_button.setMinimumHeight(36)
        self.generate_button.clicked.connect(self.trigger_generate)
        self.reason = QLabel()
        self.reason.setObjectName("generateReason")
        self.reason.setWordWrap(True)

        cost_row = QHBoxLayout()
        cost_row.addWidget(self.presets_button)
        cost_row.addStretch(1)
        cost_row.addWidget(QLabel(self.tr("Estimated cost")))
        cost_row.addWidget(self.cost)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(mode_row)
        layout.addWidget(self.prompt)
        layout.addWidget(self.image)
        layout.addWidget(self.add_last_frame)
        layout.addWidget(self.last_frame)
        layout.addWidget(self.audio)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        # The form fits the dock's width; only the height may scroll.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls in it
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        # The price and the Generate button never scroll out of sight, whatever the window size.
        footer = QWidget()
        footer.setObjectName("generateFooter")
        footer_layout = QVBoxLayout(footer)
        footer_layout.setContentsMargins(8, 4, 8, 8)
        footer_layout.addLayout(cost_row)
        footer_layout.addWidget(self.generate_button)
        footer_layout.addWidget(self.reason)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(scroll, 1)
        outer.addWidget(footer)

        self.mode_group.buttonToggled.connect(self._on_mode_toggled)
        self.model.currentIndexChanged.connect(lambda _i: self._refill("model"))
        self.resolution.currentIndexChanged.connect(lambda _i: self._refill("resolution"))
        self.fps.currentIndexChanged.connect(lambda _i: self._refill("fps"))
        self.duration.currentIndexChanged.connect(lambda _i: self._update())
        self.camera.currentIndexChanged.connect(lambda _i: self._update())
        self.audio_on.toggled.connect(lambda _on: self._update())
        self.prompt.text_changed.connect(lambda _t: self._update())
        self.prompt.lint_changed.connect(lambda _l: self._update())
        for picker in (self.image, self.last_frame, self.audio):
            picker.changed.connect(self._update)
        self.last_frame.changed.connect(self._show_last_frame_if_set)
        self.add_last_frame.toggled.connect(lambda _on: self._layout_for(self.mode, self._model()))
        self._refill("mode")

    # ------------------------------------------------------------------ reading the form

    @property
    def mode(self) -> Mode:
        button = next((b for b in self.mode_group.buttons() if b.isChecked()), None)
        return Mode(button.property("mode")) if button is not None else Mode.TEXT

    def set_mode(self, mode: Mode) -> None:
        for button in self.mode_group.buttons():
            if button.property("mode") == mode.value:
                button.setChecked(True)

    def request(self) -> GenerationRequest:
        """The request the form stands for now (the one `generation_request` builds)."""
        mode = self.mode
        return generation_request(
            mode,
            self.prompt.text(),
            Model(self.model.currentData()),
            self.resolution.currentData(),
            self.fps.currentData(),
            self.duration.currentData(),
            generate_audio=self.audio_on.isChecked(),
            camera_motion=self.camera.currentData() if self.camera.isEnabled() else None,
            image=self.image.path if mode is not Mode.TEXT else None,
            last_frame=self.last_frame.path if mode is not Mode.TEXT else None,
            audio=self.audio.path if mode is Mode.AUDIO else None,
        )

    def blocking_reason(self) -> str | None:
        req = self.request()
        # With an image, audio-to-video needs no prompt; everything else does.
        prompt_optional = isinstance(req, AudioToVideo) and req.image_uri is not None
        if not req.prompt_text.strip() and not prompt_optional:
            return self.tr("Write a prompt to generate.")
        problems = req.problems()
        if problems:
            return str(problems[0])
        prompt_error = self.prompt.blocking_problem()
        if prompt_error and not prompt_optional:
            return prompt_error
        pickers = {
            Mode.TEXT: (),
            Mode.IMAGE: (self.image, self.last_frame),
            Mode.AUDIO: (self.image, self.last_frame, self.audio),
        }
        for picker in pickers[self.mode]:
            issue = picker.blocking_issue()
            if issue and picker.path is not None:
                return f"{picker.accessibleName()}: {issue}"
        return None

    def stop(self) -> None:
        """The window is closing: stop the pickers' background work."""
        for picker in (self.image, self.last_frame, self.audio):
            picker.stop()

    def trigger_generate(self) -> None:
        if self.blocking_reason() is None:
            self.generate_requested.emit(self.request())

    # ------------------------------------------------------------------ presets

    def preset_values(self) -> dict[str, Any]:
        resolution = self.resolution.currentData()
        return {
            "mode": self.mode.value,
            "prompt": self.prompt.text(),
            "model": self.model.currentData(),
            "resolution": str(resolution) if resolution else None,
            "fps": self.fps.currentData(),
            "duration": self.duration.currentData(),
            "generate_audio": self.audio_on.isChecked(),
            "camera_motion": self.camera.currentData() if self.camera.isEnabled() else None,
        }

    def apply_values(self, values: dict[str, Any]) -> None:
        self.set_mode(Mode(values.get("mode", self.mode.value)))
        if "prompt" in values:
            self.prompt.set_text(str(values["prompt"]))
        _select(self.model, values.get("model"))
        res = values.get("resolution")
        _select(self.resolution, Resolution.parse(res) if res else None)
        _select(self.fps, values.get("fps"))
        _select(self.duration, values.get("duration"))
        _select(self.camera, values.get("camera_motion"))
        self.audio_on.setChecked(bool(values.get("generate_audio", True)))
        self._update()

    def _fill_presets_menu(self) -> None:
        menu = self.presets_menu
        menu.clear()
        if self._presets is None:
            return
        presets = self._presets
        menu.addAction(self.tr("Save current settings as preset…"), self._save_preset)
        names = presets.names()
        if names:
            menu.addSeparator()
            remove = QMenu(self.tr("Delete preset"), menu)
            for name in names:
                menu.addAction(name, self._applier(presets, name))
                remove.addAction(name, self._deleter(presets, name))
            menu.addMenu(remove)

    def _save_preset(self) -> None:
        if self._presets is None:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Save preset"))
        dialog.setLabelText(self.tr("Name:"))
        presets, values = self._presets, self.preset_values()

        def save(name: str) -> None:
            if name.strip():
                presets.save(name, values)

        dialog.textValueSelected.connect(save)
        dialog.open()

    def _applier(self, presets: Presets, name: str) -> Callable[[], None]:
        return lambda: self.apply_values(presets.get(name))

    @staticmethod
    def _deleter(presets: Presets, name: str) -> Callable[[], None]:
        return lambda: presets.delete(name)

    # ------------------------------------------------------------------ catalog-driven filling

    def _on_mode_toggled(self, button: QAbstractButton, checked: bool) -> None:
        if not checked:
            if not any(b.isChecked() for b in self.mode_group.buttons()):
                button.setChecked(True)  # one mode is always chosen
            return
        for other in self.mode_group.buttons():
            if other is not button and other.isChecked():
                other.blockSignals(True)
                other.setChecked(False)
                other.blockSignals(False)
        self._refill("mode")

    def _refill(self, changed: str) -> None:
        if self._filling:
            return
        self._filling = True
        notes: list[str] = []
        try:
            mode = self.mode
            endpoint = mode.endpoint
            if changed == "mode":
                models = catalog.ENDPOINT_MODELS[endpoint]
                notes += _refill(self.model, [(m.label, m.value) for m in models], "model")
            model = Model(self.model.currentData())
            if changed in ("mode", "model"):
                if mode is Mode.AUDIO:
                    options: list[tuple[str, Any]] = [(self.tr("Auto (from the image)"), None)]
                    for res in catalog.tier_resolutions(tuple(catalog.ALL_TIERS)):
                        limit = catalog.a2v_max_seconds(model, res)
                        if limit is not None:
                            options.append((f"{resolution_label(res)} · ≤ {limit:g} s", res))
                else:
                    options = [(resolution_label(r), r) for r in catalog.allowed_resolutions(model)]
                notes += _refill(self.resolution, options, "resolution")
            res = self.resolution.currentData()
            if changed in ("mode", "model", "resolution"):
                if mode is Mode.AUDIO:
                    fps_values = catalog.a2v_fps(model, res or catalog.A2V_DEFAULT_RESOLUTION)
                else:
                    fps_values = catalog.allowed_fps(model, res)
                notes += _refill(self.fps, [(f"{f} fps", f) for f in fps_values], "fps")
            if mode is not Mode.AUDIO:
                fps = self.fps.currentData()
                durations = catalog.allowed_durations(model, res, fps)
                # The docs start at 6 s; shorter ones work but are not documented (contract §2).
                undocumented = self.tr("%1 s · beyond the documented matrix")
                options = [
                    (
                        f"{d} s"
                        if catalog.is_documented_duration(d)
                        else undocumented.replace("%1", str(d)),
                        d,
                    )
                    for d in durations
                ]
                if model in catalog.AUTO_DURATION_MODELS:
                    options.insert(0, (self.tr("Auto (model decides)"), None))
                notes += _refill(self.duration, options, "duration")
            if changed in ("mode", "model"):
                cams: list[tuple[str, Any]] = [(self.tr("None"), None)]
                cams += [(_CAMERA_LABEL[c], c) for c in catalog.CAMERA_MOTIONS]
                _refill(self.camera, cams, "camera")
        finally:
            self._filling = False
        self._layout_for(mode, model)
        self.note.setText(" ".join(notes))
        self._update()

    def _model(self) -> Model:
        return Model(self.model.currentData())

    def _show_last_frame_if_set(self) -> None:
        if self.last_frame.path is not None and not self.add_last_frame.isChecked():
            self.add_last_frame.setChecked(True)

    def _layout_for(self, mode: Mode, model: Model) -> None:
        # The soundtrack sets the length and carries the sound; fps and camera apply to every
        # mode (audio-to-video gained both on 2026-08-19, contract §3).
        generative = mode is not Mode.AUDIO
        for widget in (self.duration, self.audio_on):
            self.form.setRowVisible(widget, generative)
        self.image.setVisible(mode is not Mode.TEXT)
        title = self.tr("First frame") if mode is Mode.IMAGE else self.tr("Image (optional)")
        self.image.title.setText(f"<b>{title}</b>")
        self.add_last_frame.setVisible(mode is not Mode.TEXT)
        self.last_frame.setVisible(mode is not Mode.TEXT and self.add_last_frame.isChecked())
        self.last_frame.setToolTip(
            self.tr("The video ends on this frame; in audio mode it needs an image too")
        )
        self.audio.setVisible(mode is Mode.AUDIO)
        # With pickers on screen the prompt gives up height, so every control stays in view.
        self.prompt.edit.setMaximumHeight(220 if mode is Mode.TEXT else 96)
        # LTX Desktop offers camera motion only on Pro models; its effect on Fast is unknown.
        pro = model.is_pro
        self.camera.setEnabled(pro)
        self.camera.setToolTip("" if pro else self.tr("Camera motion presets need a Pro model"))

    def _update(self) -> None:
        if self._filling:
            return
        req = self.request()
        audio_mode = isinstance(req, AudioToVideo)
        self.prompt.set_context(
            camera_motion=req.camera_motion,
            audio=audio_mode or getattr(req, "generate_audio", True),
        )
        seconds = self.audio.inspection.seconds if self.audio.inspection else None
        facts = MediaFacts(duration=seconds) if seconds is not None else None
        try:
            if isinstance(req, AudioToVideo) and seconds is None:
                rate = quote(CostBasis(Endpoint.AUDIO_TO_VIDEO, 1, req.model, req.resolution))
                text = self.tr("%1 per second of audio").replace(
                    "%1", money(rate.usd, simulated=self.simulated)
                )
                priced = rate
            else:
                priced = self._estimate(req, facts)
                text = money(priced.usd, simulated=self.simulated)
                if not audio_mode and getattr(req, "duration", 6) is None:
                    text = self.tr("up to %1").replace("%1", text)
            if not priced.published:
                text = self.tr("≈ %1\n(rate not published)").replace("%1", text)
        except (UnpricedError, ValueError):
            text = "—"
            priced = None
        self.cost.setText(text)
        self.cost.setToolTip(
            self.tr(
                "LTX publishes no audio-to-video rate for this model and size; the estimate "
                "uses the model's text-to-video rate for it."
            )
            if priced is not None and not priced.published
            else ""
        )
        reason = self.blocking_reason()
        self.generate_button.setEnabled(reason is None)
        self.generate_button.setToolTip(reason or self.tr("Queue this generation (Ctrl+Enter)"))
        self.reason.setText(self._short_reason(reason))

    def _short_reason(self, reason: str | None) -> str:
        """Under the button: a file's problem is shown (with its fix) on the file, above; here
        a pointer to it is enough (the whole sentence twice pushed the fix out of view)."""
        if reason is None:
            return ""
        for picker in (self.image, self.last_frame, self.audio):
            name = picker.accessibleName()
            if reason.startswith(f"{name}: ") and picker.isVisible():
                return self.tr("%1: see the problem above.").replace("%1", name)
        return reason


def _select(combo: QComboBox, value: Any) -> bool:
    for i in range(combo.count()):
        if combo.itemData(i) == value:
            combo.setCurrentIndex(i)
            return True
    return False


def _refill(combo: QComboBox, options: list[tuple[str, Any]], what: str) -> list[str]:
    """Replace the choices, keeping the current one if still allowed; else say what changed."""
    previous, previous_text = combo.currentData(), combo.currentText()
    had_value = combo.count() > 0
    combo.blockSignals(True)
    combo.clear()
    for label, value in options:
        combo.addItem(label, value)
    kept = _select(combo, previous)
    if not kept and what == "resolution" and isinstance(previous, Resolution):
        kept = _select(combo, _nearest(previous, [v for _l, v in options]))
    if not kept:
        combo.setCurrentIndex(_default_index(options, what))
    combo.blockSignals(False)
    if had_value and not kept and previous is not None and what != "camera":
        return [f"{previous_text} is not available here; now {combo.currentText()}."]
    return []


def _nearest(previous: Resolution, options: list[Any]) -> Resolution | None:
    same_orientation = [
        r for r in options if isinstance(r, Resolution) and r.portrait == previous.portrait
    ]
    if not same_orientation:
        return None
    return min(same_orientation, key=lambda r: abs(r.pixels - previous.pixels))


def _default_index(options: list[tuple[str, Any]], what: str) -> int:
    values = [v for _l, v in options]
    preferred: dict[str, Any] = {
        "model": catalog.Model.LTX_2_3_PRO.value,
        "resolution": Resolution.of(Tier.P1080),
        "fps": catalog.DEFAULT_FPS,
        "duration": 6,
    }
    target = preferred.get(what)
    return values.index(target) if target in values else 0
