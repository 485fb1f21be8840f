from __future__ import annotations

import subprocess
import sys

import pytest

from ltxstudio import __version__
from ltxstudio.__main__ import main
from ltxstudio.cli import build_parser


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return list(action.choices or {})


@pytest.mark.parametrize("command", [None, *_subcommands()])
def test_version_and_help_on_every_command(
    command: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = [command] if command else []
    for flag, expected in (("--version", f"ltxstudio {__version__}"), ("--help", "usage:")):
        with pytest.raises(SystemExit) as exit_info:
            main([*prefix, flag])
        assert exit_info.value.code == 0
        assert expected in capsys.readouterr().out


def test_gui_without_a_display_says_so_and_points_at_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "no display" in err
    assert "xvfb-run -a ltxstudio" in err
    assert "ltxstudio sandbox" in err


def test_python_dash_m_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ltxstudio", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"ltxstudio {__version__}"
