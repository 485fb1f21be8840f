"""Every keyboard shortcut in one registry: listed in Help → Keyboard shortcuts, remapped in
Settings → Keyboard, with conflicts found before they are applied.

A binding is either *remappable* — a `QAction` (or several showing the same command) whose keys
the user may change — or *fixed*: keys a widget handles itself (the queue's Delete and Enter,
Tab between controls), listed so that nothing the app answers to is a secret. The user's keys
live in QSettings (`shortcuts/<id>`, only where they differ from the default), portable text.

Two commands may not share a key: the viewer's keys fire while focus is inside it, the window's
everywhere, so any two overlap somewhere, and Qt then fires neither (an "ambiguous" shortcut).
Keys the keyboard-only user needs to move around (Tab, Shift+Tab, Shift+F10, Menu) are reserved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence

PORTABLE = QKeySequence.SequenceFormat.PortableText
NATIVE = QKeySequence.SequenceFormat.NativeText
RESERVED = {
    "Tab": "moves to the next control",
    "Shift+Tab": "moves to the previous control",
    "Shift+Backtab": "moves to the previous control",
    "Backtab": "moves to the previous control",
    "Shift+F10": "opens the focused item's menu",
    "Menu": "opens the focused item's menu",
}
_PREFIX = "shortcuts/"


def portable(keys: Iterable[QKeySequence | str]) -> tuple[str, ...]:
    out = []
    for key in keys:
        text = (key if isinstance(key, QKeySequence) else QKeySequence(key)).toString(PORTABLE)
        if text:
            out.append(text)
    return tuple(out)


def native(keys: Iterable[str]) -> str:
    return ", ".join(QKeySequence(k).toString(NATIVE) for k in keys) or "—"


@dataclass
class Binding:
    id: str
    label: str
    group: str
    default: tuple[str, ...]
    keys: tuple[str, ...]
    actions: list[QAction] = field(default_factory=list)
    fixed: bool = False  # handled by a widget itself: listed, not remappable


class Shortcuts(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bindings: dict[str, Binding] = {}

    # ------------------------------------------------------------------ registering

    def add(self, id_: str, group: str, *actions: QAction, label: str | None = None) -> Binding:
        """A command whose keys may be remapped; its default keys are the first action's."""
        first = actions[0]
        keys = portable(first.shortcuts())
        binding = Binding(
            id_,
            label or first.text().replace("&", ""),
            group,
            keys,
            keys,
            list(actions),
        )
        self._bindings[id_] = binding
        return binding

    def add_fixed(self, id_: str, group: str, label: str, keys: Iterable[str]) -> Binding:
        text = portable(keys)
        binding = Binding(id_, label, group, text, text, fixed=True)
        self._bindings[id_] = binding
        return binding

    def bindings(self) -> list[Binding]:
        return list(self._bindings.values())

    def binding(self, id_: str) -> Binding:
        return self._bindings[id_]

    # ------------------------------------------------------------------ changing

    def conflicts(self, assignment: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
        """Why each command's proposed keys cannot be used (id → sentence); empty when fine.
        `assignment` overrides the current keys of the ids it names."""
        keys = {b.id: tuple(assignment.get(b.id, b.keys)) for b in self._bindings.values()}
        owners: dict[str, list[str]] = {}
        for id_, sequences in keys.items():
            for key in sequences:
                owners.setdefault(key, []).append(id_)
        found: dict[str, str] = {}
        for id_, sequences in keys.items():
            if self._bindings[id_].fixed:
                continue  # widgets' own keys, in their own widgets: fixed by design
            for key in sequences:
                shown = QKeySequence(key).toString(NATIVE)
                if key in RESERVED:
                    found[id_] = f"{shown} is reserved: it {RESERVED[key]}"
                    break
                others = [o for o in owners[key] if o != id_]
                if others:
                    names = ", ".join(self._bindings[o].label for o in others)
                    found[id_] = f"{shown} is also the key of: {names}"
                    break
        return found

    def apply(self, assignment: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
        """Use these keys (after checking); returns the conflicts instead when there are any."""
        problems = self.conflicts(assignment)
        if problems:
            return problems
        for id_, keys in assignment.items():
            binding = self._bindings[id_]
            if binding.fixed:
                continue
            binding.keys = tuple(keys)
            for action in binding.actions:
                action.setShortcuts([QKeySequence(k) for k in keys])
                if keys:
                    plain = action.text().replace("&", "")
                    action.setToolTip(f"{plain} ({native(keys)})")
        self.changed.emit()
        return {}

    # ------------------------------------------------------------------ keeping

    def load(self) -> None:
        """The user's keys from QSettings; a stored set that now conflicts is ignored."""
        stored = QSettings()
        assignment: dict[str, tuple[str, ...]] = {}
        for binding in self._bindings.values():
            value = stored.value(_PREFIX + binding.id)
            if isinstance(value, str) and not binding.fixed:
                assignment[binding.id] = tuple(k for k in value.split(";") if k)
        if assignment and self.apply(assignment):
            self.apply({})  # the defaults stand

    def save(self) -> None:
        stored = QSettings()
        for binding in self._bindings.values():
            if binding.fixed or binding.keys == binding.default:
                stored.remove(_PREFIX + binding.id)
            else:
                stored.setValue(_PREFIX + binding.id, ";".join(binding.keys))
