"""The library dock: clips as cards (poster, title, take count), searchable and sortable.

`ClipListModel` adapts the Qt-free `Library`: it re-reads on the library's events (clip added,
take added/activated/deleted). Posters come from a `PosterSource` that decodes off the UI
thread and calls back; until then a placeholder is painted. A clip whose every take is in the
trash is not listed (it was removed; Edit → Undo brings it back), never a "0 takes" shell.

Keyboard: Enter opens the clip, Delete removes it, the Menu key or Shift+F10 open its menu.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QImage, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ltxstudio.library.model import Clip, Take
from ltxstudio.library.view import LibraryView

ClipIdRole = Qt.ItemDataRole.UserRole + 1
CreatedRole = Qt.ItemDataRole.UserRole + 2
TakeCountRole = Qt.ItemDataRole.UserRole + 3
POSTER = QSize(160, 90)

EXAMPLE_PROMPTS = (
    "A lighthouse stands on a rocky cliff at dusk. Its beam begins to sweep across the fog as "
    "waves crash below. Gulls circle the tower. The camera slowly dollies in toward the lamp. "
    "We hear the foghorn and the wind.",
    "A street musician tunes an old violin under a flickering streetlight. She lifts the bow and "
    "starts a slow melody as rain begins to fall. Passers-by slow down and turn. The camera "
    "circles her at shoulder height. We hear the violin and the soft patter of rain.",
    "A paper boat drifts down a gutter stream after a storm. It spins past fallen leaves, then "
    "tips over a small waterfall into a puddle. Sunlight breaks through the clouds. The camera "
    "tracks low beside the boat. We hear trickling water and distant birdsong.",
)


class PosterSource(Protocol):
    def poster(self, take: Take, size: QSize, ready: Callable[[QImage], None]) -> QImage | None:
        """The poster now if cached, else None and `ready(image)` later (on the UI thread)."""
        ...


class ClipListModel(QAbstractListModel):
    def __init__(self, library: LibraryView, posters: PosterSource | None = None) -> None:
        super().__init__()
        self._library = library
        self._posters = posters
        self._clips: list[Clip] = []
        self._counts: dict[str, int] = {}
        self._images: dict[str, QImage] = {}
        self._placeholder = _placeholder()
        self._reload_due = False
        for signal in (
            library.clip_added,
            library.take_added,
            library.take_activated,
            library.take_deleted,
            library.take_restored,
        ):
            signal.connect(self._on_library_changed)
        self.reload()

    def reload(self) -> None:
        self._reload_due = False
        self.beginResetModel()
        self._counts = self._library.take_counts()
        self._clips = [c for c in self._library.clips() if self._counts.get(c.id, 0) > 0]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._clips)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._clips):
            return None
        clip = self._clips[index.row()]
        count = self._counts.get(clip.id, 0)
        match role:
            case Qt.ItemDataRole.DisplayRole:
                takes = (
                    self.tr("1 take")
                    if count == 1
                    else self.tr("%1 takes").replace("%1", str(count))
                )
                return f"{_short(clip.title)}\n{takes}"
            case Qt.ItemDataRole.ToolTipRole:
                return clip.title
            case Qt.ItemDataRole.DecorationRole:
                return QIcon(QPixmap.fromImage(self._poster(clip, index.row())))
            case Qt.ItemDataRole.AccessibleTextRole:
                return f"{clip.title}, {count} takes"
            case _ if role == ClipIdRole:
                return clip.id
            case _ if role == CreatedRole:
                return clip.created_at
            case _ if role == TakeCountRole:
                return count
        return None

    def _poster(self, clip: Clip, row: int) -> QImage:
        take_id = clip.active_take_id
        if take_id is None or self._posters is None:
            return self._placeholder
        if take_id in self._images:
            return self._images[take_id]
        take = self._library.take(take_id)

        def ready(image: QImage, take_id: str = take_id) -> None:
            self._images[take_id] = image
            for r, c in enumerate(self._clips):
                if c.active_take_id == take_id:
                    self.dataChanged.emit(
                        self.index(r), self.index(r), [Qt.ItemDataRole.DecorationRole]
                    )

        image = self._posters.poster(take, POSTER, ready)
        if image is not None:
            self._images[take_id] = image
            return image
        return self._placeholder

    def _on_library_changed(self, *args: object) -> None:
        # A finished job adds a clip, a take and activates it: one reload for the burst.
        if not self._reload_due:
            self._reload_due = True
            QTimer.singleShot(0, self, self.reload)


class ClipFilter(QSortFilterProxyModel):
    SORTS = ("Newest first", "Oldest first", "Title", "Most takes")

    def __init__(self) -> None:
        super().__init__()
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(Qt.ItemDataRole.ToolTipRole)
        self.set_sort(0)

    def set_sort(self, which: int) -> None:
        role, order = {
            0: (CreatedRole, Qt.SortOrder.DescendingOrder),
            1: (CreatedRole, Qt.SortOrder.AscendingOrder),
            2: (Qt.ItemDataRole.ToolTipRole, Qt.SortOrder.AscendingOrder),
            3: (TakeCountRole, Qt.SortOrder.DescendingOrder),
        }[which]
        self.setSortRole(role)
        self.sort(0, order)


class LibraryPanel(QWidget):
    clip_activated = Signal(str)  # clip id, on double-click or Enter
    example_chosen = Signal(str)  # an example prompt from the empty state
    remove_requested = Signal(str)  # clip id: Delete, or Remove clip in its menu

    def __init__(self, model: ClipListModel) -> None:
        super().__init__()
        self.setObjectName("libraryPanel")
        self.model = model
        self.proxy = ClipFilter()
        self.proxy.setSourceModel(model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search clips (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search clips"))
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.sort = QComboBox()
        self.sort.setAccessibleName(self.tr("Sort clips"))
        # On Linux a combo is named by its label (AT-SPI reads its own name as its value).
        self.sort_label = QLabel(self.tr("S&ort"))
        self.sort_label.setBuddy(self.sort)
        for label in ClipFilter.SORTS:
            self.sort.addItem(self.tr(label))
        self.sort.currentIndexChanged.connect(self.proxy.set_sort)

        self.view = QListView()
        self.view.setObjectName("clipList")
        self.view.setModel(self.proxy)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(POSTER)
        self.view.setGridSize(QSize(POSTER.width() + 24, POSTER.height() + 56))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(True)
        self.view.setAccessibleName(self.tr("Clips"))
        self.view.setAccessibleDescription(
            self.tr("Enter: open the clip. Delete: remove it. Menu key: its actions.")
        )
        self.view.activated.connect(self._on_activated)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.installEventFilter(self)
        self.menu: QMenu | None = None

        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        hint = QLabel(self.tr("No clips yet. Start from an example prompt:"))
        hint.setWordWrap(True)
        empty_layout.addWidget(hint)
        for prompt in EXAMPLE_PROMPTS:
            button = QPushButton(_short(prompt, 34))  # the dock stays narrow; tooltip: all
            button.setToolTip(prompt)
            button.setStyleSheet("text-align: left; padding: 6px;")
            button.clicked.connect(lambda _c=False, p=prompt: self.example_chosen.emit(p))
            empty_layout.addWidget(button)
        empty_layout.addStretch(1)

        self._stack = QStackedLayout()
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.view)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.sort_label)
        top.addWidget(self.sort)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addLayout(self._stack, 1)
        model.modelReset.connect(self._update_empty)
        self._update_empty()

    def _update_empty(self) -> None:
        self.proxy.invalidate()
        self._stack.setCurrentWidget(self.view if self.model.rowCount() else self.empty)

    def _on_activated(self, index: QModelIndex) -> None:
        self.clip_activated.emit(index.data(ClipIdRole))

    def current_clip(self) -> str | None:
        index = self.view.currentIndex()
        return index.data(ClipIdRole) if index.isValid() and self.view.isVisible() else None

    def menu_for(self, index: QModelIndex) -> QMenu | None:
        if not index.isValid():
            return None
        clip_id = index.data(ClipIdRole)
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Clip actions"))
        menu.addAction(self.tr("Open"), lambda: self.clip_activated.emit(clip_id))
        remove = menu.addAction(
            self.tr("Remove clip (to the trash)"), lambda: self.remove_requested.emit(clip_id)
        )
        remove.setShortcut(Qt.Key.Key_Delete)  # shown; the list's own Delete does it
        self.menu = menu
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.menu_for(self.view.indexAt(pos))
        if menu is not None:
            menu.popup(self.view.viewport().mapToGlobal(pos))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key, shift = event.key(), event.modifiers() == Qt.KeyboardModifier.ShiftModifier
            index = self.view.currentIndex()
            if key == Qt.Key.Key_Delete and index.isValid():
                self.remove_requested.emit(index.data(ClipIdRole))
                return True
            if key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and shift):
                menu = self.menu_for(index)
                if menu is not None:
                    where = self.view.visualRect(index).center()
                    menu.popup(self.view.viewport().mapToGlobal(where))
                return True
        return super().eventFilter(watched, event)


def _short(text: str, limit: int = 40) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _placeholder() -> QImage:
    image = QImage(POSTER, QImage.Format.Format_RGB32)
    image.fill(QColor("#2b2d31"))
    painter = QPainter(image)
    painter.setPen(QColor("#8a8f98"))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, "▶")
    painter.end()
    return image
