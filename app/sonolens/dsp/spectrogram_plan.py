"""A spectrogram kind at one rate: its window and rows, and its values from STFT frames.

Per frame (same ``y`` as librosa.load, exact float64 FFT rounded to complex64):

- ``magnitude``: ``np.abs(librosa.stft(y, center=True))``
- ``power``: magnitude**2
- ``db``: ``librosa.amplitude_to_db(magnitude, ref=1.0, amin=1e-5, top_db=None)``
- ``mel_db``: ``librosa.power_to_db(melspectrogram(S=power, ...), ref=1.0, amin=1e-10,
  top_db=None)``
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import SPECTROGRAM_KINDS
from sonolens.dsp.filterbanks import fft_frequencies, mel_filterbank, mel_frequencies
from sonolens.dsp.framing import FrameBlock
from sonolens.dsp.stft import stft_block
from sonolens.dsp.windows import stft_window

_AMIN_AMPLITUDE = 1e-5  # librosa.amplitude_to_db default
_AMIN_POWER = 1e-10  # librosa.power_to_db default


@dataclass(frozen=True)
class SpectrogramPlan:
    """One kind at one rate: the constant arrays every block shares.

    freqs: (n_rows,) Hz, ascending: FFT bin frequencies, or mel band centres for mel_db.
    """

    kind: str
    sr: int
    params: AnalysisParams
    window: np.ndarray
    freqs: np.ndarray
    mel: np.ndarray | None

    @property
    def n_rows(self) -> int:
        return len(self.freqs)

    def compute(self, block: FrameBlock) -> np.ndarray:
        """float32 (n_frames, n_rows) values of the block's frames (time-major)."""
        magnitude = np.abs(stft_block(block.frames(), self.window))
        return self.from_magnitude(magnitude, np.square(magnitude, out=magnitude)
                                   if self.kind != "magnitude" else None)

    def from_magnitude(self, magnitude: np.ndarray, power: np.ndarray | None = None
                       ) -> np.ndarray:
        """Values from an exact STFT's |X| (n_frames, n_bins) float32 (and |X|^2 if known).

        Lets the feature engine share its STFT with the display spectrogram.
        """
        if self.kind == "magnitude":
            return magnitude
        if power is None:
            power = np.square(magnitude)
        if self.kind == "power":
            return power
        if self.kind == "db":  # amplitude_to_db squares, then power_to_db(amin=amin**2)
            return 10.0 * np.log10(np.maximum(_AMIN_AMPLITUDE**2, power))
        assert self.mel is not None
        mel = power @ self.mel.T
        return 10.0 * np.log10(np.maximum(_AMIN_POWER, mel))


def make_spectrogram_plan(params: AnalysisParams, kind: str, sr: int) -> SpectrogramPlan:
    """Validate ``params`` and ``kind`` for ``sr`` (Hz) and precompute window and rows."""
    params.validate()
    params.validate_for_rate(sr)
    if kind not in SPECTROGRAM_KINDS:
        raise ParameterError(f"kind={kind!r} is not one of {', '.join(SPECTROGRAM_KINDS)}")
    window = stft_window(params.window, params.frame_length, params.n_fft)
    mel = None
    if kind == "mel_db":
        fmax = float(sr) / 2 if params.fmax is None else float(params.fmax)
        mel = mel_filterbank(sr=sr, n_fft=params.n_fft, n_mels=params.n_mels,
                             fmin=params.fmin, fmax=params.fmax)
        freqs = mel_frequencies(params.n_mels + 2, fmin=params.fmin, fmax=fmax)[1:-1]
    else:
        freqs = fft_frequencies(sr=sr, n_fft=params.n_fft)
    freqs = np.asarray(freqs, dtype=np.float64)
    freqs.setflags(write=False)
    return SpectrogramPlan(kind, sr, params, window, freqs, mel)
