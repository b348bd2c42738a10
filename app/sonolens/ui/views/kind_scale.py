"""The frequency scale a spectrogram kind's rows impose on the view, if any.

Constant-Q rows (catalog ``rows="cqt"``) lie evenly on a log axis, one band per bin: the
view shows them on a log scale from the lowest bin's lower edge to the highest bin's
upper edge (half a bin beyond each centre), labelled with note names, whatever the
Scale and Axis settings (those apply to the STFT kinds).
"""

from __future__ import annotations

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.dsp.cqt_filters import cqt_frequencies
from sonolens.dsp.scales import FrequencyScale


def notes_axis(kind: str) -> bool:
    """Whether ``kind``'s frequency axis is always labelled with note names."""
    return CATALOG.kind(kind).rows == "cqt"


def kind_scale(kind: str, params: AnalysisParams) -> FrequencyScale | None:
    """The log scale over a constant-Q kind's bins (edges in Hz), or None for the others."""
    if not notes_axis(kind):
        return None
    bpo = params.cqt_bins_per_octave
    freqs = cqt_frequencies(n_bins=params.cqt_n_bins, fmin=params.cqt_fmin,
                            bins_per_octave=bpo)
    half = 2.0 ** (0.5 / bpo)
    return FrequencyScale("log", float(freqs[0] / half), float(freqs[-1] * half))
