"""The prompt editor: multi-line text, a character count against the API's 5 000, a lint line
following the LTX prompting guide, and a searchable history."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.core.catalog import PROMPT_MAX_CHARS
from ltxstudio.core.prompt_lint import Level, Lint, lint
from ltxstudio.ui.theme import AMBER, GREEN, GREY, RED

PLACEHOLDER = (
    "Describe the shot in 4–8 sentences: what happens, in order; how the camera moves; "
    "what we hear. e.g. “A lighthouse beam sweeps across the fog at dusk. Waves break on the "
    "rocks below as gulls circle. The camera slowly dollies in toward the lamp. We hear the "
    "foghorn and the wind.”"
)
_SYMBOL = {
    Level.OK: ("✓", GREEN),
    Level.INFO: ("•", GREY),
    Level.WARN: ("⚠", AMBER),
    Level.ERROR: ("✖", RED),
}


class HistoryDialog(QDialog):
    """Search earlier prompts; choosing one replaces the editor's text."""

    def __init__(self, parent: QWidget, search: Callable[[str], list[str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Prompt history"))
        self.resize(560, 420)
        self._search = search
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Search earlier prompts…"))
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._refill)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self._refill("")

    def _refill(self, text: str) -> None:
        self.list.clear()
        for prompt in self._search(text):
            item = QListWidgetItem(prompt)
            item.setToolTip(prompt)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def chosen(self) -> str | None:
        row = self.list.currentRow()  # the stubs say currentItem() is never None; it can be
        return self.list.item(row).text() if row >= 0 else None


class PromptEditor(QWidget):
    text_changed = Signal(str)
    lint_changed = Signal(list)  # list[Lint], debounced

    def __init__(self, history_search: Callable[[str], list[str]] | None = None) -> None:
        super().__init__()
        self._history_search = history_search
        self._camera_motion: str | None = None
        self._audio = True
        self.lints: list[Lint] = []

        self.edit = QPlainTextEdit()
        self.edit.setObjectName("promptEdit")
        self.edit.setPlaceholderText(self.tr(PLACEHOLDER))
        self.edit.setAccessibleName(self.tr("Prompt"))
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(72)
        self.edit.setMaximumHeight(220)  # room for 4–8 sentences; the controls stay in view
        self.count = QLabel()
        self.count.setObjectName("promptCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.lint_label = QLabel()
        self.lint_label.setObjectName("promptLint")
        self.lint_label.setWordWrap(True)
        self.lint_label.setTextFormat(Qt.TextFormat.RichText)
        self.history_button = QToolButton()
        self.history_button.setText(self.tr("History…"))
        self.history_button.setToolTip(self.tr("Search and reuse earlier prompts (Ctrl+H)"))
        self.history_button.setEnabled(history_search is not None)
        self.history_button.setVisible(history_search is not None)  # no history: no button
        self.history_button.clicked.connect(self.open_history)
        QShortcut(QKeySequence("Ctrl+H"), self, self.open_history)

        # The lint line wraps on its own row: side by side with the button and the count it
        # pushed the count out of a narrow dock (issue 14, item 14).
        footer = QHBoxLayout()
        footer.addWidget(self.history_button)
        footer.addStretch(1)
        footer.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.lint_label)
        layout.addLayout(footer)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._relint)
        self.edit.textChanged.connect(self._on_text_changed)
        self._on_text_changed()
        self._relint()

    # ------------------------------------------------------------------ API

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        # Through the document's undo stack, so Ctrl+Z in the editor brings the old text back.
        cursor = self.edit.textCursor()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(text)

    def set_context(self, *, camera_motion: str | None, audio: bool) -> None:
        """What else the request says: a camera-motion preset or silent output change the lint."""
        if (camera_motion, audio) != (self._camera_motion, self._audio):
            self._camera_motion, self._audio = camera_motion, audio
            self._relint()

    def blocking_problem(self) -> str | None:
        # Fresh, not the debounced lint line: Generate must never act on stale text.
        current = lint(self.text(), camera_motion=self._camera_motion, audio=self._audio)
        errors = [i for i in current if i.level is Level.ERROR]
        return errors[0].message if errors else None

    def open_history(self) -> None:
        if self._history_search is None:
            return
        dialog = HistoryDialog(self, self._history_search)
        dialog.accepted.connect(lambda: self._take_from(dialog))
        dialog.open()

    # ------------------------------------------------------------------ internals

    def _take_from(self, dialog: HistoryDialog) -> None:
        chosen = dialog.chosen()
        if chosen:
            self.set_text(chosen)

    def _on_text_changed(self) -> None:
        n = len(self.text())
        over = n > PROMPT_MAX_CHARS
        self.count.setText(f"{n:,} / {PROMPT_MAX_CHARS:,}")
        self.count.setStyleSheet(f"color: {RED};" if over else "")
        self.count.setToolTip(self.tr("The API takes at most 5,000 characters") if over else "")
        self.text_changed.emit(self.text())
        self._debounce.start()

    def _relint(self) -> None:
        self.lints = lint(self.text(), camera_motion=self._camera_motion, audio=self._audio)
        if not self.text().strip():
            # Nothing typed yet is not a mistake: say what a good prompt has, quietly.
            self.lint_label.setText(
                f'<span style="color:{GREY}">'
                + self.tr("4–8 sentences · action in order · camera move · what we hear")
                + "</span>"
            )
            self.lint_label.setToolTip("")
            self.lint_changed.emit(self.lints)
            return
        chips = []
        for item in self.lints:
            symbol, colour = _SYMBOL[item.level]
            label = item.message if item.level is Level.OK else _short(item)
            chips.append(
                f'<span style="color:{colour}" title="{item.message}">{symbol} {label}</span>'
            )
        self.lint_label.setText("&nbsp;&nbsp;".join(chips))
        self.lint_label.setToolTip(
            "\n".join(i.message for i in self.lints if i.level is not Level.OK)
        )
        self.lint_changed.emit(self.lints)


def _short(item: Lint) -> str:
    return {
        "no-camera": "no camera move",
        "no-audio": "no audio cue",
        "no-sequence": "no action order",
        "negative": "negative phrasing",
        "too-short": "too short",
        "few-sentences": "few sentences",
        "many-sentences": "many sentences",
        "too-long": "too long",
        "empty": "empty",
    }.get(item.code, item.code)
