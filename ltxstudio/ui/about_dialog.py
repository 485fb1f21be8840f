"""Help → About: the version of everything this build runs on, the licence and the third-party
notices, all readable offline from the files the build carries."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ltxstudio import __version__
from ltxstudio.ui.versions import resource, runtime_versions

LICENCE_TEXT = (
    "LTX Studio Desktop is free software: you can redistribute it and/or modify it under the "
    "terms of the GNU General Public License, version 3 or (at your option) any later version. "
    "It comes with ABSOLUTELY NO WARRANTY. The licence is GPL because the media library it "
    "bundles (the PyAV wheel) contains the GPL encoders x264 and x265; Qt and PySide6 are used "
    "under the LGPL-3.0. The third-party notices list every component and its licence."
)
MISSING = "{name} is not part of this installation. It is in the source repository."


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About LTX Studio Desktop"))
        self.resize(720, 560)
        self.versions = runtime_versions()

        self.tabs = QTabWidget()
        self.tabs.addTab(self._about_tab(), self.tr("About"))
        self.notices = self._text_tab("THIRD-PARTY.md", markdown=True)
        self.tabs.addTab(self.notices, self.tr("Third-party notices"))
        self.licence = self._text_tab("LICENSE", markdown=False)
        self.tabs.addTab(self.licence, self.tr("Licence (GPL-3.0)"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy versions"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_versions)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def _about_tab(self) -> QWidget:
        page = QWidget()
        header = QHBoxLayout()
        icon_path = resource("icons/ltxstudio.svg")
        if icon_path is not None:
            logo = QLabel()
            logo.setPixmap(QIcon(str(icon_path)).pixmap(96, 96))
            header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(
            f"<h2>LTX Studio Desktop {__version__}</h2>"
            "<p>A desktop client for the Lightricks LTX-2 video API, with an offline sandbox.</p>"
        )
        title.setWordWrap(True)
        header.addWidget(title, 1)
        form = QFormLayout()
        for name, version in self.versions:
            value = QLabel(version)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            form.addRow(f"{name}:", value)
        licence = QLabel(self.tr(LICENCE_TEXT))
        licence.setObjectName("licenceSummary")
        licence.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addWidget(licence)
        layout.addStretch(1)
        return page

    def _text_tab(self, name: str, *, markdown: bool) -> QWidget:
        path = resource(name)
        text = path.read_text(encoding="utf-8") if path else self.tr(MISSING).format(name=name)
        if markdown:
            browser = QTextBrowser()
            browser.setOpenExternalLinks(True)
            browser.setMarkdown(text)
            return browser
        plain = QPlainTextEdit(text)
        plain.setReadOnly(True)
        plain.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        return plain

    def versions_text(self) -> str:
        return "\n".join(f"{name}: {version}" for name, version in self.versions)

    def copy_versions(self) -> None:
        QGuiApplication.clipboard().setText(self.versions_text())


def show_about(parent: QWidget | None) -> AboutDialog:
    dialog = AboutDialog(parent)
    dialog.open()
    return dialog
