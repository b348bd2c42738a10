"""Pictures of the views as PNG: the window's export and ``sonolens render`` share this.

A view widget is laid out offscreen at the requested size (never shown on screen),
drawn over the whole duration (or a fixed ``span`` of seconds from 0, so that every image
of a run has the same seconds per pixel; data shorter than the span leaves the rest of
the plot empty), grabbed, and written atomically. ``bare`` draws the data image alone:
no axes, labels, colorbar, legend or margins, exactly ``size`` pixels. The window grabs
on the GUI thread (``*_image``: a QImage), then encodes and writes on a worker
(:func:`image_file_job`): encoding a large PNG takes up to a second.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from sonolens.core.catalog import CATALOG
from sonolens.core.errors import OutputError, ParameterError
from sonolens.core.progress import Progress
from sonolens.core.view_settings import ViewSettings
from sonolens.export.atomic import atomic_write
from sonolens.ui.views.matrix_view import MatrixView
from sonolens.ui.views.reassigned_layer import (
    ImageRequest,
    ReassignedLayer,
    add_computing_layer,
    add_layer,
)
from sonolens.ui.views.spectrogram_view import SpectrogramView

MIN_SIZE, MAX_SIZE = 64, 16384
#: File suffix -> the Qt image format written for it (if this Qt build can write it).
IMAGE_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP",
                  ".tif": "TIFF", ".tiff": "TIFF", ".webp": "WEBP"}


def writable_suffixes() -> list[str]:
    """The suffixes of :data:`IMAGE_SUFFIXES` whose format this Qt build can write."""
    from PySide6.QtGui import QImageWriter

    formats = {bytes(f).decode().upper() for f in QImageWriter.supportedImageFormats()}
    return [suffix for suffix, fmt in IMAGE_SUFFIXES.items() if fmt in formats]


def image_format(path: str | os.PathLike[str]) -> str:
    """The Qt format ``path``'s suffix names (none: PNG); ParameterError if not writable."""
    suffix = Path(path).suffix.lower()
    if not suffix:
        return "PNG"
    if suffix not in writable_suffixes():
        raise ParameterError(f"{path}: cannot write a {suffix} image (choose "
                             f"{', '.join(writable_suffixes())})")
    return IMAGE_SUFFIXES[suffix]


def spectrogram_png(spectrogram, features, view: ViewSettings, size: tuple[int, int], *,
                    span: float | None = None, start: float = 0.0, bare: bool = False,
                    fmt: str = "PNG", source=None) -> bytes:
    """PNG bytes of the spectrogram (axes, colorbar, the view's overlays) at ``size`` px;
    the time axis shows [0, ``span``] s of the data (default: their duration), labelled
    from ``start`` s (an excerpt's offset in its file). ``fmt``: another Qt image format
    (see :func:`image_format`). ``source``: the audio, for a kind drawn from it (reassigned)."""
    return encode_image(spectrogram_image(spectrogram, features, view, size, span=span,
                                          start=start, bare=bare, source=source), fmt)


def spectrogram_image(spectrogram, features, view: ViewSettings, size: tuple[int, int], *,
                      span: float | None = None, start: float = 0.0, bare: bool = False,
                      source=None) -> QImage:
    """The picture of :func:`spectrogram_png`, not encoded (GUI thread; a kind drawn
    from the audio is computed here too: see :func:`spectrogram_picture`)."""
    def computing(widget) -> None:
        if source is not None and CATALOG.kind(spectrogram.kind).image:
            add_computing_layer(widget, source, colormap_name=view.colormap,
                                db_range=view.db_range)

    widget, duration = _spectrogram_widget(spectrogram, features, view, start, computing)
    return _grab(widget, size, duration if span is None else span, bare=bare)


@dataclass
class Picture:
    """A spectrogram picture laid out offscreen whose layer (a kind drawn from the
    audio: reassigned) waits for its image: ``requests`` holds what it asked for; give
    the image to ``layer.set_image``, then :meth:`finish` grabs it (or :meth:`discard`)."""

    widget: SpectrogramView
    layer: ReassignedLayer
    requests: list[ImageRequest]

    def finish(self) -> QImage:
        return _taken(self.widget)

    def discard(self) -> None:
        _dispose(self.widget)


def spectrogram_picture(spectrogram, features, view: ViewSettings, size: tuple[int, int]
                        ) -> Picture:
    """The picture of :func:`spectrogram_image` for a kind drawn from the audio, its image
    not computed (GUI thread: laying out only; the caller computes it on a worker)."""
    requests: list[ImageRequest] = []
    layers: list[ReassignedLayer] = []

    def waiting(widget) -> None:
        layers.append(add_layer(widget, requests.append, colormap_name=view.colormap,
                                db_range=view.db_range))

    widget, duration = _spectrogram_widget(spectrogram, features, view, 0.0, waiting)
    return Picture(_laid_out(widget, size, duration), layers[0], requests)


def _spectrogram_widget(spectrogram, features, view: ViewSettings, start: float,
                        add_layers: Callable[[SpectrogramView], None]
                        ) -> tuple[SpectrogramView, float]:
    """(the view, the data's duration in s): ``add_layers(view)`` adds layers over the
    image before the overlays are set."""
    widget = SpectrogramView()
    widget.set_view(view)
    widget.set_spectrogram(spectrogram)
    add_layers(widget)
    widget.set_features(features)
    widget.show_time_label(True)
    widget.set_time_origin(start)
    # the last column ends half a hop after the last frame's centre (as matrix_png)
    duration = (spectrogram.n_frames - 0.5) * spectrogram.hop_length / float(spectrogram.sr)
    return widget, duration


def matrix_png(features, kind: str, view: ViewSettings, size: tuple[int, int], *,
               span: float | None = None, start: float = 0.0, bare: bool = False,
               fmt: str = "PNG") -> bytes:
    """PNG bytes of the MFCC / chroma / contrast view of ``features`` (``span``, ``start``,
    ``bare``, ``fmt``: as :func:`spectrogram_png`)."""
    widget = MatrixView()
    widget.set_kind(kind, view.colormap)
    widget.set_features(features)
    widget.show_time_label(True)
    widget.set_time_origin(start)
    times = features.times
    step = float(times[1] - times[0]) if len(times) > 1 else 0.0
    duration = float(times[-1]) + step / 2 if len(times) else 1.0
    return encode_image(_grab(widget, size, duration if span is None else span, bare=bare),
                        fmt)


def difference_png(difference, range_db: float, size: tuple[int, int], *,
                   bare: bool = False, fmt: str = "PNG") -> bytes:
    """PNG bytes of a :class:`sonolens.dsp.difference.DifferenceSpectrogram` (B - A dB,
    colours over [-range_db, +range_db]) at ``size`` px, over the frames it holds."""
    return encode_image(difference_image(difference, range_db, size, bare=bare), fmt)


def difference_image(difference, range_db: float, size: tuple[int, int], *,
                     bare: bool = False) -> QImage:
    """The picture of :func:`difference_png`, not encoded (GUI thread)."""
    from sonolens.ui.views.difference_view import DifferenceView

    widget = DifferenceView()
    widget.set_range(range_db)
    widget.set_difference(difference)
    widget.show_time_label(True)
    d = difference
    start = (d.first - 0.5) * d.frame_seconds
    end = start + d.values.shape[1] * d.factor * d.frame_seconds
    return _grab(widget, size, end, bare=bare, start=start)


def write_png(path: str | os.PathLike[str], data: bytes) -> None:
    with atomic_write(path, "wb") as handle:
        handle.write(data)


def image_file_job(image: QImage, path: str | os.PathLike[str], fmt: str = "PNG"
                   ) -> Generator[Progress, None, Path]:
    """Encode ``image`` as ``fmt`` and write it atomically to ``path`` (a job: run on a
    worker; ``image`` must not be painted on meanwhile -- pass a copy)."""
    yield Progress(0, 1, f"writing {Path(path).name}")
    write_png(path, encode_image(image, fmt))
    yield Progress(1, 1, f"writing {Path(path).name}")
    return Path(path)


def _grab(widget, size: tuple[int, int], duration: float, *, bare: bool = False,
          start: float = 0.0) -> QImage:
    return _taken(_laid_out(widget, size, duration, bare=bare, start=start))


def _laid_out(widget, size: tuple[int, int], duration: float, *, bare: bool = False,
              start: float = 0.0):
    """``widget`` shown offscreen at ``size`` px over [start, duration] s and drawn;
    disposed if that fails (OutputError: a size out of range)."""
    try:
        width, height = (int(v) for v in size)
        if not (MIN_SIZE <= width <= MAX_SIZE and MIN_SIZE <= height <= MAX_SIZE):
            raise OutputError(f"image size {width}x{height} must lie in "
                              f"{MIN_SIZE}..{MAX_SIZE} px")
        if bare:
            _strip(widget)
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # may wait: not a window
        widget.resize(width, height)
        widget.show()
        QApplication.processEvents()
        widget.plot.getViewBox().setLimits(xMin=None, xMax=None)
        widget.plot.setXRange(start, max(duration, start + 1e-3), padding=0)
        QApplication.processEvents()
        widget.redraw()
    except BaseException:
        _dispose(widget)
        raise
    return widget


def _taken(widget) -> QImage:
    """The laid-out ``widget``'s pixels; the widget is disposed of."""
    try:
        return grab_image(widget)
    finally:
        _dispose(widget)


def _dispose(widget) -> None:
    widget.dispose()
    widget.close()
    widget.deleteLater()


def _strip(widget) -> None:
    """Leave only the plot's view box, filling the widget: no axes (and their labels), no
    right column (colorbar), no legend, no margins or spacing."""
    plot = widget.plot
    for name in ("left", "bottom", "top", "right"):
        plot.hideAxis(name)
    if getattr(widget, "right_column", None) is not None:  # the colorbar column
        widget.removeItem(widget.right_column)
        widget.right_column = None
    if getattr(widget, "legend", None) is not None:  # the legend strip above the plot
        widget.legend.suppress()
        widget.removeItem(widget.legend)
    layout = widget.ci.layout
    for column in range(1, layout.columnCount()):
        layout.setColumnFixedWidth(column, 0)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    plot.layout.setContentsMargins(0, 0, 0, 0)
    plot.layout.setSpacing(0)


def png_bytes(widget: QWidget, fmt: str = "PNG") -> bytes:
    """The widget's pixels encoded as PNG (or another Qt image format ``fmt``)."""
    return encode_image(grab_image(widget), fmt)


def grab_image(widget: QWidget) -> QImage:
    """The widget's pixels (GUI thread)."""
    return widget.grab().toImage()


def encode_image(image: QImage, fmt: str = "PNG") -> bytes:
    """``image`` encoded as PNG (or another Qt image format ``fmt``); any thread."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt):
        raise OutputError(f"could not encode the image as {fmt}")
    buffer.close()
    return bytes(data.data())
