"""The difference spectrogram B - A (dB) as an image: a diverging colormap centred on 0
(white: the same level; red: B louder; blue: B quieter), a symmetric range."""

from __future__ import annotations

from sonolens.dsp.difference import DifferenceImage, DifferenceSpectrogram
from sonolens.ui.views.image_layer import ImageLayer
from sonolens.ui.views.layout import TimeView

DEFAULT_RANGE_DB = 20.0
COLORMAP = "coolwarm"


class DifferenceView(TimeView):
    """B - A in dB over frequency (Hz, linear) and time; ``set_range(db)`` sets the colour
    range to [-db, +db]."""

    def __init__(self) -> None:
        super().__init__(y_label="Frequency (Hz)")
        self.image_layer = ImageLayer("difference", levels=(-DEFAULT_RANGE_DB, DEFAULT_RANGE_DB),
                                      colormap_name=COLORMAP)
        self.add_layer(self.image_layer)
        self.colorbar = self.image_layer.colorbar
        self.set_right_item(self.colorbar)
        self.image_layer.set_unit("dB (B − A)")
        self.range_db = DEFAULT_RANGE_DB

    def set_range(self, range_db: float) -> None:
        self.range_db = float(range_db)
        self.image_layer.color_levels = (-self.range_db, self.range_db)
        self.image_layer.show_levels(-self.range_db, self.range_db)
        self.schedule_redraw()

    def set_difference(self, difference: DifferenceSpectrogram | None) -> None:
        if difference is None:
            self.image_layer.set_result(None)
            return
        freqs = difference.freqs
        half = float(freqs[1] - freqs[0]) / 2 if len(freqs) > 1 else 0.5
        top = float(freqs[-1])
        self.image_layer.set_result(DifferenceImage(difference))
        self.image_layer.y_extent = (float(freqs[0]) - half, top + half)
        self.plot.getViewBox().setLimits(yMin=0.0, yMax=top)
        self.plot.setYRange(0.0, top, padding=0)
        self.schedule_redraw()
