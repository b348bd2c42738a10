"""TextCachedAxis draws what pyqtgraph's AxisItem draws, from cached label layouts."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFont, QImage

from sonolens.ui.views.text_axis import TextCachedAxis
from sonolens.ui.views.time_axis import TimeAxis


def _plot(qtbot, axis_cls, orientation: str, points: int | None = None) -> pg.PlotWidget:
    widget = pg.PlotWidget(axisItems={orientation: axis_cls(orientation)})
    widget.setBackground("k")
    widget.getPlotItem().showAxis(orientation)
    if points is not None:
        widget.getPlotItem().getAxis(orientation).setTickFont(QFont("DejaVu Sans", points))
    qtbot.addWidget(widget)
    widget.resize(500, 300)
    widget.show()
    qtbot.waitExposed(widget)
    axis = widget.getPlotItem().getAxis(orientation)
    settled = [None, 0]  # the plot lays out its axes: wait until its rect holds still
    def laid_out() -> bool:
        rect = axis.sceneBoundingRect()
        same = rect == settled[0]
        settled[0], settled[1] = rect, settled[1] + 1 if same else 0
        return settled[1] >= 3
    qtbot.waitUntil(laid_out, timeout=5000)
    return widget


def _axis_pixels(widget: pg.PlotWidget, orientation: str) -> np.ndarray:
    axis = widget.getPlotItem().getAxis(orientation)
    rect = widget.mapFromScene(axis.sceneBoundingRect()).boundingRect()
    image = widget.grab(rect).toImage().convertToFormat(QImage.Format.Format_RGB32)
    return pg.functions.ndarray_from_qimage(image)[..., :3].astype(int).copy()


@pytest.mark.parametrize(("orientation", "plain", "cached", "points"), [
    ("bottom", pg.AxisItem, TextCachedAxis, None),
    ("left", pg.AxisItem, TextCachedAxis, None),
    ("left", pg.AxisItem, TextCachedAxis, 14),  # labels centred on their ticks
    ("right", pg.AxisItem, TextCachedAxis, 16),
    ("top", pg.AxisItem, TextCachedAxis, 14),  # labels sitting on the axis line
    ("bottom", None, TimeAxis, None),
])
def test_same_drawing_as_pyqtgraph(qtbot, orientation, plain, cached, points) -> None:
    if plain is None:  # TimeAxis against the same axis drawn the pyqtgraph way
        class plain(TimeAxis):
            paint = pg.AxisItem.paint
    widgets = [_plot(qtbot, cls, orientation, points) for cls in (plain, cached)]
    for x0, x1 in ((0.0, 10.0), (125.0, 131.5), (3599.0, 3720.0)):
        for widget in widgets:
            widget.setXRange(x0, x1, padding=0)
            widget.setYRange(x0, x1, padding=0)
        theirs, ours = (_axis_pixels(w, orientation) for w in widgets)
        assert theirs.shape == ours.shape
        ink = (theirs > 100).any(axis=2)
        assert ink.sum() > 50  # there are labels and ticks to compare
        differs = (np.abs(theirs - ours).max(axis=2) > 64)
        assert differs.sum() <= 0.01 * ink.sum(), (x0, x1, differs.sum(), ink.sum())


def test_labels_follow_the_range_and_the_cache_stays_bounded(qtbot) -> None:
    widget = _plot(qtbot, TextCachedAxis, "bottom")
    axis = widget.getPlotItem().getAxis("bottom")
    shown = set()
    for start in range(0, 3000, 7):
        widget.setXRange(start, start + 10, padding=0)
        widget.viewport().repaint()
        shown.update(text for _, _, text in axis._specs[2])
    assert {"4", "10", "2990"} <= shown and len(shown) > 300
    assert len(axis._static) <= 512 and len(axis._text_sizes) <= 512


def test_a_value_axis_is_not_redrawn_by_a_time_pan_but_follows_its_range(qtbot) -> None:
    """Left axis: painted from its cached pixmap while only x moves (its paint is not
    called), redrawn when y changes; the pixels stay those of pyqtgraph's axis."""
    widgets = [_plot(qtbot, cls, "left") for cls in (pg.AxisItem, TextCachedAxis)]
    ours = widgets[1].getPlotItem().getAxis("left")
    calls = []
    paint = ours.paint
    ours.paint = lambda *args: (calls.append(1), paint(*args))[1]
    for widget in widgets:
        widget.setYRange(0.0, 10.0, padding=0)
    _axis_pixels(widgets[1], "left")
    calls.clear()
    for x0 in (0.0, 5.0, 50.0):
        for widget in widgets:
            widget.setXRange(x0, x0 + 3.0, padding=0)
        theirs, seen = (_axis_pixels(w, "left") for w in widgets)
        assert np.abs(theirs - seen).max(axis=2).__gt__(64).sum() <= 0.01 * (theirs > 100).sum()
    assert not calls  # x only: the cached pixmap
    for widget in widgets:
        widget.setYRange(125.0, 131.5, padding=0)
    theirs, seen = (_axis_pixels(w, "left") for w in widgets)
    assert calls  # y changed: drawn again, with the new labels
    ink = (theirs > 100).any(axis=2)
    assert (np.abs(theirs - seen).max(axis=2) > 64).sum() <= 0.01 * ink.sum()
