"""Reading what is seen, for the tests that check it: pixels of grabbed views and PNGs,
axis labels at the pixels where they are drawn, colormap tables, and the expectations
these tests compare them with, computed here with numpy/librosa.

Nothing here goes through the app's mapping helpers (FrequencyScale, RowMap, format_hz,
TimeAxis.tickStrings, a view's ``scale``): positions come from Qt's own item -> scene ->
widget transforms, label values from the label text, expected rows and colours from the
formulas below. Qt is imported inside the functions that need it.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# -- geometry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PixelRect:
    """A rectangle in image pixel coordinates (float; pixel (row r, column c) covers
    [c, c+1) x [r, r+1)), e.g. a plot area. ``y`` grows downwards, as in the image."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x_of(self, value: float | np.ndarray, v0: float, v1: float) -> np.ndarray:
        """Pixel x of ``value`` on an axis showing [v0, v1] left to right."""
        return self.left + (np.asarray(value, dtype=float) - v0) / (v1 - v0) * self.width

    def y_of(self, value: float | np.ndarray, v0: float, v1: float) -> np.ndarray:
        """Pixel y of ``value`` on an axis showing [v0, v1] bottom to top."""
        return self.top + (v1 - np.asarray(value, dtype=float)) / (v1 - v0) * self.height

    def value_at_x(self, x: float | np.ndarray, v0: float, v1: float) -> np.ndarray:
        """The value at pixel x on an axis showing [v0, v1] left to right."""
        return v0 + (np.asarray(x, dtype=float) - self.left) / self.width * (v1 - v0)

    def inner(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) of the pixels wholly inside (right, bottom exclusive),
        for slicing a grabbed image."""
        return (math.ceil(self.left - 1e-6), math.ceil(self.top - 1e-6),
                math.floor(self.right + 1e-6), math.floor(self.bottom + 1e-6))

    def columns(self, margin: int = 1) -> np.ndarray:
        """Indices of the pixel columns wholly inside, ``margin`` px in from each side."""
        return np.arange(math.ceil(self.left) + margin, math.floor(self.right) - margin)

    def rows(self, margin: int = 1) -> np.ndarray:
        """Indices of the pixel rows wholly inside, ``margin`` px in from each side."""
        return np.arange(math.ceil(self.top) + margin, math.floor(self.bottom) - margin)


def to_widget_rect(view, rect):
    """QRectF in scene coordinates -> QRectF in ``view``'s (a QGraphicsView) widget pixels."""
    mapped = view.viewportTransform().mapRect(rect)
    return mapped.translated(view.viewport().pos())


def to_widget_point(view, point):
    """QPointF in scene coordinates -> QPointF in ``view``'s widget pixels."""
    from PySide6.QtCore import QPointF

    mapped = view.viewportTransform().map(point)
    offset = view.viewport().pos()
    return QPointF(mapped.x() + offset.x(), mapped.y() + offset.y())


def plot_area(view) -> PixelRect:
    """The plot area (the ViewBox's rectangle) of a pyqtgraph view widget, in widget px."""
    box = view.plot.getViewBox()
    rect = to_widget_rect(view, box.mapRectToScene(box.rect()))
    return PixelRect(rect.left(), rect.top(), rect.width(), rect.height())


def view_range(view) -> tuple[tuple[float, float], tuple[float, float]]:
    """((x0, x1), (y0, y1)) the view's ViewBox shows."""
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    return (float(x0), float(x1)), (float(y0), float(y1))


def covered(view, rows: np.ndarray, cols: np.ndarray, *, margin: float = 2.0) -> np.ndarray:
    """(len(rows), len(cols)) bool: pixels of ``view`` that something other than the data
    may cover (``margin`` px around it): visible legend boxes, cursor lines and selection
    regions, and the tick marks the axes draw into the plot. Tests skip those pixels,
    wherever these things are placed. Grab the view first (axes report their last paint)."""
    import pyqtgraph as pg
    from PySide6.QtCore import QRectF

    boxes = []
    for item in view.scene().items():
        if (isinstance(item, pg.LegendItem | pg.InfiniteLine | pg.LinearRegionItem)
                and item.isVisible()):
            boxes.append(item.sceneBoundingRect())
    for name in ("left", "bottom", "right", "top"):
        axis = view.plot.getAxis(name)
        if axis.isVisible() and getattr(axis, "_specs", None) is not None:
            for _pen, p1, p2 in axis._specs[1]:
                a, b = axis.mapToScene(p1), axis.mapToScene(p2)
                boxes.append(QRectF(a, b).normalized())
    mask = np.zeros((len(rows), len(cols)), dtype=bool)
    for scene_box in boxes:
        box = to_widget_rect(view, scene_box)
        inside_rows = (rows + 1 > box.top() - margin) & (rows < box.bottom() + margin)
        inside_cols = (cols + 1 > box.left() - margin) & (cols < box.right() + margin)
        mask |= inside_rows[:, None] & inside_cols[None, :]
    return mask


@dataclass(frozen=True)
class Label:
    """One drawn tick label: its text and the centre of its text box in widget pixels."""

    text: str
    x: float
    y: float


def axis_labels(view, axis) -> list[Label]:
    """The labels ``axis`` draws (grab the view first), with the centre of each label's
    box mapped to ``view``'s widget pixels (item -> scene -> widget). A TextCachedAxis
    keeps what it drew at its last paint; a plain pyqtgraph AxisItem is asked for the
    same draw specs its paint uses."""
    specs = getattr(axis, "_specs", None)
    if specs is None:
        from PySide6.QtGui import QPainter, QPicture

        picture = QPicture()
        painter = QPainter(picture)
        try:
            specs = axis.generateDrawSpecs(painter)
        finally:
            painter.end()
    assert specs is not None, "the axis has not been painted: grab the view first"
    labels = []
    for rect, _flags, text in specs[2]:
        centre = to_widget_point(view, axis.mapToScene(rect.center()))
        labels.append(Label(str(text), centre.x(), centre.y()))
    return labels


def pen_rgb(curve) -> np.ndarray:
    """(3,) int colour of a curve's line: a pyqtgraph curve item's pen, or the pen of the
    ``line`` item of a curve made of several items."""
    colour = getattr(curve, "line", curve).opts["pen"].color()
    return np.array([colour.red(), colour.green(), colour.blue()])


# -- pixels ----------------------------------------------------------------------------------


def qimage_rgb(image) -> np.ndarray:
    """(height, width, 3) uint8 copy of a QImage's pixels."""
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return rows.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def grab_rgb(widget) -> np.ndarray:
    """What ``widget`` shows, (height, width, 3) uint8 (one pixel per device pixel)."""
    pixmap = widget.grab()
    assert pixmap.devicePixelRatio() == 1.0, "these tests assume a device pixel ratio of 1"
    return qimage_rgb(pixmap.toImage())


def png_rgb(data: bytes | Path) -> np.ndarray:
    """(height, width, 3) uint8 pixels of PNG bytes or a PNG file."""
    from PySide6.QtGui import QImage

    image = QImage()
    raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    assert image.loadFromData(raw, "PNG"), "not a decodable PNG"
    return qimage_rgb(image)


# -- colormaps -------------------------------------------------------------------------------


def colormap_table(name: str) -> np.ndarray:
    """The 256-colour table (256, 3) uint8 a colormap name stands for, taken from sources
    other than the app's: pyqtgraph's bundled maps (magma, inferno, viridis), a numpy ramp
    (gray) and matplotlib's coolwarm as the ``cmap`` package ships it."""
    if name == "gray":
        ramp = np.arange(256, dtype=np.uint8)
        return np.stack([ramp, ramp, ramp], axis=1)
    if name == "coolwarm":
        from cmap import Colormap

        lut = Colormap("matplotlib:coolwarm").lut(256)[:, :3]
        return np.clip(np.rint(lut * 255), 0, 255).astype(np.uint8)
    import pyqtgraph as pg

    table = pg.colormap.get(name).getLookupTable(0.0, 1.0, 256, alpha=False)
    return np.asarray(table, dtype=np.uint8)


def level_index(level: np.ndarray | float, n: int = 256) -> np.ndarray:
    """Table index of levels in [0, 1] (beyond: clipped): floor(level * n), the last
    entry for level 1 (the convention of an image's levels mapped onto a lookup table)."""
    return np.clip(np.floor(np.asarray(level, dtype=float) * n), 0, n - 1).astype(int)


def table_index(pixels: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pixel (..., 3) the index of the nearest table colour and its distance
    (max over R, G, B); a pixel of another colour has a large distance."""
    flat = pixels.reshape(-1, 3).astype(np.int32)
    packed = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    unique, inverse = np.unique(packed, return_inverse=True)
    colours = np.stack([(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1)
    diff = np.abs(colours[:, None, :] - table[None, :, :].astype(np.int32)).max(axis=2)
    # ties (a colour twice in the table): the first such entry
    best = diff.argmin(axis=1)
    dist = diff[np.arange(len(unique)), best]
    shape = pixels.shape[:-1]
    return best[inverse].reshape(shape), dist[inverse].reshape(shape)


def data_region(pixels: np.ndarray, table: np.ndarray) -> PixelRect:
    """Where a picture (e.g. a rendered PNG, no widget to ask) shows its data image: the
    widest run of columns mostly made of ``table``'s colours (a colorbar beside it is
    narrower), and within it the run of rows that are. Backgrounds, axes and text are not
    colours of the table."""
    _, dist = table_index(pixels, table)
    on = dist <= 2

    def widest_run(mask: np.ndarray) -> tuple[int, int]:
        edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
        starts, stops = edges[0::2], edges[1::2]
        assert len(starts), "no region of the colormap's colours"
        k = int(np.argmax(stops - starts))
        return int(starts[k]), int(stops[k])

    fraction = on.mean(axis=0)
    c0, c1 = widest_run(fraction >= 0.5 * fraction.max())
    r0, r1 = widest_run(on[:, c0:c1].mean(axis=1) >= 0.9)
    return PixelRect(float(c0), float(r0), float(c1 - c0), float(r1 - r0))


# -- expectations: frequencies and times -----------------------------------------------------


def hz_to_axis(hz: np.ndarray | float, scale: str) -> np.ndarray:
    """Axis coordinate of frequencies on a linear, log10 or (Slaney) mel axis."""
    import librosa

    f = np.asarray(hz, dtype=float)
    if scale == "linear":
        return f
    if scale == "log":
        return np.log10(f)
    return np.asarray(librosa.hz_to_mel(f, htk=False), dtype=float)


def frequency_range(scale: str, *, sr: float, n_fft: int) -> tuple[float, float]:
    """(fmin, fmax) Hz of the whole frequency axis: 0 to Nyquist; a log axis starts at
    the first FFT bin above 0 Hz (sr / n_fft), where a log axis can start."""
    return (sr / n_fft if scale == "log" else 0.0), sr / 2


def parse_hz(text: str) -> float:
    """A frequency label ("0", "62.5", "500", "1k", "2.5k", "10 kHz", "500 Hz") in Hz."""
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(k)?\s*(?:Hz)?\s*", text)
    assert match, f"not a frequency label: {text!r}"
    return float(match.group(1)) * (1000.0 if match.group(2) else 1.0)


def parse_clock(text: str) -> float:
    """A time label ("1.25", "1:05", "1:05.5", "1:00:05") in seconds."""
    match = re.fullmatch(r"\s*(-)?(?:(\d+):)??(?:(\d+):)?(\d+(?:\.\d+)?)\s*", text)
    assert match, f"not a time label: {text!r}"
    sign, hours, minutes, seconds = match.groups()
    value = float(seconds) + 60 * int(minutes or 0) + 3600 * int(hours or 0)
    return -value if sign else value


def clock_fields(text: str) -> int:
    """How many ':'-separated fields a time label has (1: s, 2: m:ss, 3: h:mm:ss)."""
    return text.count(":") + 1


def source_spacing_hz(kind: str, hz: float, *, sr: int = 22050, n_fft: int = 2048,
                      n_mels: int = 128) -> float:
    """Distance (Hz) between the spectrogram's rows around ``hz``: FFT bins, or mel bands
    (librosa's mel band centres, for the ``mel_db`` kind)."""
    import librosa

    if kind != "mel_db":
        return sr / n_fft
    centres = librosa.mel_frequencies(n_mels + 2, fmin=0.0, fmax=sr / 2, htk=False)[1:-1]
    k = int(np.clip(np.searchsorted(centres, hz), 1, len(centres) - 1))
    return float(centres[k] - centres[k - 1])


# -- waiting ---------------------------------------------------------------------------------


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Run the Qt event loop until ``condition()`` holds (an event loop that releases the
    GIL while it sleeps, so worker threads run: QTest.qWait does not)."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout} s"
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()


@contextmanager
def open_window(settings_path: Path, audio: Path, view=None) -> Iterator[object]:
    """A MainWindow (1100 x 760, isolated settings) showing ``audio`` with ``view``
    (ViewSettings), fully drawn; closed (workers stopped) on exit. For module-scoped
    fixtures that several tests read, as tests/qt/conftest.py's make_main_window builds."""
    import pyqtgraph as pg

    from sonolens.model.settings import Settings
    from sonolens.ui.main_window import MainWindow

    pg.setConfigOptions(useOpenGL=False, imageAxisOrder="row-major")
    window = MainWindow(Settings(settings_path))
    try:
        window.resize(1100, 760)
        window.show()
        if view is not None:
            window.document.set_view(view)
        window.open_path(audio)
        wait_until(window.is_settled)
        yield window
    finally:
        window.close()
        window.deleteLater()


def show_view(window, **changes) -> None:
    """Change the window's view settings and wait until everything is drawn again."""
    view = window.document.view.replace(**changes)
    window.document.set_view(view)
    wait_until(window.is_settled)


# -- signals ---------------------------------------------------------------------------------


def write_tones(path: Path, freqs: tuple[float, ...], amplitudes: tuple[float, ...], *,
                seconds: float = 2.0, sr: int = 22050) -> Path:
    """A sum of steady sines (float32 WAV, no quantisation noise)."""
    import soundfile as sf

    t = np.arange(int(seconds * sr)) / sr
    y = sum(a * np.sin(2 * np.pi * f * t) for f, a in zip(freqs, amplitudes, strict=True))
    sf.write(path, np.asarray(y, dtype=np.float32), sr, subtype="FLOAT")
    return path


def peaks(profile: np.ndarray, count: int, *, spread: int) -> list[float]:
    """Positions (pixel centres, ascending) of the ``count`` highest local peaks of a 1-D
    profile, each at the middle of its plateau; ``spread`` px around a peak found are
    skipped before looking for the next."""
    values = np.asarray(profile, dtype=float).copy()
    found = []
    for _ in range(count):
        top = int(np.argmax(values))
        peak = values[top]
        lo = hi = top
        while lo > 0 and values[lo - 1] == peak:
            lo -= 1
        while hi < len(values) - 1 and values[hi + 1] == peak:
            hi += 1
        found.append((lo + hi) / 2 + 0.5)
        values[max(0, lo - spread) : hi + spread + 1] = -np.inf
    return sorted(found)


def write_changing(path: Path, sr: int = 22050, seconds: float = 2.1) -> Path:
    """Noise, then a rising chirp, then a fading harmonic tone: every feature moves."""
    import soundfile as sf

    rng = np.random.default_rng(3)
    n = int(seconds * sr)
    t = np.arange(n) / sr
    third = n // 3
    y = np.zeros(n)
    y[:third] = 0.3 * rng.standard_normal(third)
    tc = t[third : 2 * third] - t[third]
    y[third : 2 * third] = 0.5 * np.sin(2 * np.pi * (200 * tc + 1800 * tc**2 / (2 * tc[-1])))
    tt = t[2 * third :] - t[2 * third]
    fade = np.exp(-tt / 0.25)
    y[2 * third :] = fade * sum(0.4 / k * np.sin(2 * np.pi * 220 * k * tt) for k in (1, 2, 3))
    sf.write(path, y.astype(np.float32), sr, subtype="FLOAT")
    return path


# -- the lower view's matrices ---------------------------------------------------------------

MATRICES = {  # lower view -> (CSV column of the row labelled X, colormap with magma chosen)
    "mfcc": ("mfcc_{}", "coolwarm"),
    "chroma": ("chroma_{}", "magma"),
    "contrast": ("spectral_contrast_{}", "magma"),
}


def expected_levels(kind: str, values: np.ndarray) -> tuple[float, float]:
    """The values at the bottom and top of the colour table: MFCC symmetric about 0 at
    the 99th percentile of |mfcc_2..| (mfcc_1, the level, would flatten the rest),
    chroma 0..1 (max-normalised), contrast 0..its maximum."""
    if kind == "mfcc":
        bound = float(np.percentile(np.abs(values[1:]), 99))
        return -bound, bound
    if kind == "chroma":
        return 0.0, 1.0
    return 0.0, float(values.max())
