"""Annotations in the window: File > Import Annotations draws a label file's spans, boxes
and points over the waveform and the spectrogram (read back in pixels); File > Export >
Annotations writes them again; a malformed file is one message naming file and line."""

from __future__ import annotations

import numpy as np
import pytest

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.export.labels import formats, read_labels, write_labels
from tests.qt.conftest import wait_settled, write_rich
from tests.qt.pixels import grab_rgb, plot_area, view_range

SPAN = (0.6, 1.2)  # s, a word on the waveform, full height everywhere
BOX = (1.6, 2.4, 3000.0, 6000.0)  # s, s, Hz, Hz: a call in a band
POINT = 0.3  # s


def labels(path):
    if "raven" not in formats():
        pytest.skip("the Raven format is not in this build")
    annotations = AnnotationSet()
    annotations.add(Annotation(*SPAN, "word", "words"))
    annotations.add(Annotation(BOX[0], BOX[1], "call", "calls", BOX[2], BOX[3]))
    annotations.add(Annotation(POINT, POINT, "click", "events"))
    return write_labels(annotations, path, "raven"), annotations


@pytest.fixture
def window(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=3.0))
    wait_settled(qtbot, window)
    return window


def changed_share(before, after, rows, cols) -> np.ndarray:
    """Per column: the share of ``rows`` whose colour changed."""
    diff = np.abs(after[np.ix_(rows, cols)].astype(int) - before[np.ix_(rows, cols)]).max(axis=2)
    return (diff > 6).mean(axis=0)


def test_imported_annotations_are_drawn_where_they_are(qtbot, window, tmp_path):
    path, _annotations = labels(tmp_path / "labels.selections.txt")
    spec, wave = window.spectrogram_view, window.waveform
    spec_before, wave_before = grab_rgb(spec), grab_rgb(wave)
    with qtbot.waitSignal(window.annotation_files.loaded, timeout=10000):
        window.annotation_files.import_from(path)
    wait_settled(qtbot, window)
    assert len(window.document.annotations.annotations) == 3
    for view, before in ((wave, wave_before), (spec, spec_before)):
        after, area = grab_rgb(view), plot_area(view)
        (t0, t1), _ = view_range(view)
        cols = area.columns(3)
        x = cols + 0.5
        rows = area.rows(3)
        rows = rows[rows > area.top + 32]  # under the labels (test_annotation_labels)
        share = changed_share(before, after, rows, cols)
        x0, x1 = area.x_of(np.array(SPAN), t0, t1)
        inside = (x > x0 + 2) & (x < x1 - 2)
        assert share[inside].min() > 0.9, "the span is not tinted over the full height"
        xp = area.x_of(POINT, t0, t1)
        assert share[np.abs(x - xp) <= 1].max() > 0.9, "no line at the point"
        marks = [SPAN, (BOX[0], BOX[1]), (POINT, POINT)]
        far = np.ones(len(x), dtype=bool)
        for a, b in marks:
            xa, xb = area.x_of(np.array([a, b]), t0, t1)
            far &= (x < xa - 3) | (x > xb + 3)
        assert share[far].max() < 0.02, "something drawn away from the annotations"
    # the box: tinted inside its band only (linear axis 0 .. Nyquist, computed here)
    after, area = grab_rgb(spec), plot_area(spec)
    (t0, t1), (f0, f1) = view_range(spec)
    cols = area.columns(3)
    x = cols + 0.5
    xa, xb = area.x_of(np.array(BOX[:2]), t0, t1)
    within = cols[(x > xa + 2) & (x < xb - 2)]
    y_hi, y_lo = area.y_of(np.array([BOX[3], BOX[2]]), f0, f1)  # top edge, bottom edge
    band = np.arange(int(np.ceil(y_hi)) + 2, int(np.floor(y_lo)) - 2)
    outside = np.concatenate([np.arange(int(area.top) + 3, int(y_hi) - 3),
                              np.arange(int(y_lo) + 3, int(area.bottom) - 3)])
    assert changed_share(spec_before, after, band, within).min() > 0.9
    assert changed_share(spec_before, after, outside, within).max() < 0.02
    assert {"words", "calls", "events"} <= set(spec.legend.names)


def test_exported_annotations_read_back(qtbot, window, tmp_path):
    path, annotations = labels(tmp_path / "in.selections.txt")
    with qtbot.waitSignal(window.annotation_files.loaded, timeout=10000):
        window.annotation_files.import_from(path)
    out = tmp_path / "out.selections.txt"
    with qtbot.waitSignal(window.annotation_files.saved, timeout=10000):
        window.annotation_files.export_to(out, "raven")
    back, fmt = read_labels(out)
    assert fmt.name == "raven"
    key = lambda a: (a.start, a.end, a.label, a.tier, a.low_hz, a.high_hz)  # noqa: E731
    assert sorted(map(key, back.annotations)) == sorted(map(key, annotations.annotations))


def test_a_malformed_file_is_one_message_and_keeps_what_is_there(qtbot, window, tmp_path):
    path, _ = labels(tmp_path / "good.selections.txt")
    with qtbot.waitSignal(window.annotation_files.loaded, timeout=10000):
        window.annotation_files.import_from(path)
    bad = tmp_path / "labels.txt"
    bad.write_text("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\n"
                   "1\tSpectrogram 1\t1\tabc\t2.0\n", encoding="utf-8")
    with qtbot.waitSignal(window.annotation_files.failed, timeout=10000) as blocker:
        window.annotation_files.import_from(bad)
    _title, message = blocker.args
    assert message.startswith("labels.txt:2:") and "\n" not in message
    assert len(window.document.annotations.annotations) == 3  # nothing lost
