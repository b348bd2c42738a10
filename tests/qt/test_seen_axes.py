"""Axis labels as seen: the right numbers at the right pixels.

Each drawn label's text is read back as a number (Hz or seconds) and its pixel position
(the centre of its text box through Qt's item -> scene -> widget transforms) is compared
with the pixel this file computes for that number from the plot area's pixel rectangle
and the range shown (the frequency range from this file's own formula, the time range
set here with ``setXRange``).
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from sonolens.core.view_settings import ViewSettings
from tests.qt.pixels import (
    axis_labels,
    clock_fields,
    colormap_table,
    covered,
    frequency_range,
    grab_rgb,
    hz_to_axis,
    open_window,
    parse_clock,
    parse_hz,
    peaks,
    plot_area,
    show_view,
    table_index,
    view_range,
    wait_until,
    write_tones,
)

SR, N_FFT, HOP, SECONDS = 22050, 2048, 512, 2.0
TOLERANCE_PX = 1.5
CLICK_FRAMES = (17, 43, 71)  # clicks exactly at these frames' centres (frame * HOP / SR)


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("seen_axes")
    audio = write_tones(folder / "tones.wav", (440.0, 3000.0), (0.3, 0.3), seconds=SECONDS,
                        sr=SR)
    y, _ = sf.read(audio, dtype="float32")
    y[[frame * HOP for frame in CLICK_FRAMES]] += 1.0
    sf.write(audio, y, SR, subtype="FLOAT")
    with open_window(folder / "settings" / "s.ini", audio,
                     ViewSettings(overlays=frozenset())) as window:
        yield window


# -- frequency axis --------------------------------------------------------------------------

ZOOMS = {"linear": (1000.0, 3000.0), "log": (100.0, 1000.0), "mel": (500.0, 4000.0)}


@pytest.mark.parametrize("zoomed", [False, True], ids=["whole", "zoomed"])
@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
def test_frequency_labels_name_the_frequency_at_their_pixel(window, scale, zoomed):
    show_view(window, kind="db", freq_scale=scale)
    view = window.spectrogram_view
    f0, f1 = ZOOMS[scale] if zoomed else frequency_range(scale, sr=SR, n_fft=N_FFT)
    a0, a1 = float(hz_to_axis(f0, scale)), float(hz_to_axis(f1, scale))
    try:
        if zoomed:  # the axis is in the scale's units (Hz, log10 Hz, mel), as formulas say
            view.plot.setYRange(a0, a1, padding=0)
            wait_until(window.is_settled)
        grab_rgb(view)
        area, labels = plot_area(view), axis_labels(view, view.axis)
        assert view_range(view)[1] == pytest.approx((a0, a1), abs=1e-9 * max(1.0, abs(a1)))
    finally:
        view.viewbox.fit_y()
    values = [parse_hz(label.text) for label in labels]
    assert len(labels) >= 3, f"{len(labels)} labels: {labels}"
    assert len(set(values)) == len(values), f"repeated labels: {[lb.text for lb in labels]}"
    for label, hz in zip(labels, values, strict=True):
        assert f0 - 1e-6 <= hz <= f1 + 1e-6, f"label {label.text} outside {f0}..{f1} Hz"
        want = float(area.y_of(hz_to_axis(hz, scale), a0, a1))
        assert abs(label.y - want) <= TOLERANCE_PX, (
            f"{label.text!r} drawn at y={label.y:.1f} px; {hz:g} Hz is at y={want:.1f} px "
            f"on this {scale} axis")


# -- time axis -------------------------------------------------------------------------------

TIME_RANGES = [
    pytest.param(0.0, SECONDS, id="whole-file"),
    pytest.param(0.5, 0.7, id="0.5-0.7s"),
    pytest.param(1.2, 1.21, id="10ms"),
    pytest.param(0.0123, 0.0457, id="odd-offset"),
    pytest.param(0.0, 90.0, id="0-1:30"),
    pytest.param(50.0, 130.0, id="0:50-2:10"),
    pytest.param(61.0, 61.5, id="1:01-1:01.5"),
    pytest.param(600.0, 900.0, id="10:00-15:00"),
    pytest.param(1795.0, 1805.0, id="29:55-30:05"),
    pytest.param(1800.0, 1802.0, id="30:00-30:02"),
    pytest.param(1800.5, 1800.6, id="30:00.5-30:00.6"),
    pytest.param(3500.0, 3700.0, id="58:20-1:01:40"),
    pytest.param(3599.0, 3603.0, id="59:59-1:00:03"),
    pytest.param(3599.9, 3600.4, id="59:59.9-1:00:00.4"),
    pytest.param(7000.0, 10000.0, id="1:56:40-2:46:40"),
    pytest.param(7322.25, 7322.75, id="2:02:02.25-.75"),
]


def show_times(window, t0: float, t1: float) -> None:
    box = window.waveform.plot.getViewBox()  # every time view is x-linked to it
    box.setLimits(xMin=None, xMax=None, minXRange=None)
    window.waveform.plot.setXRange(t0, t1, padding=0)
    wait_until(window.is_settled)


@pytest.mark.parametrize(("t0", "t1"), TIME_RANGES)
def test_time_labels_name_the_time_at_their_pixel(window, t0, t1):
    show_times(window, t0, t1)
    view = window.feature_plot  # the window's time axis is under the lowest view
    assert window.lower.currentWidget() is view
    grab_rgb(view)
    area, labels = plot_area(view), axis_labels(view, view.plot.getAxis("bottom"))
    assert view_range(view)[0] == pytest.approx((t0, t1), rel=1e-12, abs=1e-12)
    texts = [label.text for label in labels]
    values = [parse_clock(text) for text in texts]
    assert len(set(texts)) == len(texts), f"repeated labels: {texts}"
    for label, seconds in zip(labels, values, strict=True):
        assert t0 <= seconds <= t1, f"label {label.text} outside {t0}..{t1} s"
        want = float(area.x_of(seconds, t0, t1))
        assert abs(label.x - want) <= TOLERANCE_PX, (
            f"{label.text!r} drawn at x={label.x:.1f} px; {seconds:g} s is at x={want:.1f} px")
        # seconds on views within the first minute; past it minutes (m:ss), past an hour
        # hours (h:mm:ss); earlier labels of a longer view may read s or m:ss
        least = 1 if seconds < 60 else 2 if seconds < 3600 else 3
        fields = clock_fields(label.text)
        assert (fields == 1) if t1 <= 60 else (least <= fields <= 3), (
            f"{label.text!r} for {seconds:g} s on a {t0:g}..{t1:g} s view")
    assert values == sorted(values)
    assert len(labels) >= 3, f"only {texts} across {t0}..{t1} s"


def test_every_view_shares_the_time_axis_pixels(window):
    """The one time axis (under the lowest view) holds for the views above it: their plot
    areas span the same window pixels."""
    show_times(window, 0.0, SECONDS)
    spans = []
    for view in (window.waveform, window.spectrogram_view, window.lower.currentWidget()):
        area = plot_area(view)
        left = view.mapTo(window, view.rect().topLeft()).x() + area.left
        spans.append((left, left + area.width))
    for span in spans[:-1]:
        assert span == pytest.approx(spans[-1], abs=1.0), spans


def test_a_click_is_drawn_at_the_pixel_of_its_time(window):
    """The spectrogram's columns sit where the time axis says: a click at time t (a
    frame's centre) is brightest in the pixel column of t."""
    show_view(window, kind="db", freq_scale="linear", colormap="magma")
    show_times(window, 0.0, SECONDS)
    view = window.spectrogram_view
    rgb, area = grab_rgb(view), plot_area(view)
    rows, cols = area.rows(0), area.columns(0)
    t = area.value_at_x(cols + 0.5, 0.0, SECONDS)
    edge = N_FFT / SR  # the file's abrupt start and end are broadband too
    cols = cols[(t > edge) & (t < SECONDS - edge)]
    index, _ = table_index(rgb[np.ix_(rows, cols)], colormap_table("magma"))
    hz = (area.bottom - (rows + 0.5)) / area.height * (SR / 2)  # each row on a linear axis
    away = (np.abs(hz[:, None] - np.array([440.0, 3000.0])[None, :]) > 300).all(axis=1)
    shown = ~covered(view, rows, cols)
    profile = np.array([np.median(index[away & shown[:, k], k]) for k in range(len(cols))])
    found = [cols[0] + x for x in peaks(profile, len(CLICK_FRAMES), spread=10)]
    for frame, x in zip(CLICK_FRAMES, found, strict=True):
        want = float(area.x_of(frame * HOP / SR, 0.0, SECONDS))
        assert abs(x - want) <= TOLERANCE_PX, (
            f"click at {frame * HOP / SR:.4f} s drawn at x={x:.1f} px, expected {want:.1f}")
