"""The constant-Q kind chosen in the window: tones on the rows of their bins, note labels.

The kind is chosen in the settings panel's Kind combo with the mouse. Expectations are
computed here: bin edges from 440 Hz and librosa's C1 (half a bin beyond the first and
last centres, a log10 axis between them) and the plot area's pixel rectangle; pixels come
from ``QWidget.grab()``, labels from the frequency axis as drawn.
"""

from __future__ import annotations

import re

import librosa
import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox

from sonolens.core.view_settings import ViewSettings
from tests.qt.pixels import (
    axis_labels,
    colormap_table,
    covered,
    grab_rgb,
    open_window,
    peaks,
    plot_area,
    table_index,
    wait_until,
    write_tones,
)
from tests.qt.test_presets_window import choose

SR, SECONDS = 22050, 3.0
A4, C3 = 440.0, librosa.note_to_hz("C3")
C1 = librosa.note_to_hz("C1")
LOW_EDGE, HIGH_EDGE = C1 * 2 ** (-1 / 24), C1 * 2 ** (83 / 12 + 1 / 24)  # 84 bins of 12/oct
EDGE_S = 0.6  # the lowest filters reach ~0.5 s: frames nearer the ends see the padding
# the offscreen platform cannot raise a combo's popup or grab the keyboard for it
pytestmark = pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing",
                                       extend=True)


@pytest.fixture(scope="module")
def cqt_window(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cqt_view")
    audio = write_tones(folder / "a4_c3.wav", (A4, C3), (0.3, 0.1), seconds=SECONDS, sr=SR)
    with open_window(folder / "settings" / "s.ini", audio,
                     ViewSettings(overlays=frozenset(), colormap="magma")) as window:
        yield window


@pytest.fixture(scope="module")
def seen(cqt_window, qapp):
    """Choose "Constant-Q dB" in the Kind combo (a person's clicks) and grab the view."""
    from pytestqt.qtbot import QtBot

    window = cqt_window
    qtbot = QtBot(qapp)
    choose(qtbot, window.settings_panel.findChild(QComboBox, "kind"), "Constant-Q dB")
    wait_until(lambda: window.document.view.kind == "cqt")
    wait_until(lambda: (window.document.spectrogram is not None
                        and window.document.spectrogram.kind == "cqt"
                        and window.document.spectrogram.complete and window.is_settled()))
    view = window.spectrogram_view
    rgb = grab_rgb(view)
    area = plot_area(view)
    rows, cols = area.rows(0), area.columns(0)
    index, dist = table_index(rgb[np.ix_(rows, cols)], colormap_table("magma"))
    return dict(window=window, rgb=rgb, area=area, rows=rows, cols=cols, index=index,
                dist=dist, hidden=covered(view, rows, cols),
                labels=axis_labels(view, view.axis))


def expected_y(seen: dict, hz: float) -> float:
    return float(seen["area"].y_of(np.log10(hz), np.log10(LOW_EDGE), np.log10(HIGH_EDGE)))


def bin_px(seen: dict) -> float:
    return seen["area"].height / 84


def test_tones_sit_on_their_bins_rows(seen):
    assert seen["window"].document.spectrogram.n_rows == 84
    assert float(np.median(seen["dist"][~seen["hidden"]])) <= 2, "not a magma image"
    t = seen["area"].value_at_x(seen["cols"] + 0.5, 0.0, SECONDS)
    steady = np.flatnonzero((t > EDGE_S) & (t < SECONDS - EDGE_S))
    index = np.where(seen["hidden"][:, steady], np.nan, seen["index"][:, steady])
    profile = np.nanmedian(index, axis=1)
    top = peaks(profile, 1, spread=10)[0]  # the loudest: A4
    y = float(seen["rows"][0] + top)
    want = expected_y(seen, A4)
    assert abs(y - want) <= 1.5 + bin_px(seen) / 2, (
        f"A4 drawn at y={y:.1f} px, its bin's row is at {want:.1f} px")
    # the softer C3 (-9.5 dB) is the brightest row well below A4
    below = np.flatnonzero(seen["rows"] > want + 3 * bin_px(seen))
    c3_row = float(seen["rows"][0] + below[0] + np.argmax(profile[below]))
    assert abs(c3_row - expected_y(seen, C3)) <= 1.5 + bin_px(seen) / 2
    # A4's band is as tall as one bin: brightest there, a little less in the neighbouring
    # semitone bins (a pure tone leaks ~6 dB into them), dark two bins away
    r = round(want) - int(seen["rows"][0])
    one, two = round(bin_px(seen)), round(2.5 * bin_px(seen))
    assert profile[r] >= 200
    assert profile[r - one] < profile[r] and profile[r + one] < profile[r]
    assert profile[r - two] < profile[r] - 60 and profile[r + two] < profile[r] - 60


def test_note_labels_on_the_axis(seen):
    """The axis says "Note", labels every C from C1 to C7, each at its frequency's row."""
    window = seen["window"]
    assert window.spectrogram_view.axis.labelText.startswith("Note")
    labels = {label.text: label.y for label in seen["labels"] if label.text}
    cs = [f"C{octave}" for octave in range(1, 8)]
    assert set(cs) <= set(labels), labels
    for name in cs:
        want = expected_y(seen, librosa.note_to_hz(name))
        assert abs(labels[name] - want) <= 1.5, f"{name} label at {labels[name]:.1f}, {want:.1f}"
    assert all(re.fullmatch(r"[A-G][#\u266f]?-?\d+", text) for text in labels), labels


def test_scale_and_axis_choices_are_off_for_the_kind(seen):
    panel = seen["window"].settings_panel
    for name in ("freq_scale", "freq_axis"):
        assert not panel.findChild(QComboBox, name).isEnabled(), name
    assert panel.findChild(QComboBox, "kind").currentData() == "cqt"


def test_panel_fields_recompute_the_kind(seen, qapp):
    """Typing 24 bins per octave and 168 bins in the panel: the picture is recomputed with
    168 rows and A4 still sits on its bin's row (now half as tall)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSpinBox
    from pytestqt.qtbot import QtBot

    window = seen["window"]
    qtbot = QtBot(qapp)
    for name, value in (("cqt_bins_per_octave", "24"), ("cqt_n_bins", "168")):
        spin = window.settings_panel.findChild(QSpinBox, name)
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, value)
        qtbot.keyClick(spin, Qt.Key.Key_Return)
    wait_until(lambda: window.document.params.cqt_n_bins == 168
               and window.document.params.cqt_bins_per_octave == 24)
    wait_until(lambda: (window.document.spectrogram is not None
                        and window.document.spectrogram.n_rows == 168
                        and window.document.spectrogram.complete and window.is_settled()))
    view = window.spectrogram_view
    rgb = grab_rgb(view)
    area = plot_area(view)
    rows, cols = area.rows(0), area.columns(0)
    index, _ = table_index(rgb[np.ix_(rows, cols)], colormap_table("magma"))
    t = area.value_at_x(cols + 0.5, 0.0, SECONDS)
    steady = np.flatnonzero((t > EDGE_S) & (t < SECONDS - EDGE_S))
    profile = np.median(index[:, steady], axis=1)
    y = float(rows[0] + peaks(profile, 1, spread=10)[0])
    lo, hi = C1 * 2 ** (-1 / 48), C1 * 2 ** (167 / 24 + 1 / 48)
    want = float(area.y_of(np.log10(A4), np.log10(lo), np.log10(hi)))
    assert abs(y - want) <= 1.5 + area.height / 168 / 2, (y, want)


def test_bins_past_nyquist_say_so_in_one_line_then_fewer_bins_draw(qtbot, make_main_window,
                                                                   tmp_path):
    """The cqt kind on an 8 kHz file: 84 bins from C1 pass Nyquist; the window says so in
    one line; with fewer bins set in the panel the picture comes."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSpinBox

    audio = write_tones(tmp_path / "low.wav", (A4,), (0.3,), seconds=1.0, sr=8000)
    window = make_main_window()
    window.document.set_view(ViewSettings(kind="cqt", overlays=frozenset()))
    window.open_path(audio)
    qtbot.waitUntil(lambda: "Nyquist" in window.last_error, timeout=20000)
    assert "\n" not in window.last_error and "4000 Hz" in window.last_error
    spin = window.settings_panel.findChild(QSpinBox, "cqt_n_bins")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "72")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (window.document.spectrogram is not None
                             and window.document.spectrogram.kind == "cqt"
                             and window.document.spectrogram.complete), timeout=20000)
    assert window.document.spectrogram.n_rows == 72
