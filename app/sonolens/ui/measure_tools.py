"""View > Measure (ruler, harmonic cursor, crosshair, Copy Measurement) and View > Fit
Frequencies to Content / on Open, wired to the window's views (one call from
MainWindow: :func:`connect_measure_tools`)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QGuiApplication

from sonolens.ui.crosshair import Crosshair
from sonolens.ui.frequency_fit import FrequencyFit
from sonolens.ui.harmonic_cursor import HarmonicCursor
from sonolens.ui.ruler import Ruler

MESSAGE_MS = 0  # the ruler's readout stays in the status bar until the next message


@dataclass
class MeasureTools:
    ruler: Ruler
    harmonics: HarmonicCursor
    crosshair: Crosshair
    fit: FrequencyFit

    def copy(self) -> str:
        """Copy the ruler's readout, else the harmonic cursor's; returns what was copied."""
        text = self.ruler.text() or self.harmonics.text()
        if text:
            QGuiApplication.clipboard().setText(text)
        return text


def connect_measure_tools(window) -> MeasureTools:
    """The tools over ``window``'s views, with their actions (ui.actions)."""
    a, views = window.actions, window.views
    ruler = Ruler(window.document, views.spectrogram,
                  [views.waveform, views.feature_plot, views.matrix],
                  parent=window)
    tools = MeasureTools(ruler, HarmonicCursor(views.spectrogram, parent=window),
                         Crosshair(list(views.time_views), parent=window),
                         FrequencyFit(window.document, views.spectrogram, window.settings,
                                      parent=window))
    a.ruler.toggled.connect(ruler.set_active)
    a.harmonic_cursor.toggled.connect(tools.harmonics.set_enabled)
    a.crosshair.toggled.connect(tools.crosshair.set_enabled)
    a.copy_measurement.triggered.connect(tools.copy)
    a.clear_selection.triggered.connect(ruler.clear)
    a.fit_frequencies.triggered.connect(tools.fit.fit)
    a.fit_on_open.setChecked(tools.fit.auto)
    a.fit_on_open.toggled.connect(tools.fit.set_auto)
    status = window.statusBar()
    ruler.changed.connect(lambda text: status.showMessage(text, MESSAGE_MS) if text
                          else status.clearMessage())
    return tools
