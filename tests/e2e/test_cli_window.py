"""`sonolens [AUDIO] --screenshot PNG` in a real process: the window, drawn and saved."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.e2e import cli_env, distinct_colours, load_rgb, png_size, run_cli, write_chirp


def window_env(tmp_path: Path) -> dict[str, str]:
    return cli_env(QT_QPA_PLATFORM="offscreen", SONOLENS_SETTINGS=str(tmp_path / "s.ini"))


def assert_window_picture(path: Path) -> None:
    width, height = png_size(path)
    assert 800 <= width <= 3000 and 500 <= height <= 2000, (width, height)
    pixels = load_rgb(path)
    assert pixels.shape == (height, width, 3)
    # the spectrogram sits in the middle band of the left part of the window
    plot = pixels[int(height * 0.25): int(height * 0.6), int(width * 0.1): int(width * 0.7)]
    assert distinct_colours(plot) > 100, "the plot area looks blank"


def test_screenshot_of_a_file(tmp_path):
    audio = write_chirp(tmp_path / "chirp.wav")
    out = tmp_path / "window.png"
    result = run_cli(str(audio), "--screenshot", str(out), env=window_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "error" not in result.stderr
    assert_window_picture(out)
    assert not list(tmp_path.glob(".window.png*")), "temp file left behind"


def test_screenshot_of_the_demo(tmp_path):
    out = tmp_path / "demo.png"
    result = run_cli("--demo", "--screenshot", str(out), env=window_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert_window_picture(out)


@pytest.mark.parametrize("make_bad,needle", [
    # fixed bytes: some random byte strings contain an MPEG sync that FFmpeg decodes
    (lambda p: (p.write_bytes(random.Random(7).randbytes(4000)), p)[1], "not an audio file"),
    (lambda p: p, "file not found"),
])
def test_bad_file_one_line_error_no_picture(tmp_path, make_bad, needle):
    bad = make_bad(tmp_path / "bad.wav")
    out = tmp_path / "never.png"
    result = run_cli(str(bad), "--screenshot", str(out), env=window_env(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and str(bad) in lines[0] and needle in lines[0]
    assert not out.exists()
    assert not list(tmp_path.glob("*.png")) and not list(tmp_path.glob(".never.png*"))


def test_help_lists_subcommands_and_window_options(tmp_path):
    result = run_cli("--help", env=window_env(tmp_path))
    assert result.returncode == 0, result.stderr
    for word in ("extract", "render", "--screenshot", "--demo", "AUDIO"):
        assert word in result.stdout, word
    assert not (tmp_path / "s.ini").exists(), "--help must not touch the settings"
