"""Can Qt open a window here? Asked before Qt starts, because when it cannot, Qt aborts the
process (exit 134) with a message about `xcb-cursor0` that sends people installing libraries
(STACK-NOTES §2) — also when the libraries are fine and `DISPLAY` merely names no server.

Qt-free and cheap: a connect to the display's socket, closed at once.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

_X_DISPLAY = re.compile(r"^(?P<host>[^:]*):(?P<number>\d+)(\.\d+)?$")
X_SOCKETS = Path("/tmp/.X11-unix")  # noqa: S108 - where X servers listen, by convention

NO_DISPLAY = """\
ltxstudio: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the desktop app
cannot open a window here.

  - On a desktop, run it from a graphical session.
  - On a server, run it on a virtual screen:   xvfb-run -a ltxstudio
  - Or use the headless command line:         ltxstudio --help
    e.g. start the offline LTX API sandbox:   ltxstudio sandbox
"""

DEAD_DISPLAY = """\
ltxstudio: {what} points at no display server ({why}).
The desktop app cannot open a window there. (Qt would stop with a message about xcb-cursor0:
no library is missing.)

  - In your graphical session, DISPLAY is set for you: run ltxstudio from a terminal there,
    or set DISPLAY to what `echo $DISPLAY` prints in it.
  - On a server, run it on a virtual screen:   xvfb-run -a ltxstudio
  - Or use the headless command line:         ltxstudio --help
"""


def display_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why Qt cannot open a window with this environment (what to print), or None."""
    env = os.environ if env is None else env
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, …: no display server needed
    if sys.platform in ("win32", "darwin"):
        return None  # always a screen there
    wayland, x_display = env.get("WAYLAND_DISPLAY", ""), env.get("DISPLAY", "")
    if not wayland and not x_display:
        return NO_DISPLAY
    if wayland and not platform.startswith("xcb"):
        found = _wayland_problem(wayland, env)
        if found is None:
            return None
        if not x_display:  # else Qt falls back to X: look at that one
            return DEAD_DISPLAY.format(what=f"WAYLAND_DISPLAY={wayland}", why=found)
    if x_display:
        found = x_problem(x_display)
        if found is not None:
            return DEAD_DISPLAY.format(what=f"DISPLAY={x_display}", why=found)
    return None


def x_problem(display: str) -> str | None:
    """Why nothing answers at this X display, or None when a server does."""
    match = _X_DISPLAY.match(display)
    if match is None:
        return f"{display!r} is not a display name like :0"
    host, number = match["host"], int(match["number"])
    if host in ("", "unix"):
        path = X_SOCKETS / f"X{number}"
        # Linux X servers listen on an abstract socket too; either answering will do.
        for address in (f"\0{path}", str(path)):
            if _connects(socket.AF_UNIX, address):
                return None
        return f"nothing listens on {path}"
    if _connects(socket.AF_INET, (host, 6000 + number)):
        return None
    return f"nothing answers on {host}, port {6000 + number}"


def _wayland_problem(name: str, env: Mapping[str, str]) -> str | None:
    runtime = env.get("XDG_RUNTIME_DIR", "")
    path = Path(name) if name.startswith("/") else Path(runtime) / name
    return None if _connects(socket.AF_UNIX, str(path)) else f"nothing listens on {path}"


def _connects(family: socket.AddressFamily, address: str | tuple[str, int]) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            probe.connect(address)
    except OSError:
        return False
    return True
