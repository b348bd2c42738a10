"""Global options work after the subcommand too: `extract f -o x.csv -q` (issue 14, 10c)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import soundfile as sf

from sonolens.cli.main import main
from tests.unit.signals import make_signal


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    sf.write(root / "a.wav", make_signal(16000, 1.0), 16000)
    return root


@pytest.mark.parametrize("where", ["before", "after", "between"])
@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_anywhere_on_the_line(folder, tmp_path, capfd, where, flag):
    out = tmp_path / "o.csv"
    rest = ["extract", str(folder / "a.wav"), "-o", str(out)]
    argv = {"before": [flag, *rest], "after": [*rest, flag],
            "between": [*rest[:2], flag, *rest[2:]]}[where]
    assert main(argv) == 0
    assert capfd.readouterr().err == "", "quiet still printed something"
    assert len(pd.read_csv(out)) > 0


def test_without_quiet_the_summary_is_printed(folder, tmp_path, capfd):
    assert main(["extract", str(folder / "a.wav"), "-o", str(tmp_path / "o.csv")]) == 0
    assert "wrote" in capfd.readouterr().err


def test_dataset_takes_quiet_after_the_subcommand(folder, tmp_path, capfd):
    out = tmp_path / "d.csv"
    assert main(["dataset", str(folder), "-o", str(out), "-q"]) == 0
    assert capfd.readouterr().err == ""
    assert list(pd.read_csv(out)["filename"]) == ["a.wav"]


def _help(args: list[str], capsys) -> str:
    from sonolens.cli.main import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args([*args, "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_help_describes_the_command_line_contract(capsys):
    top = _help([], capsys)
    assert "writes over one of its inputs" in top and "before or after COMMAND" in top
    render = _help(["render"], capsys)
    for words in ("--bare", "exactly --width x --height pixels", "same time scale",
                  "leaves the rest of the image empty", ".jpg/.jpeg", "numbered from 1"):
        assert words in render, words
