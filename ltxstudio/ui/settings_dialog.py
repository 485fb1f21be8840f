"""Settings: the API key (keyring only), the backend, the queue, the budget, the library, looks.

The dialog never shows a stored key, not even masked: it says where the key lives and offers to
replace or remove it. Without a usable keyring it offers to use a key for this session only and
says it will not be saved; there is no plaintext fallback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.session.keycheck import KeyCheck, KeyVerdict, check_key, target_base_url
from ltxstudio.settings import secrets
from ltxstudio.settings.model import Backend, Settings, Theme
from ltxstudio.ui.asyncslot import async_slot
from ltxstudio.ui.wheel_guard import guard_wheels

#: `(typed key or None for the key in use, base URL) -> the API's verdict`; free, creates nothing.
KeyChecker = Callable[[str | None, str], Awaitable[KeyCheck | None]]


@dataclass(frozen=True)
class KeyState:
    stored: bool  # a key is in the keyring (or the environment)
    source: str  # "keyring", "environment", "session" or "none"
    keyring_usable: bool
    keyring_name: str


@dataclass(frozen=True)
class SettingsResult:
    settings: Settings
    new_key: str | None  # a key typed in this dialog (never echoed back)
    remember_key: bool  # save it in the keyring (False: this session only)
    remove_key: bool


class SettingsDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        settings: Settings,
        key: KeyState,
        on_accept: Callable[[SettingsResult], None],
        check_key: KeyChecker | None = None,
        edit_keys: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(560)
        self._settings = settings
        self._key = key
        self._on_accept = on_accept
        self._check_key = check_key
        self._remove_key = False

        # --- account
        account = QGroupBox(self.tr("LTX account"))
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("Paste an API key from console.ltx.video"))
        self.key_edit.setAccessibleName(self.tr("API key"))
        self.remember = QCheckBox(self.tr("Remember in the system keyring"))
        self.remember.setChecked(key.keyring_usable)
        self.remember.setEnabled(key.keyring_usable)
        self.remove_button = QPushButton(self.tr("Remove stored key"))
        self.remove_button.setEnabled(key.stored and key.source == "keyring")
        self.remove_button.clicked.connect(self._mark_remove)
        self.check_button = QPushButton(self.tr("Check key"))
        self.check_button.setToolTip(
            self.tr("Ask LTX whether it takes the key: free, creates no job")
        )
        self.check_button.setEnabled(check_key is not None)
        self.check_button.clicked.connect(self._start_check)
        self.check_result = QLabel()
        self.check_result.setObjectName("keyCheckResult")
        self.check_result.setWordWrap(True)
        self.check_result.setAccessibleName(self.tr("Key check result"))
        self.backend = QComboBox()
        for value, label in (
            (Backend.AUTO, "Automatic: the LTX API when a key is set, else the sandbox"),
            (Backend.LIVE, "LTX API (billed)"),
            (Backend.SANDBOX, "Sandbox (simulated clips, no charges)"),
        ):
            self.backend.addItem(self.tr(label), value)
        self.base_url = QLineEdit(settings.base_url)
        form = QFormLayout(account)
        form.addRow(self.key_status)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.check_button)
        key_row.addWidget(self.remove_button)
        form.addRow(self.tr("API key"), key_row)
        form.addRow("", self.check_result)
        form.addRow("", self.remember)
        form.addRow(self.tr("Backend"), self.backend)
        form.addRow(self.tr("Base URL"), self.base_url)

        # --- queue and money
        queue = QGroupBox(self.tr("Queue and spending"))
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, 32)
        self.concurrency.setToolTip(self.tr("LTX accounts run 2 generations at once by default"))
        self.poll = QDoubleSpinBox()
        self.poll.setRange(1.0, 300.0)
        self.poll.setSuffix(" s")
        self.poll.setDecimals(1)
        self.budget_on = QCheckBox(self.tr("Ask before spending more than"))
        self.budget = QDoubleSpinBox()
        self.budget.setRange(0.0, 100_000.0)
        self.budget.setPrefix("$ ")
        self.budget.setDecimals(2)
        self.budget.setSuffix(self.tr(" per day"))
        self.budget_on.toggled.connect(self.budget.setEnabled)
        qform = QFormLayout(queue)
        qform.addRow(self.tr("Jobs at once"), self.concurrency)
        qform.addRow(self.tr("Check status every"), self.poll)
        budget_row = QHBoxLayout()
        budget_row.addWidget(self.budget_on)
        budget_row.addWidget(self.budget, 1)
        qform.addRow(budget_row)

        # --- library and looks
        other = QGroupBox(self.tr("Library and appearance"))
        self.library = QLineEdit()
        self.library.setPlaceholderText(self.tr("Default (in the app's data folder)"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.notifications = QCheckBox(self.tr("Notify me when jobs finish or fail"))
        self.theme = QComboBox()
        for theme, name in (
            (Theme.SYSTEM, "Follow the system"),
            (Theme.LIGHT, "Light"),
            (Theme.DARK, "Dark"),
        ):
            self.theme.addItem(self.tr(name), theme)
        oform = QFormLayout(other)
        lib_row = QHBoxLayout()
        lib_row.addWidget(self.library, 1)
        lib_row.addWidget(browse)
        oform.addRow(self.tr("Library folder"), lib_row)
        oform.addRow("", self.notifications)
        oform.addRow(self.tr("Theme"), self.theme)

        # --- keyboard (applies at once, in its own dialog: it is not part of OK here)
        keyboard = QGroupBox(self.tr("Keyboard"))
        self.keys_button = QPushButton(self.tr("Change keyboard shortcuts…"))
        self.keys_button.setEnabled(edit_keys is not None)
        if edit_keys is not None:
            self.keys_button.clicked.connect(edit_keys)
        kform = QHBoxLayout(keyboard)
        kform.addWidget(self.keys_button)
        kform.addStretch(1)

        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #dc2626;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(account)
        layout.addWidget(queue)
        layout.addWidget(other)
        layout.addWidget(keyboard)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._load(settings)
        self._show_key_status()
        guard_wheels(self)

    def _load(self, s: Settings) -> None:
        self.backend.setCurrentIndex(self.backend.findData(s.backend))
        self.concurrency.setValue(s.concurrency)
        self.poll.setValue(s.poll_interval)
        self.budget_on.setChecked(s.daily_budget_usd is not None)
        self.budget.setValue(float(s.daily_budget_usd or Decimal("5.00")))
        self.budget.setEnabled(s.daily_budget_usd is not None)
        self.library.setText(s.library_dir or "")
        self.notifications.setChecked(s.notifications)
        self.theme.setCurrentIndex(self.theme.findData(s.theme))

    def _show_key_status(self) -> None:
        k = self._key
        if self._remove_key:
            text = self.tr("The stored key will be removed when you press OK.")
        elif k.source == "environment":
            text = self.tr("Using the key from the LTX_API_KEY environment variable.")
        elif k.source == "keyring":
            text = self.tr("A key is stored in the system keyring (%1).").replace(
                "%1", k.keyring_name
            )
        elif k.source == "session":
            text = self.tr("A key is in use for this session only; it will not be saved.")
        elif not k.keyring_usable:
            text = self.tr(
                "No system keyring is available here, so a key cannot be saved. You can use one "
                "for this session only, or set LTX_API_KEY in the environment."
            )
        else:
            text = self.tr("No key yet: the app runs on the offline sandbox (no charges).")
        self.key_status.setText(text)

    def _start_check(self) -> None:
        self._run_check()

    @async_slot()
    async def _run_check(self) -> None:
        if self._check_key is None:
            return
        typed = self.key_edit.text().strip() or None
        if typed is None and not self._key.stored:
            self.check_result.setText(self.tr("There is no key to check: paste one above."))
            return
        self.check_button.setEnabled(False)
        self.check_result.setText(self.tr("Checking with LTX…"))
        try:
            found = await self._check_key(typed, self.base_url.text().strip())
        except ValueError as exc:  # an unusable key or URL, refused before sending
            self.check_result.setText(str(exc))
            return
        finally:
            self.check_button.setEnabled(True)
        self.check_result.setText(key_check_sentence(found))

    def _mark_remove(self) -> None:
        self._remove_key = True
        self.remove_button.setEnabled(False)
        self._show_key_status()

    def _browse(self) -> None:
        dialog = QFileDialog(
            self, self.tr("Library folder"), self.library.text() or str(Path.home())
        )
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(self.library.setText)
        dialog.open()

    def values(self) -> Settings:
        budget = Decimal(f"{self.budget.value():.2f}") if self.budget_on.isChecked() else None
        return self._settings.with_changes(
            # Qt hands enum members back as plain strings; convert them back.
            backend=Backend(self.backend.currentData()),
            base_url=self.base_url.text().strip(),
            concurrency=self.concurrency.value(),
            poll_interval=self.poll.value(),
            daily_budget_usd=budget,
            library_dir=self.library.text().strip() or None,
            notifications=self.notifications.isChecked(),
            theme=Theme(self.theme.currentData()),
        )

    def _accept(self) -> None:
        try:
            settings = self.values()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        key = self.key_edit.text().strip() or None
        result = SettingsResult(settings, key, self.remember.isChecked(), self._remove_key)
        self.key_edit.clear()  # the typed key leaves the widget at once
        self._on_accept(result)
        self.accept()


def key_check_sentence(found: KeyCheck | None) -> str:
    """What a key check found, as a sentence for the dialog and the status bar."""
    if found is None:
        return "The sandbox needs no key: nothing to check."
    match found.verdict:
        case KeyVerdict.VALID:
            return "✓ The key works: LTX accepted it (the check created nothing)."
        case KeyVerdict.REFUSED:
            return f"✗ LTX refused this key. {found.message}"
        case KeyVerdict.UNREACHABLE:
            return f"LTX could not be reached, so the key was not checked: {found.message}"
        case KeyVerdict.UNKNOWN:
            return f"Could not tell whether the key works: {found.message}"


def key_state(key: secrets.ApiKey | None) -> KeyState:
    """What the dialog says about the key in use (never the key itself)."""
    return KeyState(
        stored=key is not None,
        source=key.source.value if key else "none",
        keyring_usable=secrets.keyring_usable(),
        keyring_name=secrets.backend_name(),
    )


def key_checker(in_use: secrets.ApiKey | None) -> KeyChecker:
    """The API's verdict on a typed key, else on the key in use (None: no key, sandbox)."""

    async def check(typed: str | None, base_url: str) -> KeyCheck | None:
        key = typed or (in_use.value if in_use else None)
        if key is None:
            return None
        return await check_key(key, target_base_url(base_url or None))

    return check
