"""R4: bad input through the real CLI, one case per row of the table below.

Each case runs `python -m ltxstudio` against a sandbox served on loopback and must give its own
message (a distinctive part of it is asserted), its exit code (`cli/_common.py`: 0 done, 2 bad
input, 3 API or queue, 4 unknown outcome), no request at all where none is needed (the sandbox's
`/_sandbox/stats` before and after), no traceback, and leave everything the user had as it was.
Emoji and right-to-left prompts are valid and must succeed. The catalog's combinations are swept
without subprocesses in test_catalog_sweep.py.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import resource
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import pytest

from ltxstudio.sandbox.config import SandboxConfig
from tests.reliability.bad_input_media import make_bad_media
from tests.support.cli_runner import PROMPT, Cli, fast_settings, for_served, make_cli, stats
from tests.support.sandbox_server import ServedSandbox, serve_sandbox

pytestmark = [pytest.mark.loopback, pytest.mark.slow]


class Kind(StrEnum):
    PLAIN = "plain"
    READ_ONLY_OUTPUT = "read-only output folder"
    READ_ONLY_LIBRARY = "read-only library folder"
    DISK_FULL = "disk full"
    UNREACHABLE = "sandbox unreachable"


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]  # "{m}" stands for the folder of generated media
    exit: int
    says: str  # a distinctive part of what the user is told
    network: bool = False  # whether it must reach the API at all
    stdin: str = ""
    kind: Kind = Kind.PLAIN
    files: dict[str, str] = field(default_factory=dict)  # written into the working folder first


FAST = ("--model", "ltx-2-3-fast", "--resolution", "1280x720", "--duration", "2")
OUT = ("-o", "out/result.mp4")
UHD_20_S = ("--model", "ltx-2-3-fast", "--resolution", "3840x2160", "--duration", "20")
FULL_HD_4_S = ("--model", "ltx-2-3-fast", "--resolution", "1920x1080", "--duration", "4")
A2V = ("--model", "ltx-2-3-pro", *OUT)
TEXT = ("generate", "text", *FAST, *OUT)
IMAGE = ("generate", "image", "--prompt", PROMPT, *FAST, *OUT, "--image")
BATCH_LINE = '{"mode": "text", "prompt": "a boat", "model": "ltx-2-3-fast", "duration": 2}'

CASES = [
    # ---- prompts
    Case("prompt-5001-chars", (*TEXT, "--prompt", "a" * 5001), 2, "at most 5000 are allowed"),
    Case("prompt-empty", (*TEXT, "--prompt", ""), 2, "prompt is required and must not be blank"),
    Case("prompt-whitespace", (*TEXT, "--prompt", " \t  "), 2, "must not be blank"),
    Case(
        "prompt-emoji", (*TEXT, "--prompt", "🌊⛵ a paper boat 🚣 in the rain 🌧️"), 0, "done", True
    ),
    Case("prompt-rtl", (*TEXT, "--prompt", "سفينة ورقية في المطر. קאמרה נמוכה."), 0, "done", True),
    # ---- images
    Case("image-corrupt", (*IMAGE, "{m}/corrupt.png"), 2, "it is damaged or in a format"),
    Case("image-truncated", (*IMAGE, "{m}/truncated.png"), 2, "is a damaged PNG image"),
    Case("image-zero-bytes", (*IMAGE, "{m}/zero.png"), 2, "zero.png is empty (0 bytes)"),
    Case("image-text-named-png", (*IMAGE, "{m}/notes.png"), 2, "notes.png is a text file"),
    Case("image-video-named-png", (*IMAGE, "{m}/clip.png"), 2, "clip.png is a video"),
    # Contract §4: images are capped at 15 MB at generation, however they are sent.
    Case("image-over-15-mb", (*IMAGE, "{m}/huge.png"), 2, "the API takes images of at most 15.0"),
    Case("image-missing", (*IMAGE, "{m}/nowhere.png"), 2, "no such file"),
    # ---- soundtracks
    Case(
        "audio-pcm-wav",
        ("generate", "audio", "--prompt", PROMPT, "--audio", "{m}/pcm.wav", *A2V),
        2,
        "the API takes no PCM",
    ),
    Case(
        "audio-pcm-wav-fix",
        ("generate", "audio", "--prompt", PROMPT, "--audio", "{m}/pcm.wav", *A2V, "--fix"),
        0,
        "converted soundtrack: Convert to AAC-LC M4A",
        True,
    ),
    Case(
        "audio-1-second",
        ("generate", "audio", "--prompt", PROMPT, "--audio", "{m}/one-second.m4a", *A2V),
        2,
        "audio is 1.0 s; audio-to-video needs 2–20 s",
    ),
    Case(
        "audio-30-seconds",
        ("generate", "audio", "--prompt", PROMPT, "--audio", "{m}/thirty-seconds.m4a", *A2V),
        2,
        "audio is 30.0 s; audio-to-video needs 2–20 s",
    ),
    Case(
        "audio-is-an-image",
        ("generate", "audio", "--prompt", PROMPT, "--audio", "{m}/good.png", *A2V),
        2,
        "good.png is an image; audio-to-video needs an audio file",
    ),
    Case(
        "audio-neither-prompt-nor-image",
        ("generate", "audio", "--audio", "{m}/good.m4a", *A2V),
        2,
        "write a prompt or give an image",
    ),
    # ---- edits
    Case(
        "retake-50-frames",
        ("retake", "{m}/fifty-frames.mp4", "--start", "0", "--duration", "2", *OUT),
        2,
        "retake needs at least 73 frames",
    ),
    Case(
        "retake-window-1.5-s",
        ("retake", "{m}/four-seconds.mp4", "--start", "0", "--duration", "1.5", *OUT),
        2,
        "duration is 1.5; it must be at least 2",
    ),
    Case(
        "retake-past-the-end",
        ("retake", "{m}/four-seconds.mp4", "--start", "5", "--duration", "2", *OUT),
        2,
        "5 s is past the end of the 4 s input",
    ),
    Case(
        "retake-larger-than-4k",
        ("retake", "{m}/too-big.mp4", "--start", "0", "--duration", "2", *OUT),
        2,
        "retake takes at most 3840x2160",
    ),
    Case(
        "extend-over-505-frames",
        ("extend", "{m}/four-seconds.mp4", "--duration", "20", "--context", "4", *OUT),
        2,
        "context + duration is 576 frames at 24 fps; at most 505 fit",
    ),
    Case(
        "extend-21-s",
        ("extend", "{m}/four-seconds.mp4", "--duration", "21", *OUT),
        2,
        "duration is 21; it must be between 2 and 20",
    ),
    # ---- catalog combinations (a sample; test_catalog_sweep.py covers all of them)
    Case(
        "fast-4k-20-s",
        ("generate", "text", "--prompt", PROMPT, *UHD_20_S),
        2,
        "20 s is not available for ltx-2-3-fast at 3840x2160",
    ),
    Case(
        "pro-2-5-at-30-fps",  # 48 fps became valid on 2.5 Pro (contract §2); 30 never was
        ("generate", "text", "--prompt", PROMPT, "--model", "ltx-2-5-pro", "--fps", "30"),
        2,
        "fps: 30 is not available for ltx-2-5-pro",
    ),
    Case(
        "auto-duration-on-2-3",
        ("generate", "text", "--prompt", PROMPT, "--model", "ltx-2-3-pro", "--duration", "auto"),
        2,
        "automatic duration ('auto') needs an LTX-2.5 model",
    ),
    Case(
        "audio-to-video-on-fast",
        (
            "generate",
            "audio",
            "--audio",
            "{m}/good.m4a",
            "--prompt",
            PROMPT,
            *OUT,
            "--model",
            "ltx-2-3-fast",
        ),
        2,
        "'ltx-2-3-fast' is not available for audio-to-video",
    ),
    Case(
        "square-resolution",
        ("generate", "text", "--prompt", PROMPT, "--resolution", "1000x1000"),
        2,
        "1000x1000 is not available for ltx-2-3-pro",
    ),
    Case(
        "fractional-duration",
        ("generate", "text", "--prompt", PROMPT, "--duration", "2.5"),
        2,
        "durations are whole seconds, not 2.5",
    ),
    Case(
        "reframe-to-a-square-1920",
        ("reframe", "{m}/four-seconds.mp4", "--resolution", "1920x1920", *OUT),
        2,
        "'1920x1920' is not allowed",
    ),
    # ---- batches
    Case(
        "batch-broken-json-line",
        ("batch", "b.jsonl", "--out", "out"),
        2,
        "line 2: ",
        files={"b.jsonl": f"{BATCH_LINE}\n{{not json\n"},
    ),
    Case(
        "batch-line-without-mode",
        ("batch", "b.jsonl", "--out", "out"),
        2,
        'line 1: give "mode"',
        files={"b.jsonl": '{"prompt": "a boat"}\n'},
    ),
    # ---- the machine around the app
    Case(
        "output-folder-read-only",
        ("generate", "text", "--prompt", PROMPT, *FAST, "-o", "ro/result.mp4"),
        2,
        "is read-only for this user",
        kind=Kind.READ_ONLY_OUTPUT,
    ),
    Case(
        "library-folder-read-only",
        ("generate", "text", "--prompt", PROMPT, *FAST),
        2,
        "cannot save takes in the library folder",
        kind=Kind.READ_ONLY_LIBRARY,
    ),
    Case(
        "disk-full",
        (
            "generate",
            "text",
            "--prompt",
            PROMPT,
            "--model",
            "ltx-2-3-fast",
            *OUT,
            "--resolution",
            "1920x1080",
            "--duration",
            "4",
        ),
        3,
        "File too large. Nothing is lost",
        True,
        kind=Kind.DISK_FULL,
    ),
    Case("keyring-unavailable", ("key", "set"), 2, "no system keyring is available", stdin="k\n"),
    Case("key-empty", ("key", "set"), 2, "the API key is empty", stdin="\n"),
    Case(
        "sandbox-unreachable",
        (*TEXT, "--prompt", PROMPT),
        3,
        "cannot reach the LTX API at http://127.0.0.1:",
        kind=Kind.UNREACHABLE,
    ),
]

#: The size at which the disk-full case's child gets EFBIG: over the journal and the library's
#: databases, under a 4 s 1080p result (about 400 kB).
DISK_LIMIT = 250_000


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_bad_media(tmp_path_factory.mktemp("bad-media"))


def _requests(served: ServedSandbox) -> int:
    return sum(stats(served)["requests"].values())


def _fingerprint(folder: Path) -> dict[str, tuple[int, str]]:
    """Size and digest of each file (the 101 MB sparse one by size and mtime only)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            small = st.st_size < 10_000_000
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if small else str(st.st_mtime_ns)
            out[str(path.relative_to(folder))] = (st.st_size, digest)
    return out


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_LIMIT, DISK_LIMIT))


def _without_root_override() -> None:
    """Root writes into read-only folders (CAP_DAC_OVERRIDE); a user does not. Dropping that
    one capability from the bounding set before exec makes the child root-without-it, bound by
    permission bits like anyone (access() included), and still able to run our interpreter."""
    pr_capbset_drop, cap_dac_override = 24, 1
    if ctypes.CDLL(None, use_errno=True).prctl(pr_capbset_drop, cap_dac_override, 0, 0, 0):
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE)")


def _read_only_world(cli: Cli, kind: Kind) -> Callable[[], None] | None:
    """A read-only output folder (with a file in it) or library folder for this case."""
    ro = cli.cwd / "ro"
    ro.mkdir()
    (ro / "earlier.mp4").write_bytes(b"an earlier take")
    ro.chmod(0o555)
    if kind is Kind.READ_ONLY_LIBRARY:
        fast_settings(Path(cli.env["XDG_CONFIG_HOME"]), library_dir=str(ro))
    return _without_root_override if os.geteuid() == 0 else None


def check_case(case: Case, cli: Cli, media: Path) -> None:
    """Everything one row asserts, against a sandbox of its own."""
    with serve_sandbox(SandboxConfig(speed=20.0, balance_usd=Decimal(1000))) as served:
        _check(case, for_served(cli, served), media, served)


def _check(case: Case, remote: Cli, media: Path, served: ServedSandbox) -> None:
    preexec: Callable[[], None] | None = None
    if case.kind in (Kind.READ_ONLY_OUTPUT, Kind.READ_ONLY_LIBRARY):
        preexec = _read_only_world(remote, case.kind)
    elif case.kind is Kind.UNREACHABLE:
        remote.env["LTX_API_BASE_URL"] = f"http://127.0.0.1:{_closed_port()}"
    elif case.kind is Kind.DISK_FULL:
        preexec = _limit_file_size
    (remote.cwd / "out").mkdir(exist_ok=True)
    (remote.cwd / "keep").mkdir(exist_ok=True)
    (remote.cwd / "keep" / "earlier.mp4").write_bytes(b"a take the user made last week")
    if case.kind is Kind.DISK_FULL:
        (remote.cwd / "out" / "result.mp4").write_bytes(b"the user's file at the -o path")
    for name, text in case.files.items():
        (remote.cwd / name).write_text(text)
    theirs = {"media": _fingerprint(media), "cwd": _fingerprint(remote.cwd)}
    before = _requests(served)
    argv = [a.replace("{m}", str(media)) for a in case.argv]
    done = remote.run(*argv, stdin=case.stdin, preexec=preexec, timeout=180)
    told = done.stdout + done.stderr
    assert done.returncode == case.exit, told
    assert case.says in told, told
    assert "Traceback" not in told, told
    made = _requests(served) - before
    assert (made > 0) if case.network else (made == 0), f"{made} requests"
    # Nothing the user had changed: their inputs, their folder (results are added only).
    assert _fingerprint(media) == theirs["media"]
    now = _fingerprint(remote.cwd)
    assert {k: now.get(k) for k in theirs["cwd"]} == theirs["cwd"]
    result = remote.cwd / "out" / "result.mp4"
    if case.exit == 0 and "out/result.mp4" in argv:
        assert result.stat().st_size > 10_000
        assert (result.parent / "result.mp4.json").exists()
    if case.kind is Kind.DISK_FULL:  # space freed: the paid result comes, nothing is re-sent
        created = stats(served)["jobs_created"]
        resumed = remote.run("jobs", "resume", timeout=180)
        assert resumed.returncode == 0, resumed.stderr
        assert result.stat().st_size > DISK_LIMIT
        assert stats(served)["jobs_created"] == created


@pytest.fixture(scope="module")
def verdicts(
    request: pytest.FixtureRequest, media: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, BaseException | None]:
    """The selected rows, run up front four at a time: each CLI run is about a second of
    imports on a 2-core machine, and the rows share nothing (own home, folder and sandbox)."""
    wanted = {
        item.callspec.params["case"].id
        for item in request.session.items
        if item.originalname == "test_bad_input"
    }
    rows = []
    for case in CASES:
        if case.id in wanted:
            root = tmp_path_factory.mktemp(case.id)
            for sub in ("config", "data", "cache", "state", "work"):
                (root / sub).mkdir()
            rows.append((case, make_cli(root, root / "work")))

    def verdict(row: tuple[Case, Cli]) -> BaseException | None:
        try:
            check_case(row[0], row[1], media)
        except BaseException as exc:  # kept, and raised again by the row's own test
            return exc
        return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        return {
            case.id: found for (case, _), found in zip(rows, pool.map(verdict, rows), strict=True)
        }


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input(case: Case, verdicts: dict[str, BaseException | None]) -> None:
    if (failure := verdicts[case.id]) is not None:
        raise failure
