"""Build the Linux bundle: dist/ltxstudio-<version>-linux-<arch>.tar.gz (`make package`).

Steps, each timed:
  1. render the icons from resources/icons/ltxstudio.svg (packaging/icons.py);
  2. freeze the app with PyInstaller (packaging/pyinstaller/ltxstudio.spec, one-dir);
  3. check with ldd that every bundled library and Qt plugin finds its dependencies (a plugin
     whose library was left out fails silently at run time: no video playback, no SVG icons);
  4. add the desktop integration (menu entry, metainfo, MIME type, icons), install.sh and
     uninstall.sh, the licence, the third-party notices and the licence texts of what is inside;
  5. pack the tarball, whose single top folder is `ltxstudio/` (`./ltxstudio/ltxstudio` runs it).

Run it with the project's venv Python, which has PyInstaller (the Makefile installs it).
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "io.github.ltxstudio.LtxStudio"
LINUX = ROOT / "packaging" / "linux"
TEXTS = ROOT / "packaging" / "licenses"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = WORK / "dist" / "ltxstudio"

#: Wheels without licence files of their own, and what they are under.
UNDECLARED = {
    "pyside6_essentials": "LGPL-3.0.txt",
    "pyside6_addons": "LGPL-3.0.txt",
    "shiboken6": "LGPL-3.0.txt",
}

README = """\
LTX Studio Desktop {version} for Linux ({arch})

Run it from here:        ./ltxstudio          (or ./ltxstudio --help for the command line)
Check this machine:      ./ltxstudio selftest
Install with a menu entry and icon, for you only:   ./install.sh
                                     or for everyone: sudo ./install.sh --system
Remove it again:         ~/.local/lib/ltxstudio/uninstall.sh
                  or:    sudo /usr/local/lib/ltxstudio/uninstall.sh   (after --system)

Without an API key the app runs on its offline sandbox (simulated clips, nothing is charged).
Licence: GPL-3.0-or-later (LICENSE); third-party components: THIRD-PARTY.md and licenses/.
"""


def version() -> str:
    text = (ROOT / "ltxstudio" / "__init__.py").read_text()
    found = re.search(r'__version__ = "([^"]+)"', text)
    if not found:
        raise SystemExit("no __version__ in ltxstudio/__init__.py")
    return found.group(1)


def step(title: str) -> float:
    print(f"==> {title}", flush=True)
    return time.perf_counter()


def done(started: float) -> float:
    seconds = time.perf_counter() - started
    print(f"    {seconds:.1f} s", flush=True)
    return seconds


def freeze() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(WORK / "dist"),
            "--workpath",
            str(WORK / "work"),
            str(ROOT / "packaging" / "pyinstaller" / "ltxstudio.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def missing_libraries(bundle: Path) -> dict[str, list[str]]:
    """Each bundled shared object whose dependencies the loader cannot find, with what it lacks."""
    internal = bundle / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}")
    problems: dict[str, list[str]] = {}
    for lib in sorted(internal.rglob("*.so*")):
        if not lib.is_file() or lib.is_symlink():
            continue
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, env=env).stdout
        lacking = [line.split()[0] for line in out.splitlines() if "not found" in line]
        if lacking:
            problems[str(lib.relative_to(bundle))] = lacking
    return problems


def integrate(bundle: Path, icons: Path, ver: str, arch: str) -> None:
    share = bundle / "share"
    shutil.rmtree(share, ignore_errors=True)
    (share / "applications").mkdir(parents=True)
    shutil.copy(LINUX / f"{APP_ID}.desktop", share / "applications")
    (share / "metainfo").mkdir()
    shutil.copy(LINUX / f"{APP_ID}.metainfo.xml", share / "metainfo")
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy(LINUX / "ltxstudio-mime.xml", share / "mime" / "packages" / f"{APP_ID}.xml")
    shutil.copytree(icons / "hicolor", share / "icons" / "hicolor")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy(LINUX / script, bundle / script)
        (bundle / script).chmod(0o755)
    shutil.copy(ROOT / "LICENSE", bundle / "LICENSE")
    shutil.copy(ROOT / "THIRD-PARTY.md", bundle / "THIRD-PARTY.md")
    (bundle / "README.txt").write_text(README.format(version=ver, arch=arch))


def collect_licences(bundle: Path) -> list[str]:
    """Licence texts of everything inside, in licenses/, with an index; returns its lines."""
    out = bundle / "licenses"
    shutil.rmtree(out, ignore_errors=True)
    (out / "texts").mkdir(parents=True)
    for text in TEXTS.glob("*.txt"):
        shutil.copy(text, out / "texts" / text.name)
    shutil.copy(ROOT / "LICENSE", out / "texts" / "GPL-3.0.txt")
    index = ["# What is inside this bundle, and under which licence", ""]
    index += ["## Python packages (from their wheels' metadata)", ""]
    for info in sorted((bundle / "_internal").glob("*.dist-info")):
        meta = HeaderParser().parsestr((info / "METADATA").read_text(errors="replace"))
        name, ver = meta["Name"], meta["Version"]
        licence = _licence_of(meta)
        files = sorted(p for p in info.rglob("*") if p.is_file() and _is_licence(p, info))
        target = out / "python" / f"{name}-{ver}"
        for f in files:
            dest = target / f.relative_to(info)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dest)
        key = name.lower().replace("-", "_")
        if key == "ltxstudio":
            where = "LICENSE (the app itself)"
        elif files:
            where = f"python/{name}-{ver}/"
        elif key in UNDECLARED:
            where = f"texts/{UNDECLARED[key]}"
        else:
            where = "no licence text in its wheel"
        index.append(f"- {name} {ver}: {licence} — {where}")
    python_licence = (
        Path(sys.base_prefix)
        / "lib"
        / f"python{sys.version_info[0]}.{sys.version_info[1]}"
        / "LICENSE.txt"
    )
    if python_licence.is_file():
        shutil.copy(python_licence, out / "python" / "Python-LICENSE.txt")
        index.append(f"- Python {platform.python_version()}: PSF-2.0 — python/Python-LICENSE.txt")
    index += ["", "## System libraries copied from the build host", ""]
    index += _system_copyrights(out / "system")
    index += [
        "",
        "## Native libraries inside the av (PyAV) and PySide6 wheels",
        "",
        "See THIRD-PARTY.md: FFmpeg, x264, x265 and the other codec libraries in",
        "_internal/av.libs, Qt's own FFmpeg in _internal/PySide6/Qt/lib.",
    ]
    (out / "INDEX.md").write_text("\n".join(index) + "\n")
    return index


def _licence_of(meta: Message) -> str:
    if meta["License-Expression"]:
        return str(meta["License-Expression"])
    short = (meta["License"] or "").strip().splitlines()
    if short and len(short[0]) < 80:
        return short[0]
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    return ", ".join(classifiers) or "not declared"


def _is_licence(path: Path, info: Path) -> bool:
    rel = path.relative_to(info).as_posix().lower()
    return rel.startswith("licenses/") or rel.split("/")[-1].startswith(("license", "copying"))


def _host_libraries() -> dict[str, Path]:
    """Bundled libraries that came from the build host (not from a wheel), by bundle path.

    PyInstaller's COLLECT table says where each file was copied from: a Python literal list of
    (destination, source, kind) triples.
    """
    toc = ast.literal_eval((WORK / "work" / "ltxstudio" / "COLLECT-00.toc").read_text())
    entries = toc[0] if isinstance(toc, tuple) else toc
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    host: dict[str, Path] = {}
    for dest, source, kind in entries:
        if kind != "BINARY" or not source:
            continue
        real = Path(source).resolve()
        if site in real.parents or Path(sys.base_prefix).resolve() in real.parents:
            continue  # from a wheel, or the Python build itself (its licence is listed above)
        host[dest] = real
    return host


def _system_copyrights(out: Path) -> list[str]:
    """Debian's copyright file of each package a bundled host library came from."""
    host = _host_libraries()
    if not shutil.which("dpkg"):
        return ["(copyright files not collected: the build host has no dpkg)"] + [
            f"- {dest} (from {src})" for dest, src in sorted(host.items())
        ]
    answer = subprocess.run(
        ["dpkg", "-S", *sorted({v for p in host.values() for v in (str(p), _usrmerge(p))})],
        capture_output=True,
        text=True,
    ).stdout
    owners: dict[str, str] = {}
    for line in answer.splitlines():
        package, _, path = line.partition(": ")
        owners.setdefault(path, package.split(":")[0])
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for dest, src in sorted(host.items()):
        package = owners.get(str(src)) or owners.get(_usrmerge(src))
        if package is None:
            lines.append(f"- {dest}: from {src}, not a Debian package's file")
            continue
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if copyright_file.is_file():
            shutil.copy(copyright_file, out / f"{package}.copyright")
            lines.append(f"- {dest}: Debian package {package} — system/{package}.copyright")
        else:
            lines.append(f"- {dest}: Debian package {package} (no copyright file on the host)")
    return lines


def _usrmerge(path: Path) -> str:
    """dpkg knows /lib/... where a merged-/usr system resolves to /usr/lib/... (and back)."""
    text = str(path)
    return text[4:] if text.startswith("/usr/") else "/usr" + text


def build_info(bundle: Path, ver: str, arch: str) -> None:
    os_release = Path("/etc/os-release")
    distro = "unknown"
    if os_release.is_file():
        for line in os_release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip('"')
    libc = " ".join(platform.libc_ver())
    from importlib.metadata import version as dist_version

    lines = [
        f"LTX Studio Desktop {ver} (linux-{arch})",
        f"built {time.strftime('%Y-%m-%d %H:%M:%S %z')} on {distro}, {libc}",
        f"Python {platform.python_version()}, PyInstaller {dist_version('pyinstaller')}",
        f"PySide6 {dist_version('PySide6_Essentials')}, av {dist_version('av')}",
        "Runs on Linux with the same or a newer glibc than the build host's.",
    ]
    (bundle / "BUILD-INFO.txt").write_text("\n".join(lines) + "\n")


def pack(bundle: Path, tarball: Path) -> None:
    tarball.parent.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_name(tarball.name + ".part")

    def owned_by_nobody(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname="ltxstudio", filter=owned_by_nobody)
    partial.replace(tarball)


def size_of(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_symlink() and p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reuse-freeze",
        action="store_true",
        help="skip PyInstaller when build/pyinstaller/dist/ltxstudio exists (packaging work)",
    )
    args = parser.parse_args()
    if sys.platform != "linux":
        raise SystemExit("this script builds the Linux bundle; see docs/PACKAGING.md for others")
    ver, arch = version(), platform.machine()
    tarball = ROOT / "dist" / f"ltxstudio-{ver}-linux-{arch}.tar.gz"
    timings: dict[str, float] = {}

    started = step("icons from resources/icons/ltxstudio.svg")
    icons = ROOT / "build" / "icons"
    shutil.rmtree(icons, ignore_errors=True)
    subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "icons.py"), str(icons)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    timings["icons"] = done(started)

    if not (args.reuse_freeze and (BUNDLE / "ltxstudio").is_file()):
        started = step("PyInstaller (one-dir)")
        freeze()
        timings["pyinstaller"] = done(started)

    started = step("every bundled library finds its dependencies (ldd)")
    problems = missing_libraries(BUNDLE)
    if problems:
        for lib, lacking in problems.items():
            print(f"    {lib}: missing {', '.join(lacking)}", file=sys.stderr)
        raise SystemExit("the bundle is incomplete; fix the spec's UNUSED list")
    timings["ldd"] = done(started)

    started = step("desktop integration, scripts, licences")
    integrate(BUNDLE, icons, ver, arch)
    collect_licences(BUNDLE)
    build_info(BUNDLE, ver, arch)
    timings["assemble"] = done(started)

    started = step(f"pack {tarball.relative_to(ROOT)}")
    pack(BUNDLE, tarball)
    timings["pack"] = done(started)

    unpacked, packed = size_of(BUNDLE), tarball.stat().st_size
    print(f"bundle: {unpacked / 1e6:.0f} MB unpacked, {packed / 1e6:.0f} MB as {tarball.name}")
    parts = sorted(
        (size_of(p) if p.is_dir() else p.stat().st_size, p.name)
        for p in (BUNDLE / "_internal").iterdir()
        if not p.is_symlink()
    )[::-1]
    print("largest parts: " + ", ".join(f"{name} {size / 1e6:.0f} MB" for size, name in parts[:6]))
    print("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    print(f"wrote {tarball}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
