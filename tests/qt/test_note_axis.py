"""The note axis as seen: note names at the pixels librosa's note frequencies map to.

Each drawn label is read back (text and centre through item -> scene -> widget) and the
note it names is turned into Hz with ``librosa.note_to_hz`` (shifted by the reference
through ``librosa.A4_to_tuning``); its expected pixel comes from this file's own formula
for the scale (tests/qt/pixels.hz_to_axis: Hz, log10 Hz, Slaney mel) over the plot area.
Labels never overlap (their text boxes from the axis font's metrics); the tick marks sit
at the semitones; A4 = 432 Hz moves every label by the expected number of pixels.
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF

from sonolens.core.view_settings import ViewSettings
from tests.qt.pixels import (
    axis_labels,
    frequency_range,
    grab_rgb,
    hz_to_axis,
    open_window,
    plot_area,
    show_view,
    to_widget_point,
    wait_until,
    write_tones,
)

SR, N_FFT = 22050, 2048
TOLERANCE_PX = 1.5
ZOOMS = {"linear": (100.0, 1200.0), "log": (200.0, 420.0), "mel": (150.0, 700.0)}


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("note_axis")
    audio = write_tones(folder / "tones.wav", (261.63, 440.0), (0.3, 0.3), seconds=2.0, sr=SR)
    with open_window(folder / "settings" / "s.ini", audio,
                     ViewSettings(overlays=frozenset())) as window:
        yield window


def note_hz(name: str, a4: float = 440.0) -> float:
    return float(librosa.midi_to_hz(librosa.note_to_midi(name) + librosa.A4_to_tuning(a4)))


def shown(window, scale: str, zoom: tuple[float, float] | None, a4: float = 440.0):
    """Show the note axis on ``scale`` (optionally zoomed to ``zoom`` Hz), grab, and return
    (labels, plot area, (a0, a1) axis range from this file's formula)."""
    show_view(window, kind="db", freq_scale=scale, freq_axis="notes", a4=a4)
    view = window.spectrogram_view
    f0, f1 = zoom or frequency_range(scale, sr=SR, n_fft=N_FFT)
    a0, a1 = float(hz_to_axis(f0, scale)), float(hz_to_axis(f1, scale))
    if zoom:
        view.plot.setYRange(a0, a1, padding=0)
        wait_until(window.is_settled)
    grab_rgb(view)
    box_range = view.plot.getViewBox().viewRange()[1]
    assert box_range == pytest.approx([a0, a1], abs=1e-9 * max(1.0, abs(a1)))
    return axis_labels(view, view.axis), plot_area(view), (a0, a1)


def text_rects(window, labels) -> list[QRectF]:
    """Each label's text box (widget px) from the axis font: advance x line height."""
    metrics = QFontMetricsF(window.spectrogram_view.axis._font())
    return [QRectF(lb.x - metrics.horizontalAdvance(lb.text) / 2, lb.y - metrics.height() / 2,
                   metrics.horizontalAdvance(lb.text), metrics.height()) for lb in labels]


@pytest.mark.parametrize("zoomed", [False, True], ids=["whole", "zoomed"])
@pytest.mark.parametrize("scale", ["log", "mel", "linear"])
def test_note_labels_sit_at_their_notes_and_never_overlap(window, scale, zoomed):
    view = window.spectrogram_view
    try:
        labels, area, (a0, a1) = shown(window, scale, ZOOMS[scale] if zoomed else None)
    finally:
        view.viewbox.fit_y()
    texts = [lb.text for lb in labels]
    assert len(labels) >= 3, texts
    assert len(set(texts)) == len(texts), texts
    f0, f1 = (float(librosa.mel_to_hz(a)) if scale == "mel" else 10**a if scale == "log"
              else a for a in (a0, a1))
    for label in labels:
        hz = note_hz(label.text)
        assert f0 - 1e-6 <= hz <= f1 + 1e-6, (label.text, f0, f1)
        want = float(area.y_of(hz_to_axis(hz, scale), a0, a1))
        assert abs(label.y - want) <= TOLERANCE_PX, (
            f"{label.text!r} at y={label.y:.1f} px; {hz:.2f} Hz is at y={want:.1f} px")
    rects = text_rects(window, labels)
    for i, a in enumerate(rects):
        for j in range(i + 1, len(rects)):
            assert not a.intersects(rects[j]), f"{texts[i]!r} overlaps {texts[j]!r}"
    # every octave's C whose label fits is named (those crowded on a linear axis aside)
    height = QFontMetricsF(view.axis._font()).height()
    cs = [f"C{octave}" for octave in range(0, 10)]
    ys = {c: float(area.y_of(hz_to_axis(note_hz(c), scale), a0, a1)) for c in cs}
    fits = [c for c in cs if area.top + height / 2 <= ys[c] <= area.bottom - height / 2]
    roomy = [c for c in fits
             if all(abs(ys[c] - ys[d]) >= height + 1 for d in fits if d != c)]
    assert set(roomy) <= set(texts), (roomy, texts)
    if scale == "linear" and not zoomed:  # Cs crowd at the bottom: some left unnamed
        assert set(fits) - set(texts)


def test_semitones_are_named_where_there_is_room_and_ticked(window):
    view = window.spectrogram_view
    try:
        labels, area, (a0, a1) = shown(window, "log", ZOOMS["log"])
        ticks = [(to_widget_point(view, view.axis.mapToScene(p1)).y(),
                  to_widget_point(view, view.axis.mapToScene(p2)).y())
                 for _pen, p1, p2 in view.axis._specs[1]]
    finally:
        view.viewbox.fit_y()
    midi = np.arange(np.ceil(librosa.hz_to_midi(200.0)), np.floor(librosa.hz_to_midi(420.0)) + 1)
    semitone_px = area.height * np.log10(2 ** (1 / 12)) / (a1 - a0)
    assert semitone_px >= 14  # the zoom gives room for every semitone's name
    names = [librosa.midi_to_note(m, unicode=False) for m in midi]
    want_y = area.y_of(np.log10(librosa.midi_to_hz(midi)), a0, a1)
    half = QFontMetricsF(view.axis._font()).height() / 2  # a label fits this far inside
    inside = (want_y >= area.top + half) & (want_y <= area.bottom - half)
    texts = [lb.text for lb in labels]
    required = {n for n, ok in zip(names, inside, strict=True) if ok}
    assert len(required) >= 10
    assert required <= set(texts) <= set(names), (sorted(required), texts)
    tick_y = sorted(y0 for y0, y1 in ticks if abs(y0 - y1) < 0.5)  # horizontal marks
    assert len(tick_y) == len(midi)
    np.testing.assert_allclose(tick_y, np.sort(want_y), atol=TOLERANCE_PX)


def test_a4_432_moves_every_label_by_the_expected_pixels(window):
    view = window.spectrogram_view
    try:
        at440, area, (a0, a1) = shown(window, "log", ZOOMS["log"], a4=440.0)
        at432, _, _ = shown(window, "log", ZOOMS["log"], a4=432.0)
        title = view.axis.labelText
    finally:
        show_view(window, a4=440.0)
        view.viewbox.fit_y()
    assert title == "Note (A4 = 432 Hz)"
    shift = area.height * np.log10(440.0 / 432.0) / (a1 - a0)  # lower notes: further down
    assert shift > 5
    y440, y432 = ({lb.text: lb.y for lb in at440}, {lb.text: lb.y for lb in at432})
    common = set(y440) & set(y432)
    assert len(common) >= 8
    for name in common:
        assert y432[name] - y440[name] == pytest.approx(shift, abs=TOLERANCE_PX), name


def test_hz_axis_is_back_when_the_option_is_off(window):
    show_view(window, freq_scale="log", freq_axis="hz")
    view = window.spectrogram_view
    grab_rgb(view)
    texts = [lb.text for lb in axis_labels(view, view.axis)]
    assert "1k" in texts and not any(t.startswith("C") for t in texts)
    assert view.axis.labelText == "Frequency (Hz)"


def test_readout_names_the_note_under_the_mouse_at_the_reference(window):
    from PySide6.QtCore import QPointF

    view = window.spectrogram_view
    show_view(window, freq_scale="log", freq_axis="notes", a4=440.0)
    hz = 1234.0
    midi = float(librosa.hz_to_midi(hz))
    note = librosa.midi_to_note(round(midi), unicode=False)
    cents = round(100 * (midi - round(midi)))
    y = float(np.log10(hz))
    text = window.readout.update_from_scene(view, view.viewbox.mapViewToScene(QPointF(1.0, y)))
    assert f"{note} {cents:+d} c" in text, text
    show_view(window, a4=432.0)
    midi432 = midi - float(librosa.A4_to_tuning(432.0))
    cents432 = round(100 * (midi432 - round(midi432)))
    text = window.readout.update_from_scene(view, view.viewbox.mapViewToScene(QPointF(1.0, y)))
    show_view(window, a4=440.0, freq_axis="hz")
    name432 = librosa.midi_to_note(round(midi432), unicode=False)
    assert f"{name432} {cents432:+d} c" in text, text


def test_settings_panel_turns_the_note_axis_on_with_its_reference(window, qtbot):
    from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

    panel = window.settings_panel
    show_view(window, freq_scale="log", freq_axis="hz", a4=440.0)
    window.settings_panel.set_values(window.document.params, window.document.view)
    combo = panel.findChild(QComboBox, "freq_axis")
    spin = panel.findChild(QDoubleSpinBox, "a4")
    assert (spin.minimum(), spin.maximum(), spin.value()) == (400.0, 480.0, 440.0)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Hz", "Notes"]
    try:
        combo.setCurrentIndex(combo.findData("notes"))
        spin.selectAll()
        qtbot.keyClicks(spin, "442")
        qtbot.waitUntil(lambda: window.document.view.a4 == 442.0, timeout=3000)
        wait_until(window.is_settled)
        view = window.spectrogram_view
        grab_rgb(view)
        texts = [lb.text for lb in axis_labels(view, view.axis)]
        assert window.document.view.freq_axis == "notes"
        assert {"C3", "C4", "C5", "C6"} <= set(texts), texts
        assert view.axis.labelText == "Note (A4 = 442 Hz)"
    finally:
        show_view(window, freq_axis="hz", a4=440.0)
        panel.set_values(window.document.params, window.document.view)
