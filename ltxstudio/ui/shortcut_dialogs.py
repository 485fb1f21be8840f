"""Help → Keyboard shortcuts (every key the app answers to, searchable) and Settings → Keyboard
(change them, with conflicts said where they are and OK held back until there are none)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.ui.shortcuts import Binding, Shortcuts, native, portable
from ltxstudio.ui.theme import RED


def _table(columns: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None  # every cell is filled when the row is made
    return item


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
    return item


class KeyboardHelp(QDialog):
    """Every shortcut, grouped, with a filter."""

    def __init__(self, shortcuts: Shortcuts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyboardHelp")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(620, 640)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter by command or key…"))
        self.filter.setClearButtonEnabled(True)
        label = QLabel(self.tr("&Filter"))
        label.setBuddy(self.filter)
        self.table = _table([self.tr("Where"), self.tr("Command"), self.tr("Keys")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        for binding in shortcuts.bindings():
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate((binding.group, binding.label, native(binding.keys))):
                self.table.setItem(row, column, _item(text))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.filter, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            QLabel(self.tr("Change them in Settings → Keyboard (Ctrl+,)."))  # where, not how
        )
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)

    def rows(self) -> list[tuple[str, str, str]]:
        """What is listed (tests read it)."""
        out = []
        for row in range(self.table.rowCount()):
            cells = [_cell(self.table, row, c) for c in range(3)]
            out.append((cells[0].text(), cells[1].text(), cells[2].text()))
        return out

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.table.rowCount()):
            hay = " ".join(_cell(self.table, row, c).text().lower() for c in range(3))
            self.table.setRowHidden(row, bool(needle) and needle not in hay)


class ShortcutEditor(QDialog):
    """Pick a command, press its new keys; conflicts show at once and hold OK back."""

    def __init__(self, shortcuts: Shortcuts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutEditor")
        self.setWindowTitle(self.tr("Keyboard"))
        self.resize(640, 620)
        self.shortcuts = shortcuts
        self.bindings: list[Binding] = [b for b in shortcuts.bindings() if not b.fixed]
        self.assignment: dict[str, tuple[str, ...]] = {b.id: b.keys for b in self.bindings}
        self.table = _table([self.tr("Where"), self.tr("Command"), self.tr("Keys")])
        self.table.setAccessibleName(self.tr("Commands and their keys"))
        for binding in self.bindings:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, _item(binding.group))
            self.table.setItem(row, 1, _item(binding.label))
            self.table.setItem(row, 2, _item(native(binding.keys)))
        self.keys = QKeySequenceEdit()
        self.keys.setObjectName("shortcutKeys")
        self.keys.setMaximumSequenceLength(1)
        keys_label = QLabel(self.tr("&New key"))
        keys_label.setBuddy(self.keys)
        self.clear_button = QPushButton(self.tr("No key"))
        self.reset_button = QPushButton(self.tr("Default"))
        self.reset_all = QPushButton(self.tr("All defaults"))
        self.problem = QLabel()
        self.problem.setObjectName("shortcutConflict")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {RED};")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        edit_row = QHBoxLayout()
        edit_row.addWidget(keys_label)
        edit_row.addWidget(self.keys, 1)
        edit_row.addWidget(self.clear_button)
        edit_row.addWidget(self.reset_button)
        edit_row.addWidget(self.reset_all)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(edit_row)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_row(row))
        self.keys.keySequenceChanged.connect(self._on_keys)
        self.clear_button.clicked.connect(lambda: self.set_keys(()))
        self.reset_button.clicked.connect(self._reset)
        self.reset_all.clicked.connect(self._reset_everything)
        if self.bindings:
            self.table.setCurrentCell(0, 1)
        self._check()

    # ------------------------------------------------------------------ editing

    def select(self, id_: str) -> None:
        row = next(i for i, b in enumerate(self.bindings) if b.id == id_)
        self.table.setCurrentCell(row, 1)

    def current(self) -> Binding | None:
        row = self.table.currentRow()
        return self.bindings[row] if 0 <= row < len(self.bindings) else None

    def set_keys(self, keys: tuple[str, ...]) -> None:
        """Give the selected command these keys (portable text)."""
        binding = self.current()
        if binding is None:
            return
        keys = portable(keys)  # one spelling for comparing and storing
        self.assignment[binding.id] = keys
        _cell(self.table, self.table.currentRow(), 2).setText(native(keys))
        self._show_row(self.table.currentRow())
        self._check()

    def _show_row(self, row: int) -> None:
        binding = self.current()
        self.keys.blockSignals(True)
        keys = self.assignment[binding.id] if binding else ()
        self.keys.setKeySequence(QKeySequence(keys[0]) if keys else QKeySequence())
        self.keys.blockSignals(False)

    def _on_keys(self, sequence: QKeySequence) -> None:
        text = portable([sequence])
        binding = self.current()
        if binding is None:
            return
        # The editor holds one key; a command's second default key (keypad Enter) stays.
        rest = self.assignment[binding.id][1:] if text else ()
        self.set_keys(text + tuple(k for k in rest if k not in text))

    def _reset(self) -> None:
        binding = self.current()
        if binding is not None:
            self.set_keys(binding.default)
            self._show_row(self.table.currentRow())

    def _reset_everything(self) -> None:
        for row, binding in enumerate(self.bindings):
            self.assignment[binding.id] = binding.default
            _cell(self.table, row, 2).setText(native(binding.default))
        self._show_row(self.table.currentRow())
        self._check()

    def _check(self) -> dict[str, str]:
        problems = self.shortcuts.conflicts(self.assignment)
        lines = [
            f"✖ {self.shortcuts.binding(i).label}: {why}" for i, why in sorted(problems.items())
        ]
        self.problem.setText("\n".join(dict.fromkeys(lines)))
        self.problem.setVisible(bool(problems))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problems)
        ok.setToolTip(lines[0] if lines else "")
        return problems

    def _accept(self) -> None:
        if self._check():
            return
        self.shortcuts.apply(self.assignment)
        self.shortcuts.save()
        self.accept()
