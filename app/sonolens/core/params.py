"""Analysis parameters: one frozen dataclass whose defaults equal librosa's.

Names follow librosa's glossary (``sr, n_fft, hop_length, win_length, window``...).
``validate()`` raises :class:`ParameterError` naming the first bad parameter. Upper limits
keep hostile values (a corrupt settings file, a typo of ``--n-fft 20480000000``) from
allocating without bound; they lie far beyond any useful analysis.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sonolens.core.errors import ParameterError

#: Window names offered to users -> the name scipy.signal.get_window understands.
WINDOWS: dict[str, str] = {
    "hann": "hann",
    "hamming": "hamming",
    "blackman": "blackman",
    "blackmanharris": "blackmanharris",
    "rectangular": "boxcar",
    "bartlett": "bartlett",
    "flattop": "flattop",
}

MAX_N_FFT = 2**20  # samples (a 2^20-point FFT: 0.04 Hz bins at 44.1 kHz)
MAX_HOP_LENGTH = 2**24  # samples (~6 min at 44.1 kHz)
MAX_SR = 1_000_000  # Hz
MAX_N_MELS = 4096
MAX_CHANNELS = 1024  # libsndfile's limit; channel indices lie below it
MAX_CONTRAST_BANDS = 32  # 200 Hz * 2^32 is far above any Nyquist
PYIN_FMIN = 65.40639132514966  # Hz: librosa.note_to_hz("C2")
PYIN_FMAX = 2093.004522404789  # Hz: librosa.note_to_hz("C7")
MAX_P = 32.0  # |f - centroid|^p stays finite in float64 up to 192 kHz audio
CQT_FMIN = 32.70319566257483  # Hz: librosa.note_to_hz("C1"), librosa.cqt's default fmin
MAX_CQT_BINS = 2048
_HANN_BANDWIDTH = 1.50018310546875  # librosa.filters.WINDOW_BANDWIDTHS["hann"]
MAX_CQT_BINS_PER_OCTAVE = 240


@dataclass(frozen=True)
class AnalysisParams:
    """Everything that determines the numbers (defaults = librosa's defaults).

    sr: analysis rate in Hz; None keeps the file's native rate (``librosa.load(sr=None)``).
    channel: 0-based channel to analyse; None = mono mix (mean of channels, as librosa).
    n_fft, hop_length, win_length (None = n_fft), window: STFT framing, in samples.
    n_mels, fmin, fmax (Hz; None = sr/2): mel filterbank for mel spectrogram and MFCC.
    n_mfcc: number of MFCC coefficients; roll_percent: spectral rolloff fraction;
    p: spectral bandwidth order; contrast_fmin / contrast_bands: spectral contrast bands.
    top_db: dB floor below the maximum used by ``power_to_db`` inside MFCC and contrast.
    pyin_fmin, pyin_fmax: the pitch (pYIN) search range in Hz (librosa's C2 .. C7 notes).
    cqt_fmin (Hz), cqt_n_bins, cqt_bins_per_octave, cqt_gamma (Hz; 0 = constant-Q): the
    constant-Q / variable-Q spectrogram kind (librosa.vqt's fmin, n_bins, bins_per_octave,
    gamma); its hop is hop_length. Checked against the rate when that kind is planned.
    """

    sr: int | None = None
    channel: int | None = None
    n_fft: int = 2048
    hop_length: int = 512
    win_length: int | None = None
    window: str = "hann"
    n_mels: int = 128
    fmin: float = 0.0
    fmax: float | None = None
    n_mfcc: int = 20
    roll_percent: float = 0.85
    p: float = 2.0
    contrast_fmin: float = 200.0
    contrast_bands: int = 6
    top_db: float = 80.0
    pyin_fmin: float = PYIN_FMIN
    pyin_fmax: float = PYIN_FMAX
    cqt_fmin: float = CQT_FMIN
    cqt_n_bins: int = 84
    cqt_bins_per_octave: int = 12
    cqt_gamma: float = 0.0

    def validate(self) -> AnalysisParams:
        """Check every parameter that does not depend on the audio; return self."""
        _positive_int("n_fft", self.n_fft, minimum=4, maximum=MAX_N_FFT)
        _positive_int("hop_length", self.hop_length, maximum=MAX_HOP_LENGTH)
        if self.win_length is not None:
            _positive_int("win_length", self.win_length)
            if self.win_length > self.n_fft:
                raise ParameterError(
                    f"win_length={self.win_length} must be <= n_fft={self.n_fft}"
                )
        if self.window not in WINDOWS:
            raise ParameterError(
                f"window={self.window!r} is not one of {', '.join(WINDOWS)}"
            )
        if self.sr is not None:
            _positive_int("sr", self.sr, minimum=1, maximum=MAX_SR)
        if self.channel is not None:
            _positive_int("channel", self.channel, minimum=0, maximum=MAX_CHANNELS - 1)
        _positive_int("n_mels", self.n_mels, maximum=MAX_N_MELS)
        _positive_int("n_mfcc", self.n_mfcc)
        if self.n_mfcc > self.n_mels:
            raise ParameterError(f"n_mfcc={self.n_mfcc} must be <= n_mels={self.n_mels}")
        _finite("fmin", self.fmin, minimum=0.0)
        if self.fmax is not None:
            _finite("fmax", self.fmax, minimum=0.0)
            if self.fmax <= self.fmin:
                raise ParameterError(f"fmax={self.fmax} must be greater than fmin={self.fmin}")
        _finite("roll_percent", self.roll_percent)
        if not 0.0 < self.roll_percent < 1.0:
            raise ParameterError(f"roll_percent={self.roll_percent} must lie in (0, 1)")
        _finite("p", self.p)
        if not 0 < self.p <= MAX_P:
            raise ParameterError(f"p={self.p} must lie in (0, {MAX_P:g}]")
        _finite("contrast_fmin", self.contrast_fmin)
        if self.contrast_fmin <= 0:
            raise ParameterError(f"contrast_fmin={self.contrast_fmin} must be positive")
        _positive_int("contrast_bands", self.contrast_bands, maximum=MAX_CONTRAST_BANDS)
        _finite("top_db", self.top_db, minimum=0.0)
        _finite("pyin_fmin", self.pyin_fmin)
        _finite("pyin_fmax", self.pyin_fmax)
        if self.pyin_fmin <= 0:
            raise ParameterError(f"pyin_fmin={self.pyin_fmin:g} Hz must be positive")
        if self.pyin_fmin >= self.pyin_fmax:
            raise ParameterError(f"pyin_fmin={self.pyin_fmin:g} Hz must be below "
                                 f"pyin_fmax={self.pyin_fmax:g} Hz")
        _finite("cqt_fmin", self.cqt_fmin)
        if self.cqt_fmin <= 0:
            raise ParameterError(f"cqt_fmin={self.cqt_fmin:g} Hz must be positive")
        _positive_int("cqt_n_bins", self.cqt_n_bins, maximum=MAX_CQT_BINS)
        _positive_int("cqt_bins_per_octave", self.cqt_bins_per_octave,
                      maximum=MAX_CQT_BINS_PER_OCTAVE)
        _finite("cqt_gamma", self.cqt_gamma, minimum=0.0)
        return self

    def validate_for_rate(self, sr: int) -> None:
        """Checks that need the analysis rate (Hz)."""
        nyquist = sr / 2
        if self.fmin >= nyquist:
            raise ParameterError(f"fmin={self.fmin} Hz must be below Nyquist ({nyquist:g} Hz)")
        if self.fmax is not None and self.fmax > nyquist:
            raise ParameterError(f"fmax={self.fmax} Hz exceeds Nyquist ({nyquist:g} Hz)")

    @property
    def frame_length(self) -> int:
        """Window length in samples (``win_length`` or ``n_fft``)."""
        return self.win_length or self.n_fft

    def replace(self, **changes: Any) -> AnalysisParams:
        """A copy with ``changes`` applied and validated."""
        return replace(self, **changes).validate()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def fit_to_file(params: AnalysisParams, samplerate: int, channels: int
                ) -> tuple[AnalysisParams, str | None]:
    """``params`` without the choices a file (``samplerate`` Hz, ``channels``) cannot
    honour (a missing channel, fmin/fmax past Nyquist), and a note saying what changed
    (None: nothing). An n_fft longer than the file needs nothing: frames are padded."""
    changes: dict[str, Any] = {}
    if params.channel is not None and params.channel >= channels:
        changes["channel"] = None
    nyquist = (params.sr or samplerate) / 2
    if params.fmax is not None and params.fmax > nyquist:
        changes["fmax"] = None
    if params.fmin >= nyquist:
        changes["fmin"] = 0.0
    if not changes:
        return params, None
    said = ", ".join(f"{k} reset to {'default' if v is None else v}" for k, v in changes.items())
    return params.replace(**changes), f"settings adapted to this file: {said}"


def cqt_bins_below_nyquist(sr: float, n_bins: int, fmin: float, bins_per_octave: int,
                           gamma: float = 0.0) -> int:
    """How many of ``n_bins`` constant-Q bins from ``fmin`` Hz keep their Hann filters below
    Nyquist at ``sr`` Hz (librosa.vqt's check: f (1 + 0.5 B alpha) + gamma / 2 <= sr / 2,
    B the Hann window's bandwidth); 0 when not even the first one does."""
    r = 2.0 ** (2.0 / bins_per_octave)
    alpha = (r - 1) / (r + 1)
    top = (sr / 2.0 - 0.5 * gamma) / (1 + 0.5 * _HANN_BANDWIDTH * alpha)
    if top < fmin:
        return 0
    fitting = math.floor(bins_per_octave * math.log2(top / fmin) + 1e-9) + 1
    return max(0, min(n_bins, fitting))


def _positive_int(name: str, value: object, minimum: int = 1, maximum: int | None = None
                  ) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{name}={value!r} must be an integer")
    if value < minimum:
        raise ParameterError(f"{name}={value} must be >= {minimum}")
    if maximum is not None and value > maximum:
        raise ParameterError(f"{name}={value} must be <= {maximum}")


def _finite(name: str, value: object, minimum: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{name}={value!r} must be a number")
    if isinstance(value, int) and abs(value) > 2**1023:  # float(value) would overflow
        raise ParameterError(f"{name}={value} must be finite")
    if not math.isfinite(value):
        raise ParameterError(f"{name}={value} must be finite")
    if minimum is not None and value < minimum:
        raise ParameterError(f"{name}={value} must be >= {minimum:g}")
