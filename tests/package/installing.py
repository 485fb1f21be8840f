"""Driving packaging/linux/install.sh and uninstall.sh, and checking what they leave behind.

Shared by the fast script tests (a stand-in bundle, every `make test`) and the bundle test (the
real tarball, `make package-test`).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
APP_ID = "io.github.ltxstudio.LtxStudio"
#: Only the system's tools: no venv, no Python of ours on the way.
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": SYSTEM_PATH, "LANG": "C.UTF-8", **extra}


def run(args: list[str | Path], env: dict[str, str], cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def validate_desktop_entry(path: Path) -> None:
    if shutil.which("desktop-file-validate") is None:
        return  # the caller's own test says whether the tool must exist
    done = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not done.stdout.strip(), done.stdout


def validate_metainfo(path: Path) -> None:
    if shutil.which("appstreamcli") is None:
        return
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def installed_files(lib: Path) -> list[Path]:
    """The files the manifest says the installation put outside its own folder."""
    lines = (lib / "install-manifest.txt").read_text().splitlines()
    return [Path(line.split(" ", 1)[1]) for line in lines if line.startswith(("file ", "link "))]


def assert_installed(lib: Path, share: Path, bin_dir: Path | None) -> Path:
    """The app, menu entry, metainfo, MIME type and icons are in place; returns the entry."""
    launcher = lib / "ltxstudio"
    assert launcher.is_file()
    assert launcher.stat().st_mode & 0o111
    desktop = share / "applications" / f"{APP_ID}.desktop"
    text = desktop.read_text()
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    expected = f'"{launcher}"' if " " in str(launcher) else str(launcher)
    assert exec_line == f"Exec={expected} gui %F"
    assert f"TryExec={launcher}\n" in text
    validate_desktop_entry(desktop)
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    validate_metainfo(metainfo)
    assert (share / "mime" / "packages" / f"{APP_ID}.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    if shutil.which("update-mime-database"):
        assert (share / "mime" / "application" / "x-ltxstudio-take+json.xml").is_file()
    if shutil.which("update-desktop-database"):
        cache = (share / "applications" / "mimeinfo.cache").read_text()
        assert f"video/mp4={APP_ID}.desktop;" in cache
    if bin_dir is not None:
        link = bin_dir / "ltxstudio"
        assert link.is_symlink()
        assert link.resolve() == launcher.resolve()
    for path in installed_files(lib):
        assert path.exists() or path.is_symlink(), f"manifest lists a missing file: {path}"
    return desktop


def assert_uninstalled(lib: Path, listed: list[Path]) -> None:
    assert not lib.exists()
    left = [p for p in listed if p.exists() or p.is_symlink()]
    assert not left, f"uninstall left {left}"
