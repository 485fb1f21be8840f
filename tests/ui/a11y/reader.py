"""The screen reader's side of tests/ui/test_atspi.py: reads the real app over the AT-SPI bus the
way Orca does, and writes what it found as JSON for the test to judge.

Runs with the system Python (python3-pyatspi) inside `dbus-run-session` and Xvfb: it starts the
accessibility bus, then the app (`--app`, a command line), and once the app prints READY it
1. walks the accessible tree (every showing control: role, name, label relation),
2. reads the timeline's value and description,
3. presses Tab through real X key events (XTest) and records what gets focus,
4. types a prompt and presses Generate through AT-SPI actions, and listens for the
   `object:announcement` the completion sends.
Waits are GLib timers on the bus's own loop (no sleeping).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pyatspi
from gi.repository import GLib

APP_NAME = "LTX Studio Desktop"
TAB_KEYCODE = 23  # X11 keycode of Tab on Xvfb's default (evdev) keymap
PROMPT = (
    "A paper boat drifts down a gutter stream after a storm. It spins past fallen leaves. "
    "The camera tracks low beside it. We hear trickling water."
)
CONTROLS = {
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "combo box",
    "text",
    "password text",
    "spin button",
    "slider",
    "table",
    "list",
    "tree table",
}


def path_of(node: Any) -> str:
    return str(node.path)


def states_of(node: Any) -> set[str]:
    return {pyatspi.stateToString(s) for s in node.getState().getStates()}


class Reader:
    def __init__(self, app_command: list[str], out: str) -> None:
        self.out = out
        self.report: dict[str, Any] = {"error": None, "announcements": [], "walk": []}
        self.loop_deadline = 0
        self.bus = subprocess.Popen(
            ["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pyatspi.Registry.registerEventListener(self._on_focus, "object:state-changed:focused")
        pyatspi.Registry.registerEventListener(self._on_announcement, "object:announcement")
        self.app = subprocess.Popen(app_command, stdout=subprocess.PIPE, text=True)
        self.root: Any = None
        self._focus_log: list[dict[str, str]] = []
        self._finished = False

    # ------------------------------------------------------------------ events

    def _on_focus(self, event: Any) -> None:
        if event.detail1 == 1:
            node = event.source
            try:
                self._focus_log.append(
                    {"role": node.getRoleName(), "name": node.name, "path": path_of(node)}
                )
            except Exception as exc:  # a node gone by now ends nothing
                self._focus_log.append({"role": "?", "name": str(exc), "path": "?"})

    def _on_announcement(self, event: Any) -> None:
        self.report["announcements"].append(
            {"text": str(event.any_data), "politeness": event.detail1}
        )

    # ------------------------------------------------------------------ steps

    def run(self) -> None:
        ready = self.app.stdout.readline().strip() if self.app.stdout else ""
        if ready != "READY":
            self.report["error"] = f"the app did not start: {ready!r}"
            self.finish()
            return
        self.poll(self.find_app, 100, 100, "the app never appeared on the bus")
        pyatspi.Registry.start()

    def poll(self, step: Callable[[], bool], every_ms: int, tries: int, why: str) -> None:
        """Call `step` every `every_ms` until it returns True; give up after `tries`."""
        left = [tries]

        def tick() -> bool:
            try:
                if step():
                    return False
            except Exception as exc:  # report it, never hang
                self.report["error"] = f"{why}: {type(exc).__name__}: {exc}"
                self.finish()
                return False
            left[0] -= 1
            if left[0] <= 0:
                self.report["error"] = why
                self.finish()
                return False
            return True

        GLib.timeout_add(every_ms, tick)

    def find_app(self) -> bool:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            child = desktop.getChildAtIndex(i)
            if child is not None and child.name == APP_NAME:
                self.root = child
                self.read_tree()
                self.start_tab_walk()
                return True
        return False

    def read_tree(self) -> None:
        controls, unnamed = [], []
        timeline: dict[str, Any] = {}

        def visit(node: Any, depth: int) -> None:
            if depth > 40:
                return
            role = node.getRoleName()
            states = states_of(node)
            if "showing" not in states:
                return
            if role in CONTROLS:
                relations = [r.getRelationType() for r in node.getRelationSet()]
                labelled = pyatspi.RELATION_LABELLED_BY in relations
                name = node.name or ""
                entry = {
                    "role": role,
                    "name": name,
                    "path": path_of(node),
                    "labelled": labelled,
                    "focusable": "focusable" in states,
                    "enabled": "enabled" in states or "sensitive" in states,
                }
                controls.append(entry)
                # A combo's own name is read as its value on Linux: its label must be related.
                named = labelled if role == "combo box" else bool(name.strip()) or labelled
                if not named or (role.endswith("button") and len(name.strip()) == 1):
                    unnamed.append(entry)
                if role == "slider" and name == "Timeline":
                    value = node.queryValue()
                    timeline.update(
                        value=value.currentValue,
                        maximum=value.maximumValue,
                        description=node.description,
                    )
            if role in ("table", "list", "tree table", "menu bar"):
                return  # their cells and items are no Tab stops (arrows move inside)
            for i in range(node.childCount):
                child = node.getChildAtIndex(i)
                if child is not None:
                    visit(child, depth + 1)

        for i in range(self.root.childCount):
            visit(self.root.getChildAtIndex(i), 0)
        self.report.update(controls=controls, unnamed=unnamed, timeline=timeline)

    def start_tab_walk(self) -> None:
        self._focus_log.clear()
        presses = [0]
        heard = [0]  # focus events seen when the last Tab was pressed
        waited = [0]
        missed = [0]  # Tabs whose focus event never came: after 3, stop waiting for them

        def step() -> bool:
            walk = self._focus_log
            if len(walk) >= 3 and walk[-1]["path"] == walk[0]["path"]:
                self.report["walk"] = walk[:-1]
                self.report["cycled"] = True
                self.generate_and_listen()
                return True
            if presses[0] >= 260:
                self.report["walk"] = list(walk)
                self.report["cycled"] = False
                self.generate_and_listen()
                return True
            # The next Tab only once the last one's focus event came (or after 1 s): on a busy
            # machine the app answers late, and Tabs pressed ahead of it were walked in bursts.
            # Where events do not come at all, waiting stops after three misses.
            if presses[0] and len(walk) <= heard[0] and missed[0] < 3:
                if waited[0] < 8:
                    waited[0] += 1
                    return False
                missed[0] += 1
            heard[0], waited[0] = len(walk), 0
            pyatspi.Registry.generateKeyboardEvent(TAB_KEYCODE, None, pyatspi.KEY_PRESSRELEASE)
            presses[0] += 1
            return False

        self.poll(step, 120, 3000, "the Tab walk did not finish")

    def generate_and_listen(self) -> None:
        prompt = self.find(lambda n, role: role == "text" and n.name == "Prompt")
        button = self.find(lambda n, role: role == "push button" and n.name.startswith("Generate"))
        if prompt is None or button is None:
            self.report["error"] = "no Prompt text or Generate button on the bus"
            self.finish()
            return
        prompt.queryEditableText().setTextContents(PROMPT)

        def press() -> bool:  # once the prompt's checks have let Generate be pressed
            if "enabled" not in states_of(button) and "sensitive" not in states_of(button):
                return False
            action = button.queryAction()
            names = [action.getName(i) for i in range(action.nActions)]
            action.doAction(names.index("Press") if "Press" in names else 0)
            self.poll(self.heard_done, 200, 150, "no completion was announced")
            return True

        self.poll(press, 100, 100, "Generate never became enabled")

    def heard_done(self) -> bool:
        if any(a["text"].startswith("Done: A paper boat") for a in self.report["announcements"]):
            self.finish()
            return True
        return False

    def find(self, match: Callable[[Any, str], bool]) -> Any:
        found: list[Any] = []

        def visit(node: Any, depth: int) -> None:
            if found or depth > 40:
                return
            role = node.getRoleName()
            if "showing" in states_of(node) and match(node, role):
                found.append(node)
                return
            if role in ("table", "list", "menu bar"):
                return
            for i in range(node.childCount):
                child = node.getChildAtIndex(i)
                if child is not None:
                    visit(child, depth + 1)

        visit(self.root, 0)
        return found[0] if found else None

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        with open(self.out, "w") as out:
            json.dump(self.report, out, indent=1)
        for process in (self.app, self.bus):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        try:
            self.app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.app.kill()
        self.bus.kill()
        pyatspi.Registry.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", required=True, help="the app's command line")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    Reader(shlex.split(args.app), args.out).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
