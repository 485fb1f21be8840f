"""Retake…, Extend…, HDR… and Reframe…: non-modal dialogs that build one request each.

Each shows what will be sent, what it will cost (from `core.pricing`) and every reason it cannot
be sent yet: the request's own problems (the catalog's rules) and the input file's (the media
layer's checks for that role). The submit button stays disabled, with the reason as its tooltip,
until there is none. Shown with `show()`, never `exec()`, so the viewer stays usable meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ltxstudio import media
from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, ExtendMode, Model, RetakeMode
from ltxstudio.core.request import (
    EditRequest,
    Extend,
    LocalFile,
    Retake,
)
from ltxstudio.core.segments import Window, plan_extend, retake_problem
from ltxstudio.core.timebase import frames_in
from ltxstudio.media import Role, Severity
from ltxstudio.ui.money import money
from ltxstudio.ui.prompt_editor import PromptEditor
from ltxstudio.ui.theme import AMBER, GREY, RED
from ltxstudio.ui.viewer.facts import ClipFacts, estimate
from ltxstudio.ui.wheel_guard import guard_wheels

RETAKE_MODE_LABELS = {
    "replace_audio_and_video": "Video and audio",
    "replace_video": "Video only (keep the sound)",
    "replace_audio": "Audio only (keep the picture)",
}


class EditDialog(QDialog):
    submitted = Signal(object)  # the EditRequest

    role: Role
    endpoint: Endpoint
    #: Sandbox money: the estimate says "(simulated)".
    simulated = False

    def __init__(self, title: str, submit: str, facts: ClipFacts, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.setMinimumWidth(460)
        self.facts = facts
        self.video = LocalFile(str(facts.path))
        checked = media.check_info(facts.info, self.role)
        self.input_errors = [p.message for p in checked if p.severity is Severity.ERROR]
        self.input_notes = [p.message for p in checked if p.severity is not Severity.ERROR]
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.cost = QLabel()
        self.cost.setObjectName("editCost")
        self.cost.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setObjectName("editNotes")
        self.notes.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setObjectName("editReason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(f"color: {RED};")
        self.submit_button = QPushButton(submit)
        self.submit_button.setObjectName("editSubmit")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self.trigger_submit)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.notes)
        layout.addWidget(self.cost)
        layout.addWidget(self.reason)
        layout.addLayout(buttons)
        model = catalog.ENDPOINT_MODELS[self.endpoint]
        if model:
            # Said, not only in a tooltip: users asked why they could not pick another model.
            names = ", ".join(m.label for m in model)
            # Two lines by hand: a word-wrapped label in a form row was cut to one line.
            label = QLabel(
                self.tr("%1\nthe only model the LTX API offers for this edit").replace("%1", names)
                if len(model) == 1
                else names
            )
            label.setObjectName("editModel")
            self.model: Model | None = model[0]
            self._model_label = label
        else:
            self.model = None

    def _finish_form(self) -> None:
        if self.model is not None:
            self.form.addRow(self.tr("Model"), self._model_label)
        guard_wheels(self)
        notes = [f'<span style="color:{AMBER}">⚠ {n}</span>' for n in self.input_notes]
        self.notes.setText("<br>".join(notes))
        self.notes.setVisible(bool(notes))
        self.refresh()

    # ------------------------------------------------------------------ to override

    def request(self) -> EditRequest:
        raise NotImplementedError

    def extra_problems(self) -> list[str]:
        return []

    def cost_note(self) -> str:
        return ""

    # ------------------------------------------------------------------ common

    def problems(self) -> list[str]:
        found = list(self.input_errors) + self.extra_problems()
        for problem in self.request().problems(self.facts.media_facts()):
            # The media layer already said what is wrong with the input, in its own words.
            if not (self.input_errors and problem.field == "video_uri"):
                found.append(str(problem))
        return list(dict.fromkeys(found))

    def refresh(self) -> None:
        problems = self.problems()
        usd = estimate(self.request(), self.facts)
        note = self.cost_note()
        text = self.tr("Estimated cost: %1").replace(
            "%1", money(usd, simulated=self.simulated) if usd is not None else self.tr("unknown")
        )
        self.cost.setText(f"<b>{text}</b>" + (f'<br><span style="color:{GREY}">{note}</span>'))
        self.reason.setText("\n".join(f"✖ {p}" for p in problems))
        self.reason.setVisible(bool(problems))
        self.submit_button.setEnabled(not problems)
        self.submit_button.setToolTip(problems[0] if problems else "")

    def trigger_submit(self) -> None:
        if self.problems():
            return
        self.submitted.emit(self.request())
        self.accept()


def _prompt_editor(text: str) -> PromptEditor:
    """The generate panel's editor: the same hints (prompt lint) and the 5,000-character count."""
    editor = PromptEditor()
    editor.edit.setPlaceholderText(
        QCoreApplication.translate("EditDialog", "What happens in the new part (optional)")
    )
    editor.edit.setMinimumHeight(72)
    editor.edit.setMaximumHeight(120)
    editor.set_text(text)
    return editor


class RetakeDialog(EditDialog):
    """Regenerate the selected window; follows the timeline selection while open."""

    role = Role.RETAKE_SOURCE
    endpoint = Endpoint.RETAKE

    def __init__(
        self, facts: ClipFacts, window: Window, prompt: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(self_tr("Retake selection"), self_tr("Queue retake"), facts, parent)
        self.span = window
        self.window_label = QLabel()
        self.window_label.setObjectName("retakeWindow")
        self.mode = QComboBox()
        self.mode.setAccessibleName(self.tr("What to regenerate"))
        for value, label in RETAKE_MODE_LABELS.items():
            self.mode.addItem(self.tr(label), value)
        self.prompt_editor = _prompt_editor(prompt)
        self.prompt = self.prompt_editor.edit
        self.form.addRow(self.tr("Window"), self.window_label)
        self.form.addRow(self.tr("Regenerate"), self.mode)
        self.form.addRow(self.tr("Prompt"), self.prompt_editor)
        self.mode.currentIndexChanged.connect(lambda _i: self.refresh())
        self.prompt.textChanged.connect(self.refresh)
        self._finish_form()
        self.set_window(window)

    def set_window(self, window: Window) -> None:
        self.span = window
        frames = frames_in(window.duration, self.facts.fps)
        self.window_label.setText(
            f"{window.start:.3f}–{window.end:.3f} s · {window.duration:.2f} s · {frames} frames"
        )
        self.refresh()

    def request(self) -> Retake:
        return Retake(
            video_uri=self.video,
            start_time=self.span.start,
            duration=self.span.duration,
            mode=RetakeMode(self.mode.currentData()),
            prompt=self.prompt.toPlainText().strip() or None,
            model=self.model or Model.LTX_2_3_PRO,
        )

    def extra_problems(self) -> list[str]:
        problem = retake_problem(self.span, self.facts.duration, self.facts.fps)
        return [problem] if problem else []

    def cost_note(self) -> str:
        return self.tr(
            "Retake is billed on the whole input video (%1 s), not on the window."
        ).replace("%1", f"{self.facts.duration:.2f}")


class ExtendDialog(EditDialog):
    """Add 2–20 s at the start or the end; the context shown on the timeline while open."""

    role = Role.EXTEND_SOURCE
    endpoint = Endpoint.EXTEND
    context_changed = Signal(object)  # Window | None: the input the model will see

    def __init__(self, facts: ClipFacts, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(self_tr("Extend clip"), self_tr("Queue extend"), facts, parent)
        self.where = QButtonGroup(self)
        self.at_end = QRadioButton(self.tr("At the end"))
        self.at_start = QRadioButton(self.tr("At the start"))
        self.at_end.setChecked(True)
        where_row = QHBoxLayout()
        for button in (self.at_end, self.at_start):
            self.where.addButton(button)
            where_row.addWidget(button)
        where_row.addStretch(1)
        lo, hi = catalog.EXTEND_SECONDS
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(lo, hi)
        self.seconds.setDecimals(2)
        self.seconds.setSingleStep(0.5)
        self.seconds.setSuffix(" s")
        self.seconds.setValue(4.0)
        self.seconds.setAccessibleName(self.tr("Seconds to add"))
        self.own_context = QCheckBox(self.tr("Choose how much of the clip the model sees"))
        self.context = QDoubleSpinBox()
        self.context.setDecimals(2)
        self.context.setSingleStep(0.5)
        self.context.setSuffix(" s")
        self.context.setEnabled(False)
        self.context.setAccessibleName(self.tr("Context seconds"))
        self.plan_label = QLabel()
        self.plan_label.setObjectName("extendPlan")
        self.prompt_editor = _prompt_editor(prompt)
        self.prompt = self.prompt_editor.edit
        self.form.addRow(self.tr("Where"), where_row)
        self.form.addRow(self.tr("Add"), self.seconds)
        self.form.addRow("", self.own_context)
        self.form.addRow(self.tr("Context"), self.context)
        self.form.addRow("", self.plan_label)
        self.form.addRow(self.tr("Prompt"), self.prompt_editor)
        self.where.buttonToggled.connect(lambda _b, _on: self.refresh())
        self.seconds.valueChanged.connect(lambda _v: self.refresh())
        self.own_context.toggled.connect(self.context.setEnabled)
        self.own_context.toggled.connect(lambda _on: self.refresh())
        self.context.valueChanged.connect(lambda _v: self.refresh())
        self.prompt.textChanged.connect(self.refresh)
        self._finish_form()

    @property
    def mode(self) -> ExtendMode:
        return ExtendMode.START if self.at_start.isChecked() else ExtendMode.END

    def chosen_context(self) -> float | None:
        return self.context.value() if self.own_context.isChecked() else None

    def request(self) -> Extend:
        plan = plan_extend(self.seconds.value(), self.facts.fps, self.chosen_context())
        return Extend(
            video_uri=self.video,
            duration=plan.seconds,
            mode=self.mode,
            context=plan.context if self.own_context.isChecked() else None,
            prompt=self.prompt.toPlainText().strip() or None,
            model=self.model or Model.LTX_2_3_PRO,
        )

    def refresh(self) -> None:
        auto = plan_extend(self.seconds.value(), self.facts.fps)
        room = min(auto.context, self.facts.duration)
        self.context.blockSignals(True)
        self.context.setRange(0.0, room)
        if not self.own_context.isChecked():
            self.context.setValue(room)
        self.context.blockSignals(False)
        plan = plan_extend(self.seconds.value(), self.facts.fps, self.chosen_context())
        seen = min(plan.context, self.facts.duration)
        frames = round((plan.seconds + seen) * float(self.facts.fps))
        self.plan_label.setText(
            self.tr("+%1 s · the model sees %2 s of the clip · %3 of %4 frames")
            .replace("%1", f"{plan.seconds:g}")
            .replace("%2", f"{seen:.2f}")
            .replace("%3", str(frames))
            .replace("%4", str(catalog.EXTEND_MAX_FRAMES))
        )
        duration = self.facts.duration
        window = (
            Window(max(0.0, duration - seen), duration) if self.mode == "end" else Window(0, seen)
        )
        self.context_changed.emit(window if seen > 0 else None)
        super().refresh()

    def cost_note(self) -> str:
        return self.tr(
            "Extend is billed on the seconds added plus the context, capped at %1 frames."
        ).replace("%1", str(catalog.EXTEND_MAX_FRAMES))

    def done(self, result: int) -> None:
        self.context_changed.emit(None)
        super().done(result)


def self_tr(text: str) -> str:
    """For texts needed before `self` is a QObject (window title, submit button)."""
    return QCoreApplication.translate("EditDialog", text)
