"""Annotation labels are drawn on their spans: text in the tier's colour inside the span,
near its top, nothing outside it, the same pixel size at any zoom; a narrow span's label
runs on up to the next span, elided or hidden when there is no room (read back in pixels)."""

from __future__ import annotations

import numpy as np
import pytest

from sonolens.core.annotations import Annotation, AnnotationSet
from tests.qt.conftest import wait_settled, write_rich
from tests.qt.pixels import grab_rgb, plot_area, qimage_rgb, view_range

SPAN = (1.0, 2.0)  # s
TEXT_RGB = np.array([0x00, 0xE6, 0x76])  # the first tier's colour (#00e676)


def annotate(qtbot, window, label: str) -> None:
    annotations = AnnotationSet()
    annotations.add(Annotation(*SPAN, label, "calls"))
    window.document.set_annotations(annotations)
    wait_settled(qtbot, window)
    qtbot.wait(50)


def text_pixels(view, label_img, plain_img) -> np.ndarray:
    """(n, 2) row, column of pixels near the tier's colour that the label added."""
    near = np.abs(label_img.astype(int) - TEXT_RGB).max(axis=2) < 60
    was = np.abs(plain_img.astype(int) - TEXT_RGB).max(axis=2) < 60
    return np.argwhere(near & ~was)


@pytest.fixture
def window(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    window.resize(1100, 800)
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=3.0))
    wait_settled(qtbot, window)
    return window


def grab_pair(qtbot, window, view, label: str):
    annotate(qtbot, window, "")
    plain = grab_rgb(view)
    annotate(qtbot, window, label)
    return grab_rgb(view), plain


@pytest.mark.parametrize("which", ["spectrogram_view", "waveform"])
def test_label_drawn_inside_its_span_at_the_same_size_at_any_zoom(qtbot, window, which):
    view = getattr(window, which)
    sizes = []
    for t0, t1 in ((0.0, 3.0), (0.7, 2.3), (0.95, 2.05)):
        window.spectrogram_view.plot.setXRange(t0, t1, padding=0)
        labelled, plain = grab_pair(qtbot, window, view, "WWW")
        area = plot_area(view)
        (v0, v1), _ = view_range(view)
        assert abs(v0 - t0) < 1e-6 and abs(v1 - t1) < 1e-6
        xa, xb = area.x_of(np.array(SPAN), v0, v1)
        pixels = text_pixels(view, labelled, plain)
        assert len(pixels) > 20, "no text in the tier's colour"
        rows, cols = pixels[:, 0], pixels[:, 1]
        assert cols.min() >= xa - 1 and cols.max() <= xb + 1, "text outside the span"
        assert rows.min() >= area.top - 1 and rows.max() <= area.top + 20, "not near the top"
        changed = np.abs(labelled.astype(int) - plain).max(axis=2) > 0
        outside = np.ones(labelled.shape[1], dtype=bool)
        outside[int(np.floor(xa)) - 1:int(np.ceil(xb)) + 2] = False
        assert not changed[:, outside].any(), "something drawn outside the span"
        sizes.append((cols.max() - cols.min(), rows.max() - rows.min(), len(pixels)))
    widths, heights, counts = np.array(sizes).T
    assert widths.max() - widths.min() <= 1 and heights.max() - heights.min() <= 1, sizes
    assert counts.max() - counts.min() <= 0.1 * counts.max(), sizes


def test_a_narrow_span_elides_its_label_or_hides_it(qtbot, window):
    view = window.spectrogram_view
    long_label = "a long label that cannot fit in this span"
    window.spectrogram_view.plot.setXRange(0.0, 3.0, padding=0)
    labelled, plain = grab_pair(qtbot, window, view, long_label)
    area = plot_area(view)
    (v0, v1), _ = view_range(view)
    xa, xb = area.x_of(np.array(SPAN), v0, v1)
    pixels = text_pixels(view, labelled, plain)
    # alone, the label may run on past the span's end, but at most 160 px from its start
    assert len(pixels) > 20 and pixels[:, 1].max() <= max(xb, xa + 160) + 1
    window.spectrogram_view.plot.setXRange(0.0, 300.0, padding=0)  # span ~3 px wide
    images = []
    for label in ("", "WWW"):
        neighbours = AnnotationSet()
        neighbours.add(Annotation(*SPAN, label, "calls"))
        neighbours.add(Annotation(3.0, 4.0, "", "calls"))  # starts ~3 px after its end
        window.document.set_annotations(neighbours)
        wait_settled(qtbot, window)
        qtbot.wait(50)
        images.append(grab_rgb(view))
    plain, labelled = images
    assert len(text_pixels(view, labelled, plain)) == 0, "text in a span too narrow for it"


def test_a_narrow_span_label_stops_at_the_next_span(qtbot, window):
    view = window.spectrogram_view
    window.spectrogram_view.plot.setXRange(0.0, 30.0, padding=0)  # SPAN ~30 px wide
    images = []
    for label in ("", "WWWWWWWWWWWW"):
        annotations = AnnotationSet()
        annotations.add(Annotation(*SPAN, label, "calls"))
        annotations.add(Annotation(3.0, 4.0, "", "calls"))
        window.document.set_annotations(annotations)
        wait_settled(qtbot, window)
        qtbot.wait(50)
        images.append(grab_rgb(view))
    area = plot_area(view)
    (v0, v1), _ = view_range(view)
    _xa, xb = area.x_of(np.array(SPAN), v0, v1)
    next_start = area.x_of(np.array([3.0]), v0, v1)[0]
    cols = text_pixels(view, images[1], images[0])[:, 1]
    assert len(cols) > 20, "no label"
    assert cols.max() > xb + 3, "the label did not use the room after its span"
    assert cols.max() < next_start, "the label runs into the next span"


def test_a_point_label_stays_inside_the_plot(qtbot, window):
    view = window.spectrogram_view
    window.spectrogram_view.plot.setXRange(0.0, 3.0, padding=0)
    images = []
    for label in ("", "WWWWWWWW"):
        annotations = AnnotationSet()
        annotations.add(Annotation(2.85, 2.85, label, "events"))  # ~40 px from the edge
        window.document.set_annotations(annotations)
        wait_settled(qtbot, window)
        qtbot.wait(50)
        images.append(grab_rgb(view))
    plain, labelled = images
    area = plot_area(view)
    changed = np.abs(labelled.astype(int) - plain).max(axis=2) > 0
    cols = np.flatnonzero(changed.any(axis=0))
    assert len(cols) > 0, "no label drawn"
    assert cols.max() <= area.right + 1, "the label spills out of the plot"


@pytest.mark.parametrize(("right", "label"), [
    (300.0, "call 17 (long)"),
    (120.0, "call 17, a label far too long for the room it has on this span"),
])
def test_label_pixels_equal_qt_text_drawn_in_its_box(qtbot, right, label):
    """paint_labels (laid-out texts, kept between paints) draws what QPainter.drawText
    draws in the label's box: the strip from the span's start + PAD_PX, one text line
    high, 1 px below its top, the text (elided to the room when needed) 1 px in."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPen

    from sonolens.ui.views.span_labels import (
        BACKING,
        PAD_PX,
        POINT_PX,
        label_font,
        paint_labels,
    )

    def image() -> QImage:
        out = QImage(400, 60, QImage.Format.Format_RGB32)
        out.fill(QColor(30, 60, 90))
        return out

    ink = QColor("#00e676")
    for ours in (image(), image()):  # the second paint uses the kept layout
        painter = QPainter(ours)
        paint_labels(painter, np.array([[20.0, right, 5.0, 55.0]]), np.array([label]), ink,
                     400.0)
        painter.end()
    font = label_font()
    metrics = QFontMetrics(font)
    room_right = max(right, 20 + POINT_PX)  # a label may run on past a narrow span
    room = int(room_right - (20 + PAD_PX) - PAD_PX)
    text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, room)
    assert (text == label) == (right == 300.0)
    box = QRectF(20 + PAD_PX, 6, metrics.horizontalAdvance(text) + 2, metrics.height())
    theirs = image()
    painter = QPainter(theirs)
    painter.setClipRect(QRectF(20, 5, room_right - 20, 50))
    painter.setFont(font)
    painter.fillRect(box, BACKING)
    painter.setPen(QPen(ink))
    painter.drawText(box.adjusted(1, 0, 0, 0), Qt.AlignmentFlag.AlignLeft
                     | Qt.AlignmentFlag.AlignVCenter, text)
    painter.end()
    a, b = (qimage_rgb(x).astype(int) for x in (ours, theirs))
    lit = np.abs(b - np.array([0x00, 0xE6, 0x76])).max(axis=2) < 90
    assert lit.sum() > 20  # there is text to compare
    assert (np.abs(a - b).max(axis=2) > 64).sum() <= 0.02 * lit.sum()

