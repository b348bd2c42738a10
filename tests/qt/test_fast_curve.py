"""FastCurve: the lean curve item the time views redraw at every pan/zoom frame."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from sonolens.ui.views.fast_curve import FastCurve


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    widget.setBackground("k")
    qtbot.addWidget(widget)
    widget.resize(400, 200)
    widget.show()
    qtbot.waitExposed(widget)
    widget.getPlotItem().hideAxis("left")
    widget.getPlotItem().hideAxis("bottom")
    return widget


def _lit_rows(widget) -> np.ndarray:
    """Rows of the rendered viewport holding any non-black pixel."""
    image = widget.viewport().grab().toImage().convertToFormat(
        pg.QtGui.QImage.Format.Format_RGB32)
    pixels = pg.functions.ndarray_from_qimage(image)[..., :3]
    return np.flatnonzero(pixels.max(axis=(1, 2)) > 0)


def test_lean_set_data_keeps_arrays_connect_and_box() -> None:
    curve = FastCurve(pen=pg.mkPen("w"))
    x = np.array([0.0, 1.0, 2.0, 3.0])
    curve.setData(x, np.array([0.5, -1.0, 2.0, 0.0]), connect="pairs")
    assert curve.xData.dtype == np.float64 and np.array_equal(curve.xData, x)
    assert curve.opts["connect"] == "pairs"
    box = curve.boundingRect()
    assert box.left() == pytest.approx(0.0, abs=1e-5)
    assert box.right() == pytest.approx(3.0, abs=1e-5)
    assert box.top() == pytest.approx(-1.0, abs=1e-5)
    assert box.bottom() == pytest.approx(2.0, abs=1e-5)
    curve.setData(x, np.array([1.0, np.nan, 3.0, 2.0]))
    assert curve.opts["connect"] == "pairs"  # kept until given again
    assert curve.boundingRect().bottom() == pytest.approx(3.0, abs=1e-5)
    curve.setData(np.array([]), np.array([]))
    assert curve.boundingRect().isNull()
    with pytest.raises(ValueError):
        curve.setData(x, np.zeros(3))


def test_box_survives_pan_and_zoom(plot) -> None:
    curve = FastCurve(pen=pg.mkPen("w"))
    plot.addItem(curve)
    curve.setData(np.linspace(0, 10, 50), np.sin(np.linspace(0, 10, 50)))
    before = curve.boundingRect()
    plot.setXRange(2, 4, padding=0)
    plot.setXRange(-5, 20, padding=0)
    assert curve.boundingRect() == before


def test_flat_line_and_single_point_are_drawn(plot) -> None:
    """A zero-height box would meet no exposed area and Qt would skip the item."""
    curve = FastCurve(pen=pg.mkPen("w", width=1))
    plot.addItem(curve)
    plot.setXRange(0, 10, padding=0)
    plot.setYRange(-1, 1, padding=0)
    curve.setData(np.linspace(1, 9, 20), np.zeros(20))
    assert not curve.boundingRect().isEmpty()
    plot.viewport().repaint()
    rows = _lit_rows(plot)
    assert len(rows) and abs(rows.mean() - plot.viewport().height() / 2) < 3

    curve.setData(np.array([5.0, 5.0]), np.array([0.5, 0.5]))  # one point, twice
    assert not curve.boundingRect().isEmpty()


def test_legend_and_theme_pen_still_work(plot) -> None:
    legend = plot.addLegend()
    curve = FastCurve(pen=pg.mkPen("#ff0000"), name="RMS")
    plot.addItem(curve)
    assert [label.text for _, label in legend.items] == ["RMS"]
    curve.setPen(pg.mkPen("#00ff00", width=1))
    assert curve.opts["pen"].color().name() == "#00ff00"


def _lit_columns(widget) -> np.ndarray:
    image = widget.viewport().grab().toImage().convertToFormat(
        pg.QtGui.QImage.Format.Format_RGB32)
    pixels = pg.functions.ndarray_from_qimage(image)[..., :3]
    return np.flatnonzero(pixels.max(axis=(0, 2)) > 0)


def test_nan_and_inf_leave_gaps_and_stay_out_of_the_box(plot) -> None:
    """As PlotDataItem did: no line across missing values, and a finite box."""
    curve = FastCurve(pen=pg.mkPen("w", width=1))
    plot.addItem(curve)
    plot.setXRange(0, 10, padding=0)
    plot.setYRange(0, 4, padding=0)
    y = np.array([1.0, 1, 1, 1, np.nan, np.inf, np.nan, 3, 3, 3, 3])
    curve.setData(np.arange(11.0), y)
    box = curve.boundingRect()
    assert np.isfinite([box.top(), box.bottom(), box.left(), box.right()]).all()
    assert box.bottom() == pytest.approx(3.0, abs=1e-5)
    plot.viewport().repaint()
    columns = _lit_columns(plot)
    width = plot.viewport().width()
    gap = (columns > width * 3.3 / 10) & (columns < width * 6.7 / 10)
    assert len(columns) and not gap.any()
    curve.setData(np.array([np.nan, np.nan]), np.array([1.0, 2.0]))
    assert curve.boundingRect().isNull()
