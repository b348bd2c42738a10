"""`sonolens render` as seen: the PNG's tones sit on their rows, its matrix rows equal
`sonolens extract`'s values.

A PNG has no widget to ask where its plot is: the data image is found as the region drawn
in the colormap's colours (tests/qt/pixels.py data_region). Expected rows come from that
region and this file's Hz -> axis formula, expected colours from the colormap's table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sonolens.cli.main import main
from tests.e2e import run_cli
from tests.qt.pixels import (
    MATRICES,
    colormap_table,
    data_region,
    expected_levels,
    frequency_range,
    hz_to_axis,
    level_index,
    peaks,
    png_rgb,
    source_spacing_hz,
    table_index,
    write_changing,
    write_tones,
)

SR, N_FFT, HOP, SECONDS = 22050, 2048, 512, 2.0
TONES = (300.0, 1200.0, 5000.0)
SIZE = ("--width", "900", "--height", "420")


def render(audio: Path, out: Path, *args: str) -> np.ndarray:
    assert main(["-q", "render", str(audio), "-o", str(out), *SIZE, *args]) == 0
    return png_rgb(out)


@pytest.fixture(scope="module")
def tones(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seen_render")
    return write_tones(folder / "tones.wav", TONES, (0.2, 0.2, 0.2), seconds=SECONDS, sr=SR)


@pytest.mark.parametrize(("kind", "scale"), [("db", "linear"), ("db", "log"), ("mel", "mel"),
                                             ("linear", "mel")])
def test_rendered_tones_sit_on_their_rows(tones, tmp_path, qapp, kind, scale):
    rgb = render(tones, tmp_path / "spec.png", "--kind", kind, "--scale", scale)
    table = colormap_table("magma")
    area = data_region(rgb, table)
    assert area.width > 0.6 * rgb.shape[1] and area.height > 0.6 * rgb.shape[0], area
    rows, cols = area.rows(0), area.columns(0)
    t = area.value_at_x(cols + 0.5, 0.0, SECONDS)
    edge = N_FFT / 2 / SR + HOP / SR
    cols = cols[(t > edge) & (t < SECONDS - edge)]
    index, _ = table_index(rgb[np.ix_(rows, cols)], table)
    profile = np.median(index, axis=1)  # a box over part of the data cannot move a median
    found = [rows[0] + y for y in peaks(profile, len(TONES), spread=10)]
    lo, hi = (float(hz_to_axis(f, scale)) for f in frequency_range(scale, sr=SR, n_fft=N_FFT))
    for hz, y in zip(sorted(TONES, reverse=True), found, strict=True):  # high on top
        want = float(area.y_of(hz_to_axis(hz, scale), lo, hi))
        spacing = source_spacing_hz("mel_db" if kind == "mel" else kind, hz)
        step = abs(float(area.y_of(hz_to_axis(hz + spacing, scale), lo, hi)) - want)
        assert abs(y - want) <= 1.5 + step, f"{hz:g} Hz at y={y:.1f}, expected {want:.1f}"
        steady = index[int(y) - rows[0]]
        assert np.percentile(steady, 90) - np.percentile(steady, 10) <= 2, "not steady"


@pytest.fixture(scope="module")
def changing(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """A file whose features all move, and `sonolens extract`'s CSV of it."""
    folder = tmp_path_factory.mktemp("seen_render_matrix")
    audio = write_changing(folder / "changing.wav")
    out = folder / "features.csv"
    result = run_cli("extract", str(audio), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return audio, pd.read_csv(out)


@pytest.mark.parametrize("kind", list(MATRICES))
def test_rendered_matrix_rows_equal_extracted_values(changing, tmp_path, qapp, kind):
    """Row k from the bottom shows feature k+1 (mfcc_1, chroma_C, spectral_contrast_1 at
    the bottom, as the window's row labels say: tests/qt/test_seen_lower_view.py)."""
    audio, table = changing
    column, colormap = MATRICES[kind]
    rgb = render(audio, tmp_path / f"{kind}.png", "--kind", kind, "--colormap", "magma")
    colours = colormap_table(colormap)
    area = data_region(rgb, colours)
    names = [c for c in table.columns if c.startswith(column.format(""))]
    lo, hi = expected_levels(kind, table[names].to_numpy().T)
    times = table["time"].to_numpy()
    dt = float(times[1] - times[0])
    t_end = len(times) * dt - dt / 2  # the image spans the frames: [-dt/2, (n - 1/2) dt]
    x = area.x_of(times, 0.0, t_end)
    half = area.width * dt / t_end / 2
    frames = np.flatnonzero((x - half >= area.left + 6) & (x + half <= area.right - 6))
    assert len(frames) > 0.8 * len(times)
    cols = np.floor(x[frames]).astype(int)
    band = area.height / len(names)
    for k, name in enumerate(names):
        row = int(area.bottom - (k + 0.5) * band)  # the middle of band k from the bottom
        index, dist = table_index(rgb[row, cols], colours)
        assert int(dist.max()) <= 2, f"{name}: colours not on {colormap}"
        want = level_index((table[name].to_numpy()[frames] - lo) / (hi - lo))
        wrong = np.abs(index - want) > 1
        assert not wrong.any(), (
            f"band {k} from the bottom does not show {name} at {wrong.sum()} frames")
