"""`sonolens render --axis notes`: the same data image, note names instead of Hz on the
frequency axis (the axis strip differs, the data pixels do not); a bad --a4 is one line."""

from __future__ import annotations

import numpy as np
import pytest

from sonolens.cli.main import main
from tests.e2e import run_cli
from tests.qt.pixels import colormap_table, data_region, png_rgb, write_tones

SIZE = ("--width", "900", "--height", "420")


@pytest.fixture(scope="module")
def tones(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render_notes")
    return write_tones(folder / "tones.wav", (261.63, 440.0), (0.2, 0.2), seconds=1.0,
                       sr=22050)


def test_note_axis_changes_only_the_axis(tones, tmp_path, qapp):
    images = {}
    for axis in ("hz", "notes"):
        out = tmp_path / f"{axis}.png"
        assert main(["-q", "render", str(tones), "-o", str(out), *SIZE, "--scale", "log",
                     "--axis", axis]) == 0
        images[axis] = png_rgb(out)
    hz, notes = images["hz"], images["notes"]
    region = data_region(hz, colormap_table("magma"))
    assert region == data_region(notes, colormap_table("magma"))
    left, top, right, bottom = region.inner()
    inside = left + 8  # tick marks reach 5 px into the plot
    assert np.array_equal(hz[top:bottom, inside:right], notes[top:bottom, inside:right])
    strip_hz, strip_notes = hz[top:bottom, :left], notes[top:bottom, :left]
    assert np.count_nonzero(np.any(strip_hz != strip_notes, axis=2)) > 200  # other labels


def test_a4_outside_its_range_is_one_line(tones, tmp_path):
    result = run_cli("render", str(tones), "-o", str(tmp_path / "x.png"), "--axis", "notes",
                     "--a4", "500")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "sonolens: error: a4=500.0 must lie in [400, 480] Hz"]
    assert not (tmp_path / "x.png").exists()
