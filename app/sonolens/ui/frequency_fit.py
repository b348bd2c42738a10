"""View > Fit Frequencies to Content: the spectrogram's frequency axis shows 0 … just
above where the energy is (dsp.content_range over the whole file's pooled columns), and
the same once on open when the file's spectrogram is complete, unless the frequencies were
zoomed meanwhile (View > Fit Frequencies on Open, kept in the settings). Zoom to Fit
shows every frequency again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from sonolens.core.catalog import CATALOG
from sonolens.dsp.content_range import fitted_top, to_db
from sonolens.model.document import Document
from sonolens.model.settings import Settings
from sonolens.ui.views.spectrogram_view import SpectrogramView

FIT_COLUMNS = 256  # the whole file max-pooled to this many columns (from its overviews)


class FrequencyFit(QObject):
    """Fits ``view``'s frequency range; ``auto``: also once per opened file."""

    def __init__(self, document: Document, view: SpectrogramView, settings: Settings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.view = view
        self.settings = settings
        self.auto = settings.fit_frequencies_on_open()
        self.top_hz: float | None = None  # the top of the last fit
        self._pending = False  # a file opened: fit when its spectrogram is complete
        document.audio_changed.connect(self._on_audio_changed)
        document.result_changed.connect(self._on_result_changed)

    def set_auto(self, enabled: bool) -> None:
        self.auto = enabled
        self.settings.set_fit_frequencies_on_open(enabled)

    def fit(self) -> float | None:
        """Show 0 … the content's top (Hz, returned); None without a spectrogram."""
        view, spec = self.view, self.view.spectrogram
        if spec is None or view.scale is None or spec.filled == 0:
            return None
        image, _ = spec.image(0.0, spec.duration, FIT_COLUMNS)
        kind = CATALOG.kind(spec.kind)
        top = fitted_top(to_db(image, kind.unit, kind.db), spec.freqs, view.scale.fmax)
        top = max(top, view.scale.fmin * 1.01)
        lo, _ = view.scale.axis_range
        view.viewbox.setYRange(lo, float(view.scale.to_axis(top)), padding=0)
        self.top_hz = top
        return top

    def _on_audio_changed(self) -> None:
        self._pending = self.auto and self.document.source is not None

    def _on_result_changed(self, key: str) -> None:
        spec = self.document.spectrogram
        if (self._pending and key == "spectrogram" and spec is not None and spec.complete
                and self.view.spectrogram is spec):
            self._pending = False
            if self._whole_range_shown():  # not when the user zoomed in meanwhile
                self.fit()

    def _whole_range_shown(self) -> bool:
        scale = self.view.scale
        if scale is None:
            return False
        lo, hi = scale.axis_range
        _, (y0, y1) = self.view.viewbox.viewRange()
        return abs(y0 - lo) <= 1e-6 * (hi - lo) and abs(y1 - hi) <= 1e-6 * (hi - lo)
