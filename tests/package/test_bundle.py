"""Issue 8, acceptance: the built tarball works where no Python venv exists.

Run by `make package-test` (marker `package`, never part of `make test`): it unpacks
dist/ltxstudio-<version>-linux-<arch>.tar.gz in a temporary directory and runs the frozen app
with only the system's PATH, no DISPLAY and a fresh HOME: the self-test, the headless CLI on the
in-process sandbox, the sandbox served on loopback; then install.sh into a temporary prefix with
the desktop files validated. Figures (size, start-up) are printed for docs/PACKAGING.md.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from ltxstudio import __version__
from tests.package.installing import (
    REPO,
    SYSTEM_PATH,
    assert_installed,
    assert_uninstalled,
    clean_env,
    installed_files,
    run,
)

pytestmark = pytest.mark.package

TARBALL = Path(
    os.environ.get(
        "LTXSTUDIO_TARBALL",
        REPO / "dist" / f"ltxstudio-{__version__}-linux-{platform.machine()}.tar.gz",
    )
)
PROMPT = (
    "A paper boat drifts down a gutter stream after a storm. It spins past leaves, then tips "
    "over a small waterfall. The camera tracks low beside the boat. We hear trickling water."
)


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not TARBALL.is_file():
        pytest.skip(f"{TARBALL} is missing: `make package-test` builds it first")
    where = tmp_path_factory.mktemp("elsewhere")
    started = time.perf_counter()
    subprocess.run(["tar", "-xzf", str(TARBALL), "-C", str(where)], check=True)
    print(f"\n[bundle] unpacked {TARBALL.name} in {time.perf_counter() - started:.1f} s")
    return where


def bundle_env(home: Path) -> dict[str, str]:
    """What a user's fresh login shell would have, minus a display: no venv, no PYTHONPATH."""
    home.mkdir(parents=True, exist_ok=True)
    env = clean_env(home)
    assert not any(k in env for k in ("VIRTUAL_ENV", "PYTHONPATH", "DISPLAY", "QT_QPA_PLATFORM"))
    assert ".venv" not in env["PATH"]
    return env


def test_layout_and_size(unpacked: Path) -> None:
    top = [p.name for p in unpacked.iterdir()]
    assert top == ["ltxstudio"]  # one folder, whatever the archive's name
    bundle = unpacked / "ltxstudio"
    for name in ("ltxstudio", "install.sh", "uninstall.sh", "LICENSE", "THIRD-PARTY.md"):
        assert (bundle / name).is_file(), name
    for name in ("ltxstudio", "install.sh", "uninstall.sh"):
        assert (bundle / name).stat().st_mode & 0o111, f"{name} is not executable"
    assert (bundle / "licenses" / "INDEX.md").is_file()
    assert (bundle / "_internal" / "ltxstudio" / "resources" / "THIRD-PARTY.md").is_file()
    names = [p.name for p in bundle.rglob("*")]
    unwanted = [n for n in names if re.search(r"WebEngine|Qt6Pdf|_tkinter|libtk|libtcl", n)]
    assert not unwanted, f"the bundle carries what the app never uses: {unwanted[:10]}"
    size = sum(p.lstat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(
        f"\n[bundle] {size / 1e6:.0f} MB unpacked ({size / 2**20:.0f} MiB), "
        f"{TARBALL.stat().st_size / 1e6:.0f} MB as {TARBALL.name}"
    )
    assert size < 600e6  # STACK-NOTES measured 386 MB for the same stack; a jump means a leak


def test_version_without_any_python_around(unpacked: Path, tmp_path: Path) -> None:
    env = bundle_env(tmp_path / "home")
    started = time.perf_counter()
    out = run(["./ltxstudio/ltxstudio", "--version"], env, cwd=unpacked)
    print(f"\n[bundle] `ltxstudio --version`: {time.perf_counter() - started:.2f} s")
    assert out.strip() == f"ltxstudio {__version__}"


def test_selftest_passes_offscreen_and_reports_the_time_to_the_first_window(
    unpacked: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = bundle_env(home)
    started = time.perf_counter()
    lines: list[str] = []
    window_at = None
    with subprocess.Popen(
        ["./ltxstudio/ltxstudio", "selftest"],
        cwd=unpacked,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stderr is not None
        for line in child.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("PASS  window"):
                window_at = time.perf_counter() - started
        stderr = child.stderr.read()
        code = child.wait(timeout=120)
    total = time.perf_counter() - started
    report = "\n".join(lines)
    print(f"\n[bundle] selftest:\n{report}")
    assert code == 0, report + stderr
    assert "· bundle (" in lines[0]
    assert "Qt platform offscreen" in lines[0]
    for check in ("qt", "window", "generate", "media", "player"):
        assert any(re.match(rf"PASS  {check}\b", line) for line in lines), check
    assert any(re.match(r"(PASS|WARN)  keyring\b", line) for line in lines)
    assert lines[-1].startswith("self-test passed")
    assert window_at is not None
    print(
        f"[bundle] start to main window shown (the self-test's window line): {window_at:.2f} s; "
        f"whole self-test {total:.2f} s"
    )
    assert not (home / ".config" / "ltxstudio").exists()  # it ran in its own directory
    assert not (home / ".local" / "share" / "ltxstudio").exists()


def test_headless_cli_generates_on_the_in_process_sandbox(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = bundle_env(home)
    config = home / ".config" / "ltxstudio"
    config.mkdir(parents=True)
    fast = {"schema_version": 1, "poll_interval": 1.0, "sandbox_speed": 50.0}
    (config / "settings.json").write_text(json.dumps(fast))
    out_file = tmp_path / "boat.mp4"
    run(
        [
            unpacked / "ltxstudio" / "ltxstudio",
            "--sandbox",
            "generate",
            "text",
            "--prompt",
            PROMPT,
            "--model",
            "ltx-2-3-fast",
            "--resolution",
            "1280x720",
            "--duration",
            "2",
            "-o",
            out_file,
        ],
        env,
    )
    assert out_file.stat().st_size > 10_000
    sidecar = json.loads(out_file.with_name("boat.mp4.json").read_text())
    assert sidecar["format"].startswith("ltxstudio.take/")


def test_sandbox_serves_on_loopback(unpacked: Path, tmp_path: Path) -> None:
    env = bundle_env(tmp_path / "home")
    with subprocess.Popen(
        [str(unpacked / "ltxstudio" / "ltxstudio"), "sandbox", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            base = key = None
            for line in child.stdout:
                if "Base URL:" in line:
                    base = line.split()[-1]
                if "API key:" in line:
                    key = line.split()[-1]
                if base and key:
                    break
            assert base is not None, "the sandbox never printed its URL"
            answer = httpx.get(
                f"{base}/_sandbox/stats", headers={"Authorization": f"Bearer {key}"}, timeout=10
            )
            assert answer.status_code == 200, answer.text
        finally:
            child.send_signal(signal.SIGINT)
            child.wait(timeout=30)


def test_install_puts_a_working_launcher_and_icon_in_place(unpacked: Path, tmp_path: Path) -> None:
    for tool in ("desktop-file-validate", "appstreamcli"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed; the desktop files cannot be validated")
    home = tmp_path / "home"
    env = bundle_env(home)
    prefix = tmp_path / "prefix"
    run([unpacked / "ltxstudio" / "install.sh", "--prefix", prefix], env)
    lib = prefix / "lib" / "ltxstudio"
    assert_installed(lib, prefix / "share", prefix / "bin")
    icons = sorted(
        p.parent.parent.name for p in (prefix / "share" / "icons" / "hicolor").rglob("*.png")
    )
    assert {"16x16", "32x32", "48x48", "128x128", "256x256", "512x512"} <= set(icons)
    # The installed command, through its symlink, is the whole app.
    out = run([prefix / "bin" / "ltxstudio", "--version"], dict(env, PATH=SYSTEM_PATH))
    assert out.strip() == f"ltxstudio {__version__}"
    listed = installed_files(lib)
    run([lib / "uninstall.sh"], env)
    assert_uninstalled(lib, listed)


def test_per_user_install_from_the_unpacked_bundle(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = bundle_env(home)  # no XDG_DATA_HOME: the defaults under ~/.local
    run([unpacked / "ltxstudio" / "install.sh"], env)
    lib = home / ".local" / "lib" / "ltxstudio"
    desktop = assert_installed(lib, home / ".local" / "share", home / ".local" / "bin")
    exec_line = next(line for line in desktop.read_text().splitlines() if line.startswith("Exec="))
    launcher = exec_line.removeprefix("Exec=").split()[0]
    out = run([launcher, "gui", "--version"], env)  # the menu entry's own command line
    assert out.strip() == f"ltxstudio {__version__}"
    listed = installed_files(lib)
    run([unpacked / "ltxstudio" / "uninstall.sh"], env)
    assert_uninstalled(lib, listed)
