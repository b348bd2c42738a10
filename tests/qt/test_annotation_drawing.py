"""Every annotation tier drawn by one item per view, read back in pixels: each tier in its
own colour (few annotations drawn exactly, many rasterised), a hidden tier not drawn,
boxes within their band on the spectrogram only, overlapping labels that do not pile up,
and label text that reads over the white waveform. Positions and colours expected here
come from the view's range and plot rectangle, never from the app's mapping helpers."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from tests.qt.conftest import wait_settled, write_rich
from tests.qt.pixels import grab_rgb, plot_area, view_range

TIERS = {"a": "#ff0000", "b": "#00ff00", "c": "#0000ff"}
RANGES = {"a": (0.3, 0.9), "b": (1.2, 1.8), "c": (2.1, 2.7)}  # s, one per tier
FILL = 40 / 255  # the fill's opacity
LABEL_TOP_PX = 32  # rows under the plot's top that labels may use


@pytest.fixture
def window(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    window.resize(1100, 800)
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=3.0))
    wait_settled(qtbot, window)
    window.spectrogram_view.plot.setXRange(0.0, 3.0, padding=0)
    wait_settled(qtbot, window)
    return window


def show(qtbot, window, annotations: AnnotationSet) -> None:
    window.document.set_annotations(annotations)
    wait_settled(qtbot, window)
    qtbot.wait(50)


def tiers_set(pieces: int, hidden: str = "", bands: dict | None = None) -> AnnotationSet:
    """Tiers a, b, c in their colours; each RANGES[tier] cut into ``pieces`` spans."""
    annotations = AnnotationSet([Tier(name, color=color, visible=name != hidden)
                                 for name, color in TIERS.items()])
    for name, (t0, t1) in RANGES.items():
        edges = np.linspace(t0, t1, pieces + 1)
        for a, b in pairwise(edges):
            band = (bands or {}).get(name, (None, None))
            annotations.add(Annotation(float(a), float(b), "", name, *band))
    return annotations


def columns_inside(area, t0, t1, a, b, margin=3) -> np.ndarray:
    cols = area.columns(1)
    x = cols + 0.5
    xa, xb = area.x_of(np.array([a, b]), t0, t1)
    return cols[(x > xa + margin) & (x < xb - margin)]


def tint_error(before, after, rows, cols, color: str) -> float:
    """Median over the pixels of |after - (before blended with ``color`` at FILL)|."""
    rgb = np.array([int(color[k:k + 2], 16) for k in (1, 3, 5)], dtype=float)
    was = before[np.ix_(rows, cols)].astype(float)
    expected = was * (1 - FILL) + rgb * FILL
    return float(np.median(np.abs(after[np.ix_(rows, cols)] - expected).max(axis=2)))


@pytest.mark.parametrize("pieces", [1, 40, 250, 2000])  # exact, raster, binned (6000)
@pytest.mark.parametrize("which", ["waveform", "spectrogram_view"])
def test_all_tiers_drawn_by_one_item_in_their_own_colours(qtbot, window, which, pieces):
    view = getattr(window, which)
    before = grab_rgb(view)
    show(qtbot, window, tiers_set(pieces))
    after, area = grab_rgb(view), plot_area(view)
    (t0, t1), _ = view_range(view)
    layers = [layer for layer in view.layers if type(layer).__name__ == "AnnotationsLayer"]
    assert len(layers) == 1 and len(layers[0].items()) == 1, "not one item for all tiers"
    rows = area.rows(3)
    rows = rows[rows > area.top + LABEL_TOP_PX]
    for name, (a, b) in RANGES.items():
        cols = columns_inside(area, t0, t1, a, b)
        if pieces > 1:  # the edges between pieces are lines: look between them
            x = (cols + 0.5 - area.left) / area.width * (t1 - t0) + t0
            step = (b - a) / pieces
            phase = (x - a) / step % 1.0
            cols = cols[(phase > 0.3) & (phase < 0.7)]
        assert len(cols) > 3
        error = tint_error(before, after, rows, cols, TIERS[name])
        assert error <= 6, f"tier {name}: not tinted in its colour ({error})"
    away = columns_inside(area, t0, t1, 0.0, 0.25, margin=1)
    for a, b in RANGES.values():  # and nothing just beside each range (edges in place)
        away = np.concatenate([away, columns_inside(area, t0, t1, a - 0.1, a, margin=3),
                               columns_inside(area, t0, t1, b, b + 0.1, margin=3)])
    assert np.abs(after[np.ix_(rows, away)].astype(int) - before[np.ix_(rows, away)]).max() \
        <= 6, "something drawn away from the annotations"
    assert window.spectrogram_view.legend.names[-3:] == ["a", "b", "c"]


@pytest.mark.parametrize("pieces", [1, 40, 250, 2000])
def test_a_hidden_tier_is_not_drawn(qtbot, window, pieces):
    view = window.waveform
    before = grab_rgb(view)
    show(qtbot, window, tiers_set(pieces, hidden="b"))
    after, area = grab_rgb(view), plot_area(view)
    (t0, t1), _ = view_range(view)
    rows = area.rows(1)
    hidden = columns_inside(area, t0, t1, *RANGES["b"], margin=-3)
    assert np.array_equal(after[np.ix_(rows, hidden)], before[np.ix_(rows, hidden)]), \
        "the hidden tier is drawn"
    shown = columns_inside(area, t0, t1, *RANGES["a"])
    changed = np.abs(after[np.ix_(rows, shown)].astype(int) - before[np.ix_(rows, shown)])
    assert (changed.max(axis=2) > 6).mean() > 0.9, "the visible tier is not drawn"
    names = window.spectrogram_view.legend.names
    assert "b" not in names and "a" in names


@pytest.mark.parametrize("pieces", [1, 40, 250, 2000])
def test_a_box_lies_in_its_band_on_the_spectrogram_only(qtbot, window, pieces):
    band = (3000.0, 6000.0)  # Hz
    spec, wave = window.spectrogram_view, window.waveform
    spec_before, wave_before = grab_rgb(spec), grab_rgb(wave)
    show(qtbot, window, tiers_set(pieces, bands={"a": band}))
    a, b = RANGES["a"]
    # spectrogram: linear axis in Hz, rows computed here from the view's y range
    after, area = grab_rgb(spec), plot_area(spec)
    (t0, t1), (f0, f1) = view_range(spec)
    cols = columns_inside(area, t0, t1, a, b)
    y_hi, y_lo = area.y_of(np.array([band[1], band[0]]), f0, f1)
    inside = np.arange(int(np.ceil(y_hi)) + 2, int(np.floor(y_lo)) - 2)
    outside = np.concatenate([np.arange(int(area.top) + LABEL_TOP_PX, int(y_hi) - 2),
                              np.arange(int(y_lo) + 3, int(area.bottom) - 3)])
    diff = np.abs(after.astype(int) - spec_before).max(axis=2)
    assert (diff[np.ix_(inside, cols)] > 6).mean() > 0.9, "the band is not tinted"
    assert (diff[np.ix_(outside, cols)] > 6).mean() < 0.02, "tinted outside its band"
    # waveform: the same box over the full height
    after, area = grab_rgb(wave), plot_area(wave)
    (t0, t1), _ = view_range(wave)
    cols = columns_inside(area, t0, t1, a, b)
    rows = area.rows(3)
    diff = np.abs(after.astype(int) - wave_before).max(axis=2)
    assert (diff[np.ix_(rows, cols)] > 6).mean() > 0.9, "not full height on the waveform"


def text_pixels(labelled, plain, color: str) -> np.ndarray:
    """(n, 2) row, column of the pixels near ``color`` that the label added."""
    rgb = np.array([int(color[k:k + 2], 16) for k in (1, 3, 5)])
    near = np.abs(labelled.astype(int) - rgb).max(axis=2) < 60
    was = np.abs(plain.astype(int) - rgb).max(axis=2) < 60
    return np.argwhere(near & ~was)


def two_labels(first: str, second: str) -> AnnotationSet:
    annotations = AnnotationSet([Tier("a", color=TIERS["a"]), Tier("b", color=TIERS["b"])])
    annotations.add(Annotation(1.0, 2.0, first, "a"))
    annotations.add(Annotation(1.02, 1.9, second, "b"))  # starts ~4 px right of the first
    return annotations


@pytest.mark.parametrize("which", ["waveform", "spectrogram_view"])
def test_overlapping_labels_do_not_pile_up(qtbot, window, which):
    view = getattr(window, which)
    show(qtbot, window, two_labels("", ""))
    plain = grab_rgb(view)
    show(qtbot, window, two_labels("WWWWWW", "MMMMMM"))
    labelled, area = grab_rgb(view), plot_area(view)
    (t0, t1), _ = view_range(view)
    first = text_pixels(labelled, plain, TIERS["a"])
    second = text_pixels(labelled, plain, TIERS["b"])
    assert len(first) > 20, "the first label is not drawn"
    xa, xb = area.x_of(np.array([1.0, 2.0]), t0, t1)
    assert first[:, 1].min() >= xa - 1 and first[:, 1].max() <= xb + 1
    assert first[:, 0].min() >= area.top - 1 and first[:, 0].max() <= area.top + 16
    if len(second):  # moved out of the first's way (else skipped: also fine)
        rows_a = (first[:, 0].min(), first[:, 0].max())
        rows_b = (second[:, 0].min(), second[:, 0].max())
        cols_a = (first[:, 1].min(), first[:, 1].max())
        cols_b = (second[:, 1].min(), second[:, 1].max())
        apart = rows_b[0] > rows_a[1] or rows_a[0] > rows_b[1] or cols_b[0] > cols_a[1] \
            or cols_a[0] > cols_b[1]
        assert apart, f"labels overlap: rows {rows_a} {rows_b}, columns {cols_a} {cols_b}"
        assert rows_b[1] <= area.top + LABEL_TOP_PX, "moved too far from the top"


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (..., 3) in 0..255."""
    c = np.asarray(rgb, dtype=float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def test_label_text_reads_over_the_white_waveform(qtbot, window):
    view = window.waveform
    colors = iter(["#00e676", "#ffea00"])  # the default tier colours least readable on white
    for color in colors:
        annotations = AnnotationSet([Tier("a", color=color)])
        annotations.add(Annotation(1.0, 2.0, "", "a"))
        show(qtbot, window, annotations)
        plain = grab_rgb(view)
        annotations = AnnotationSet([Tier("a", color=color)])
        annotations.add(Annotation(1.0, 2.0, "WWWWWW", "a"))
        show(qtbot, window, annotations)
        labelled, area = grab_rgb(view), plot_area(view)
        text = text_pixels(labelled, plain, color)
        assert len(text) > 20
        r0, r1 = text[:, 0].min(), text[:, 0].max()
        c0, c1 = text[:, 1].min(), text[:, 1].max()
        box = labelled[r0:r1 + 1, c0:c1 + 1].astype(int)
        is_text = np.zeros(box.shape[:2], dtype=bool)
        is_text[text[:, 0] - r0, text[:, 1] - c0] = True
        rgb = np.array([int(color[k:k + 2], 16) for k in (1, 3, 5)])
        glyph = np.abs(box - rgb).max(axis=2) < 30  # the text's own colour
        backing = ~is_text & (box.max(axis=2) < 200)  # the strip between the letters
        assert glyph.sum() > 10 and backing.sum() > 10
        lit = luminance(np.median(box[glyph], axis=0))
        dark = luminance(np.median(box[backing], axis=0))
        ratio = (lit + 0.05) / (dark + 0.05)
        assert ratio >= 4.5, f"{color} text over its strip: contrast {ratio:.2f} < 4.5"
        white = np.median(plain[np.ix_(np.arange(int(area.top) + 2, int(area.top) + 14),
                                       np.arange(int(c0), int(c1)))].reshape(-1, 3), axis=0)
        assert luminance(white) > 0.5, "the waveform is not white behind the label"


def test_the_readout_names_what_lies_under_the_mouse(qtbot, window):
    annotations = tiers_set(1, bands={"a": (3000.0, 6000.0)})
    annotations.add(Annotation(2.4, 2.4, "click", "c"))
    show(qtbot, window, annotations)
    spec, wave = window.spectrogram_view, window.waveform
    [layer] = [x for x in spec.layers if type(x).__name__ == "AnnotationsLayer"]
    [on_wave] = [x for x in wave.layers if type(x).__name__ == "AnnotationsLayer"]
    assert [p.text for p in layer.describe(0.6, 4000.0)] == ["a"]  # inside the box
    assert layer.describe(0.6, 8000.0) == []  # above its band
    assert [p.text for p in on_wave.describe(0.6, 0.0)] == ["a"]  # full height there
    assert [p.text for p in layer.describe(1.5, None)] == ["b"]
    assert [p.text for p in layer.describe(2.4, None)] == ["c", "c click"]  # span and point
    assert layer.describe(1.0, None) == []
