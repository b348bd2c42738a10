"""The spectrogram as seen: tones on the rows their labels name, in the chosen colours.

Every expectation is computed here: pixel rows from the plot area's pixel rectangle and
this file's Hz -> axis formula (identity, log10, librosa's Slaney mel), colours from the
colormap's own table at the level librosa's dB (re max, floored at -db_range) gives.
The pixels come from ``QWidget.grab()`` of the window's spectrogram view, the labels from
the frequency axis as drawn. Overlays are off so no curve or legend lies over the data.
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from sonolens.core.view_settings import COLORMAPS, ViewSettings
from tests.qt.pixels import (
    axis_labels,
    colormap_table,
    covered,
    frequency_range,
    grab_rgb,
    hz_to_axis,
    level_index,
    open_window,
    parse_hz,
    peaks,
    plot_area,
    show_view,
    source_spacing_hz,
    table_index,
    to_widget_rect,
    wait_until,
    write_tones,
)

SR, N_FFT, HOP, N_MELS = 22050, 2048, 512, 128
SECONDS = 2.0
TONES = (300.0, 1200.0, 5000.0)
KINDS = ("magnitude", "power", "db", "mel_db")
SCALES = ("linear", "log", "mel")
EDGE_S = N_FFT / 2 / SR + HOP / SR  # frames near either end hold zero padding


@pytest.fixture(scope="module")
def tone_window(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("seen_spectrogram")
    audio = write_tones(folder / "tones.wav", TONES, (0.2, 0.2, 0.2), seconds=SECONDS, sr=SR)
    with open_window(folder / "settings" / "s.ini", audio,
                     ViewSettings(overlays=frozenset())) as window:
        yield window


@pytest.fixture(scope="module")
def looks(tone_window):
    """look(kind, scale) -> what the window shows for it (grabbed once per pair)."""
    cache: dict[tuple[str, str], dict] = {}

    def look(kind: str, scale: str) -> dict:
        if (kind, scale) not in cache:
            show_view(tone_window, kind=kind, freq_scale=scale, colormap="magma")
            view = tone_window.spectrogram_view
            rgb = grab_rgb(view)
            area = plot_area(view)
            rows, cols = area.rows(0), area.columns(0)
            index, dist = table_index(rgb[np.ix_(rows, cols)], colormap_table("magma"))
            cache[kind, scale] = dict(rgb=rgb, area=area, rows=rows, cols=cols, index=index,
                                      dist=dist, hidden=covered(view, rows, cols),
                                      labels=axis_labels(view, view.axis))
        return cache[kind, scale]

    return look


def steady_columns(seen: dict) -> np.ndarray:
    """Positions (into seen["cols"]) of pixel columns whose time lies away from the ends."""
    t = seen["area"].value_at_x(seen["cols"] + 0.5, 0.0, SECONDS)
    return np.flatnonzero((t > EDGE_S) & (t < SECONDS - EDGE_S))


def tone_rows_seen(seen: dict) -> list[float]:
    """Pixel y (centres, ascending) of the len(TONES) brightest rows of the steady part."""
    steady = steady_columns(seen)
    index = np.where(seen["hidden"][:, steady], np.nan, seen["index"][:, steady])
    profile = np.nanmedian(index, axis=1)
    found = peaks(profile, len(TONES), spread=10)
    return [float(seen["rows"][0] + y) for y in found]


def expected_y(seen: dict, hz, scale: str) -> np.ndarray:
    """Pixel y of ``hz`` from the plot area and this file's axis formula."""
    lo, hi = (hz_to_axis(f, scale) for f in frequency_range(scale, sr=SR, n_fft=N_FFT))
    return seen["area"].y_of(hz_to_axis(hz, scale), float(lo), float(hi))


def tolerance_px(seen: dict, kind: str, scale: str, hz: float) -> float:
    """1.5 px, plus one row of the spectrogram's own resolution at ``hz`` in pixels."""
    step = source_spacing_hz(kind, hz)
    return 1.5 + float(abs(expected_y(seen, hz + step, scale) - expected_y(seen, hz, scale)))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("kind", KINDS)
def test_tones_sit_on_the_rows_the_formula_gives(looks, kind, scale):
    seen = looks(kind, scale)
    assert float(np.median(seen["dist"][~seen["hidden"]])) <= 2, "not a magma image"
    found = tone_rows_seen(seen)
    for hz, y in zip(sorted(TONES, reverse=True), found, strict=True):  # high on top
        want = float(expected_y(seen, hz, scale))
        assert abs(y - want) <= tolerance_px(seen, kind, scale, hz), (
            f"{hz:g} Hz drawn at y={y:.1f} px, expected {want:.1f} px ({kind}, {scale})")


def label_fit(seen: dict, scale: str) -> tuple[float, float]:
    """(slope, intercept) of pixel y against axis coordinate through the drawn labels,
    after checking they lie on one line (each label where its own text says)."""
    labels = [(parse_hz(label.text), label.y) for label in seen["labels"]]
    assert len(labels) >= 3, f"{len(labels)} frequency labels drawn: {seen['labels']}"
    if scale == "log":
        assert all(hz > 0 for hz, _ in labels), labels
    coord = hz_to_axis(np.array([hz for hz, _ in labels]), scale)
    ys = np.array([y for _, y in labels])
    slope, intercept = np.polyfit(coord, ys, 1)
    residual = np.abs(slope * coord + intercept - ys).max()
    assert residual <= 1.0, f"labels off their scale by {residual:.1f} px: {labels}"
    assert slope < 0, "higher frequencies must be drawn higher up"
    return float(slope), float(intercept)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("kind", KINDS)
def test_tones_sit_on_the_rows_their_labels_say(looks, kind, scale):
    seen = looks(kind, scale)
    slope, intercept = label_fit(seen, scale)
    found = tone_rows_seen(seen)
    for hz, y in zip(sorted(TONES, reverse=True), found, strict=True):
        want = slope * float(hz_to_axis(hz, scale)) + intercept
        assert abs(y - want) <= tolerance_px(seen, kind, scale, hz), (
            f"{hz:g} Hz drawn at y={y:.1f} px; the labels put it at {want:.1f} px")


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_steady_tone_is_equally_bright_from_start_to_end(looks, kind, scale):
    seen = looks(kind, scale)
    steady = steady_columns(seen)
    assert len(steady) > 0.8 * len(seen["cols"])
    for y in tone_rows_seen(seen):
        r = int(y) - seen["rows"][0]
        row = seen["index"][r, steady][~seen["hidden"][r, steady]]
        assert int(row.max()) - int(row.min()) <= 2, (
            f"tone row y={y:.1f} varies over time: levels {row.min()}..{row.max()}")
        assert row.min() >= 128, "the tone row is not bright"


# -- the colormap ----------------------------------------------------------------------------

BIN_HZ = SR / N_FFT
LEVEL_TONES = (40 * BIN_HZ, 120 * BIN_HZ, 300 * BIN_HZ, 600 * BIN_HZ)  # on FFT bins:
LEVEL_DB = (0.0, -12.0, -30.0, -55.0)  # a periodic Hann spreads each on 3 bins, no leakage


@pytest.fixture(scope="module")
def level_window(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("seen_colormap")
    amplitudes = tuple(0.4 * 10 ** (db / 20) for db in LEVEL_DB)
    audio = write_tones(folder / "levels.wav", LEVEL_TONES, amplitudes, seconds=SECONDS, sr=SR)
    y, _ = librosa.load(audio, sr=None)
    magnitude = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP))
    with open_window(folder / "settings" / "s.ini", audio,
                     ViewSettings(overlays=frozenset())) as window:
        yield window, magnitude


def expected_levels(magnitude: np.ndarray, kind: str, db_range: float) -> np.ndarray:
    """Colour level in [0, 1] of each (bin, frame): dB re max floored at -db_range, or
    the magnitude over its maximum."""
    if kind == "magnitude":
        return magnitude / magnitude.max()
    db = librosa.amplitude_to_db(magnitude, ref=np.max, top_db=None)
    return np.clip((db + db_range) / db_range, 0.0, 1.0)


@pytest.mark.parametrize(("colormap", "kind", "db_range"), [
    *((name, "db", 80.0) for name in COLORMAPS), ("magma", "db", 60.0),
    ("viridis", "magnitude", 80.0)])
def test_the_chosen_colormap_is_the_one_drawn(level_window, colormap, kind, db_range):
    window, magnitude = level_window
    show_view(window, kind=kind, freq_scale="linear", colormap=colormap, db_range=db_range)
    view = window.spectrogram_view
    rgb, area = grab_rgb(view), plot_area(view)
    table = colormap_table(colormap)
    rows, cols = area.rows(0), area.columns(0)
    t = area.value_at_x(cols + 0.5, 0.0, SECONDS)
    cols = cols[(t > EDGE_S) & (t < SECONDS - EDGE_S)]
    index, dist = table_index(rgb[np.ix_(rows, cols)], table)
    shown = ~covered(view, rows, cols)  # not under a legend box
    assert shown.mean() > 0.8
    assert int(dist[shown].max()) <= 2, f"colours drawn that {colormap} does not have"
    levels = expected_levels(magnitude, kind, db_range)
    mid = magnitude.shape[1] // 2
    for hz in LEVEL_TONES:
        want = int(level_index(levels[round(hz / BIN_HZ), mid]))
        y = float(area.y_of(hz, 0.0, SR / 2))
        near = np.flatnonzero(np.abs(rows + 0.5 - y) <= 2.5)  # the peak bin's row is here
        seen = index[near].max(axis=0)[shown[near].all(axis=0)]  # brightest of those rows
        assert len(seen) > 0.5 * len(cols)
        assert np.all(np.abs(seen - want) <= 1), (
            f"{hz:.0f} Hz: table entries {np.unique(seen)} drawn, {want} expected "
            f"({colormap}, {kind})")
    # far from every tone nothing is heard: the bottom of the map
    far = np.all(np.abs(area.y_of(np.array(LEVEL_TONES), 0.0, SR / 2)[:, None]
                        - (rows + 0.5)[None, :]) > 12, axis=0)
    quiet = index[far][shown[far]]
    assert quiet.size > 0.3 * index.size
    assert np.all(quiet == int(level_index(0.0))), f"silence not drawn as {table[0]}"


@pytest.mark.parametrize(("colormap", "kind", "db_range"), [
    ("magma", "db", 80.0), ("coolwarm", "db", 50.0), ("gray", "magnitude", 80.0)])
def test_the_colorbar_is_the_key_to_the_colours_drawn(level_window, colormap, kind,
                                                      db_range):
    """Bottom to top the colorbar runs through the chosen table, and its labels read the
    values at the bottom and top of the levels: -db_range .. 0 dB re max, or 0 .. the
    largest magnitude (librosa's)."""
    window, magnitude = level_window
    show_view(window, kind=kind, freq_scale="linear", colormap=colormap, db_range=db_range)
    view = window.spectrogram_view
    rgb = grab_rgb(view)
    bar = to_widget_rect(view, view.colorbar.bar.sceneBoundingRect())
    rows = np.arange(int(np.ceil(bar.top())) + 1, int(bar.bottom()) - 1)
    index, dist = table_index(rgb[rows, int(bar.center().x())], colormap_table(colormap))
    assert int(dist.max()) <= 2, f"the colorbar is not {colormap}"
    assert index[0] >= 253 and index[-1] <= 2 and np.all(np.diff(index) <= 0), index
    lo, hi = (-db_range, 0.0) if kind == "db" else (0.0, float(magnitude.max()))
    labels = axis_labels(view, view.colorbar.axis)
    assert len(labels) >= 3, labels
    for label in labels:
        value = float(label.text.replace("−", "-"))
        want = bar.top() + (hi - value) / (hi - lo) * bar.height()
        assert abs(label.y - want) <= 1.5, (
            f"colorbar label {label.text!r} at y={label.y:.1f}; {value} is at y={want:.1f}")


# -- the .npz the window exports --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["db", "mel_db"])  # FFT rows and mel rows
def test_window_npz_export_equals_librosa(tone_window, tmp_path, kind):
    show_view(tone_window, kind=kind)
    out = tmp_path / f"{kind}.npz"
    tone_window.exporter.export_matrix_to(out)
    wait_until(lambda: out.exists() and not tone_window.runner.is_busy())
    y, sr = librosa.load(tone_window.document.source.path, sr=None)
    magnitude = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP))
    power = magnitude**2
    if kind == "mel_db":
        mel = librosa.feature.melspectrogram(S=power, sr=sr, n_fft=N_FFT, n_mels=N_MELS)
        want = librosa.power_to_db(mel, ref=1.0, top_db=None)
        freqs = librosa.mel_frequencies(N_MELS + 2, fmin=0.0, fmax=sr / 2)[1:-1]
    else:
        want = {"magnitude": magnitude, "power": power,
                "db": librosa.amplitude_to_db(magnitude, ref=1.0, top_db=None)}[kind]
        freqs = librosa.fft_frequencies(sr=sr, n_fft=N_FFT)
    with np.load(out) as data:
        np.testing.assert_allclose(
            data["times"], librosa.frames_to_time(np.arange(want.shape[1]), sr=sr,
                                                  hop_length=HOP), rtol=0, atol=1e-12)
        np.testing.assert_allclose(data["freqs"], freqs, rtol=1e-9)
        values = data["values"]
        assert values.shape == want.shape
        if kind.endswith("db"):
            np.testing.assert_allclose(values, want, atol=1e-3, rtol=0)
            # as drawn: relative to the maximum (librosa's ref=np.max)
            ref_max = (librosa.amplitude_to_db(magnitude, ref=np.max, top_db=None)
                       if kind == "db" else librosa.power_to_db(mel, ref=np.max, top_db=None))
            np.testing.assert_allclose(values - values.max(), ref_max, atol=1e-3, rtol=0)
        else:
            np.testing.assert_allclose(values, want, rtol=1e-4, atol=1e-4 * want.max())
        # the rows are the frequencies named: each tone's brightest row sits at the tone
        profile = values[:, values.shape[1] // 2].astype(float)
        brightest = []
        for _ in TONES:
            k = int(np.argmax(profile))
            brightest.append(float(data["freqs"][k]))
            profile[max(0, k - 5) : k + 6] = -np.inf
        for hz, row_hz in zip(TONES, sorted(brightest), strict=True):
            assert abs(row_hz - hz) <= source_spacing_hz(kind, hz), (hz, row_hz)

