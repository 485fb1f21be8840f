"""Issue 8: the desktop integration files and install.sh / uninstall.sh, on a stand-in bundle
(a shell-script launcher in the bundle's layout), so every `make test` checks them without a
PyInstaller build. The real bundle goes through the same checks in test_bundle.py."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from tests.package.installing import (
    APP_ID,
    LINUX,
    REPO,
    assert_installed,
    assert_uninstalled,
    clean_env,
    installed_files,
    run,
    validate_desktop_entry,
    validate_metainfo,
)

FAKE_LAUNCHER = '#!/bin/sh\necho "ltxstudio 0.1.0 (stand-in) $*"\n'


def make_bundle(root: Path) -> Path:
    """What packaging/build.py lays out, with a shell script instead of the frozen app."""
    bundle = root / "ltxstudio"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "libpython-stand-in.so").write_text("not really")
    launcher = bundle / "ltxstudio"
    launcher.write_text(FAKE_LAUNCHER)
    launcher.chmod(0o755)
    share = bundle / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(LINUX / f"{APP_ID}.desktop", share / "applications")
    (share / "metainfo").mkdir()
    shutil.copy(LINUX / f"{APP_ID}.metainfo.xml", share / "metainfo")
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy(LINUX / "ltxstudio-mime.xml", share / "mime" / "packages" / f"{APP_ID}.xml")
    icons = share / "icons" / "hicolor"
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copy(
        REPO / "resources" / "icons" / "ltxstudio.svg",
        icons / "scalable" / "apps" / f"{APP_ID}.svg",
    )
    for size in (48, 256):
        (icons / f"{size}x{size}" / "apps").mkdir(parents=True)
        Image.new("RGBA", (size, size), (124, 92, 255, 255)).save(
            icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        )
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy(LINUX / script, bundle / script)
        (bundle / script).chmod(0o755)
    shutil.copy(REPO / "LICENSE", bundle)
    shutil.copy(REPO / "THIRD-PARTY.md", bundle)
    return bundle


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return make_bundle(tmp_path / "unpacked")


@pytest.mark.parametrize("script", ["install.sh", "uninstall.sh"])
def test_scripts_are_posix_shell(script: str) -> None:
    sh = shutil.which("dash") or "/bin/sh"  # Debian's /bin/sh is dash: no bashisms slip through
    subprocess.run([sh, "-n", str(LINUX / script)], check=True)
    if shutil.which("shellcheck"):
        subprocess.run(["shellcheck", "-s", "sh", str(LINUX / script)], check=True)


def test_desktop_entry_metainfo_and_mime_type_are_valid() -> None:
    if not (shutil.which("desktop-file-validate") and shutil.which("appstreamcli")):
        pytest.skip("desktop-file-validate and appstreamcli are not installed")
    validate_desktop_entry(LINUX / f"{APP_ID}.desktop")
    validate_metainfo(LINUX / f"{APP_ID}.metainfo.xml")
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ElementTree.parse(LINUX / "ltxstudio-mime.xml").getroot()
    (kind,) = mime.findall("m:mime-type", ns)
    entry = (LINUX / f"{APP_ID}.desktop").read_text()
    assert f"MimeType={kind.get('type')};video/mp4;" in entry
    metainfo = ElementTree.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("project_license") == "GPL-3.0-or-later"


def test_install_into_a_prefix_upgrade_and_uninstall(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    user_data = home / ".local" / "share" / "ltxstudio"
    user_data.mkdir(parents=True)
    (user_data / "library.db").write_text("the user's library")
    prefix = tmp_path / "prefix"
    env = clean_env(home)
    out = run([bundle / "install.sh", "--prefix", prefix], env)
    lib = prefix / "lib" / "ltxstudio"
    assert f"Installed LTX Studio Desktop in {lib}" in out
    assert_installed(lib, prefix / "share", prefix / "bin")
    assert run([prefix / "bin" / "ltxstudio", "--version"], env).startswith("ltxstudio 0.1.0")
    first = installed_files(lib)

    out = run([bundle / "install.sh", "--prefix", prefix], env)  # again: an upgrade
    assert f"Replacing the copy in {lib}" in out
    assert_installed(lib, prefix / "share", prefix / "bin")
    assert installed_files(lib) == first  # the manifest does not grow

    run([lib / "uninstall.sh"], env)  # the copy that was installed knows where it lives
    assert_uninstalled(lib, first)
    assert (user_data / "library.db").read_text() == "the user's library"


def test_default_is_per_user_and_the_unpacked_uninstall_finds_it(
    bundle: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = clean_env(home)
    out = run([bundle / "install.sh"], env)
    lib = home / ".local" / "lib" / "ltxstudio"
    assert_installed(lib, home / ".local" / "share", home / ".local" / "bin")
    assert "is not on your PATH" in out  # ~/.local/bin is not on this PATH; the entry still works
    listed = installed_files(lib)
    run([bundle / "uninstall.sh"], env)
    assert_uninstalled(lib, listed)


def test_xdg_data_home_is_respected(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    data = tmp_path / "xdg-data"
    env = clean_env(home, XDG_DATA_HOME=str(data))
    run([bundle / "install.sh"], env)
    assert_installed(home / ".local" / "lib" / "ltxstudio", data, home / ".local" / "bin")
    run([home / ".local" / "lib" / "ltxstudio" / "uninstall.sh"], env)
    assert not (data / "applications" / f"{APP_ID}.desktop").exists()


def test_another_ltxstudio_command_is_left_alone(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    pipx_venv = tmp_path / "pipx" / "ltxstudio"
    pipx_venv.parent.mkdir()
    pipx_venv.write_text("#!/bin/sh\necho pipx\n")
    (bin_dir / "ltxstudio").symlink_to(pipx_venv)  # what `pipx install .` leaves
    env = clean_env(home)
    out = run([bundle / "install.sh"], env)
    assert "exists and is not this bundle's; left as it is" in out
    lib = home / ".local" / "lib" / "ltxstudio"
    assert_installed(lib, home / ".local" / "share", None)
    run([lib / "uninstall.sh"], env)
    assert (bin_dir / "ltxstudio").resolve() == pipx_venv  # still the pipx one


def test_a_prefix_with_a_space_is_quoted_in_the_entry(bundle: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "My Apps"
    env = clean_env(tmp_path / "home")
    run([bundle / "install.sh", f"--prefix={prefix}"], env)
    lib = prefix / "lib" / "ltxstudio"
    assert_installed(lib, prefix / "share", prefix / "bin")
    listed = installed_files(lib)
    run([bundle / "uninstall.sh", "--prefix", prefix], env)
    assert_uninstalled(lib, listed)


def test_install_refuses_what_is_not_a_bundle(tmp_path: Path) -> None:
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    shutil.copy(LINUX / "install.sh", lonely)
    done = subprocess.run(
        ["sh", str(lonely / "install.sh"), "--prefix", str(tmp_path / "p")],
        env=clean_env(tmp_path / "home"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "is not an unpacked LTX Studio bundle" in done.stderr
    assert not (tmp_path / "p" / "lib" / "ltxstudio").exists()
