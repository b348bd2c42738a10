"""What is drawn on a time axis: one small protocol, implemented by every layer.

A view (ui.views.layout.TimeView) is an ordered stack of layers over one PlotItem. A
layer owns its graphics items; the view attaches it, hands it results, asks it to
redraw the visible time range at a pixel width, asks it what lies under the mouse (the
status-bar readout) and gives it the theme's plot colours. Layers know nothing of each
other or of the view types they sit in: the readout and the theme ask layers, never
``isinstance`` on views.

Implementations: :mod:`image_layer` (a pooled image: spectrogram, MFCC/chroma/contrast),
:mod:`curve_layer` (a per-frame curve), :mod:`band_layer` (the bandwidth band),
:mod:`marker_layer` (instants), :mod:`region_layer` (time spans, optionally bounded in
frequency), :mod:`annotations_layer` (every annotation tier, one item),
:mod:`envelope_layer` (the waveform's lanes) and :mod:`markers`' item layers (the
selection, play cursor and playhead every view shows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pyqtgraph as pg

    from sonolens.ui.theme import PlotColors


class ReadoutPart(NamedTuple):
    """One piece of the cursor readout: ``label value unit`` (empty parts left out),
    e.g. ("Centroid", "1234", "Hz") -> "Centroid 1234 Hz", ("", "A4", "") -> "A4"."""

    label: str
    value: str
    unit: str = ""

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.label, self.value, self.unit) if part)


class LegendEntry(NamedTuple):
    """A legend strip entry: ``name``, the line ``color`` and an optional ``swatch`` (the
    colour the line is drawn over)."""

    name: str
    color: str
    swatch: str | None = None


@runtime_checkable
class Layer(Protocol):
    """What a view asks of the things it draws (times in seconds, widths in device px)."""

    name: str
    opaque: bool  # covers the plot's background (an image): cursors over it stay white

    def attach(self, plot: pg.PlotItem) -> None:
        """Add this layer's items to ``plot`` (once; :meth:`detach` removes them)."""

    def detach(self) -> None:
        """Remove this layer's items from the plot it is attached to."""

    def set_result(self, result: object | None) -> None:
        """The data to draw (None: nothing); the view redraws afterwards."""

    def redraw(self, t0: float, t1: float, width: int) -> None:
        """Draw [t0, t1] s at ``width`` device pixels (a no-op without data)."""

    def describe(self, t: float, y: float | None) -> list[ReadoutPart]:
        """What lies under the mouse at time ``t`` s; ``y`` is the mouse's y in plot
        units when it is over this layer's view, None when over another view."""
        ...

    def restyle(self, colors: PlotColors) -> None:
        """Take the theme's plot colours (background, axes, curve colours)."""

    def legend(self) -> LegendEntry | list[LegendEntry] | None:
        """This layer's legend strip entry (or entries: one per annotation tier), or None
        (nothing drawn, or no legend)."""
        ...


@runtime_checkable
class FrequencyLayer(Protocol):
    """A layer whose values are frequencies (Hz), drawn on the view's frequency scale."""

    def set_scale(self, scale: object | None) -> None:
        """Draw on ``scale`` (a dsp.scales.FrequencyScale; None: values as they are)."""


class BaseLayer:
    """Defaults for :class:`Layer`: the items of :meth:`items` are added and removed
    together; no readout, no theme colours, no legend, nothing to redraw."""

    opaque = False
    ignore_bounds = False  # True: the items do not count for the plot's auto-range

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.plot: pg.PlotItem | None = None

    def items(self) -> list[pg.GraphicsObject]:
        """The graphics items this layer adds to its plot."""
        return []

    def attach(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        for item in self.items():
            plot.addItem(item, ignoreBounds=self.ignore_bounds)

    def detach(self) -> None:
        if self.plot is not None:
            for item in self.items():
                self.plot.removeItem(item)
        self.plot = None

    def set_result(self, result: object | None) -> None:
        pass

    def redraw(self, t0: float, t1: float, width: int) -> None:
        pass

    def describe(self, t: float, y: float | None) -> list[ReadoutPart]:
        return []

    def restyle(self, colors: PlotColors) -> None:
        pass

    def legend(self) -> LegendEntry | None:
        return None
