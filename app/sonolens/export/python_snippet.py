"""Copy as Python: a runnable soundfile/numpy/librosa script of what the window shows.

``python_snippet(path, params, view, native_sr=...)`` returns the script as text (no Qt,
no numpy here). The script reads the file as float32 (soundfile; PyAV for what libsndfile
cannot read), takes the chosen channel or the mean of the channels, resamples with soxr
as ``librosa.load`` does, computes one STFT and from it the spectrogram of the current
kind and every shown feature with librosa's own functions and the exact current
parameters; then it keeps the frames whose centre lies in the selection, if any.

Variables the script leaves: ``y, sr, times`` (s, frame centres), ``freqs`` (Hz, rows),
``S`` (|STFT|, (1 + n_fft // 2, n_frames)), the spectrogram named
``SPECTROGRAM_VARIABLES[view.kind]`` ((n_rows, n_frames), dB kinds relative to the file's
maximum and floored at ``-db_range`` like the window's colours), and ``features``
(feature name -> librosa-shaped (n, n_frames) array).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sonolens import __version__
from sonolens.core.catalog import CATALOG
from sonolens.core.feature_rules import contrast_bands_below_nyquist
from sonolens.core.params import WINDOWS, AnalysisParams
from sonolens.core.view_settings import ViewSettings

SPECTROGRAM_VARIABLES: dict[str, str] = {k.name: k.variable for k in CATALOG.kinds}
#: Parameters the script defines when a feature or kind needs them, in this order.
_PARAMETER_ORDER = ("n_mels", "fmin", "fmax", "n_mfcc", "top_db", "roll_percent", "p",
                    "pyin_fmin", "pyin_fmax", "cqt_fmin", "cqt_n_bins", "cqt_bins_per_octave",
                    "cqt_gamma")
_PARAMETER_COMMENTS = {"fmax": "  # None: sr / 2",
                       "top_db": "  # MFCC's dB floor below the maximum",
                       "p": "  # bandwidth order",
                       "pyin_fmax": "  # Hz; above sr / 2 it is clamped, as Sonolens does",
                       "cqt_gamma": "  # Hz; 0: constant-Q (librosa.cqt)"}
_LIBROSA_TOP_DB = 80.0  # power_to_db's default, fixed inside librosa's spectral_contrast


def shown_features(view: ViewSettings) -> tuple[str, ...]:
    """Features the window draws for ``view`` (overlays and lower view), in CSV order.

    The bandwidth overlay is drawn around the centroid, so it brings the centroid along.
    """
    return CATALOG.shown_by(view.overlays, view.lower_view)


def python_snippet(
    path: str | Path, params: AnalysisParams, view: ViewSettings, *, native_sr: int,
    backend: str = "soundfile", features: Iterable[str] | None = None,
    selection: tuple[float, float] | None = None,
) -> str:
    """The script (see module doc) for ``path`` analysed with ``params``, shown with ``view``.

    native_sr: the file's rate (Hz), to know the analysis rate; backend: "soundfile" or
    "pyav", the decoder Sonolens uses for this file; features: default
    :func:`shown_features`; selection: (start, end) seconds or None.
    """
    params.validate()
    view.validate()
    chosen = shown_features(view) if features is None else tuple(
        name for name in CATALOG.names if name in set(features))
    sr = params.sr or native_sr
    lines = _header(path, params, view, sr, chosen, selection, backend)
    lines += _load(path, params, backend)
    lines += _parameters(params, view.kind, chosen)
    lines += _spectrogram(view)
    lines += _features(params, view.kind, chosen, sr)
    lines += _shown_part(params, view.kind, selection)
    lines += _plot_hint(view)
    return "\n".join(lines) + "\n"


def _header(path, params: AnalysisParams, view: ViewSettings, sr: int,
            chosen: tuple[str, ...], selection, backend: str) -> list[str]:
    channel = "mono mix" if params.channel is None else f"channel {params.channel + 1}"
    what = CATALOG.kind(view.kind).label.lower().replace("db", "dB")
    shown = ", ".join(chosen) if chosen else "no features"
    lines = [
        f"# Sonolens {__version__}, Copy as Python: the {what} spectrogram and {shown}",
        f"# of {Path(path).name!r} ({channel}, {sr} Hz, n_fft={params.n_fft}, "
        f"hop_length={params.hop_length})",
    ]
    if selection is not None:
        lines.append(f"# in the selection {selection[0]:.3f} s to {selection[1]:.3f} s")
    decoder = "av" if backend == "pyav" else "soundfile"
    lines += [
        f"# Needs: pip install numpy librosa {decoder}. Leaves y, sr, times (s), freqs (Hz),",
        f"# S (|STFT|), {SPECTROGRAM_VARIABLES[view.kind]} (the spectrogram) and features "
        "(name -> (n, n_frames)).",
        *(["import av  # FFmpeg decodes what libsndfile cannot"] if decoder == "av" else []),
        "import librosa",
        "import numpy as np",
        *(["import soundfile as sf"] if decoder == "soundfile" else []),
        "",
    ]
    return lines


def _load(path, params: AnalysisParams, backend: str) -> list[str]:
    lines = [f"path = {str(path)!r}"]
    if backend == "pyav":  # formats libsndfile cannot read (AAC/M4A, video files)
        lines += [
            "with av.open(path) as container:",
            "    stream = container.streams.audio[0]",
            '    resampler = av.AudioResampler(format="flt", layout=stream.layout, '
            "rate=stream.rate)",
            "    channels = stream.codec_context.channels",
            "    blocks = [out.to_ndarray().reshape(-1, channels)",
            "              for frame in container.decode(stream) "
            "for out in resampler.resample(frame)]",
            "    y, sr = np.concatenate(blocks), stream.rate  # (n_samples, n_channels) float32",
        ]
    else:
        lines.append('y, sr = sf.read(path, dtype="float32", always_2d=True)  '
                     "# (n_samples, n_channels)")
    if params.channel is None:
        lines.append("y = y.mean(axis=1)  # mono mix: the mean of the channels, as librosa")
    else:
        lines.append(f"y = np.ascontiguousarray(y[:, {params.channel}])  "
                     f"# channel {params.channel + 1} only")
    if params.sr is not None:
        lines += [
            f"if sr != {params.sr}:  # analysis rate: soxr 'HQ', as librosa.load(sr=...)",
            f'    y = librosa.resample(y, orig_sr=sr, target_sr={params.sr}, res_type="soxr_hq")',
            f"    sr = {params.sr}",
        ]
    return [*lines, ""]


def _parameters(params: AnalysisParams, kind: str, chosen: tuple[str, ...]) -> list[str]:
    lines = [
        f"n_fft = {params.n_fft}",
        f"hop_length = {params.hop_length}",
        f"win_length = {params.win_length!r}  # None: n_fft",
        f"window = {WINDOWS[params.window]!r}",
    ]
    spectrogram = CATALOG.kind(kind)
    needed = set(spectrogram.fields)
    if spectrogram.rows == "mel" or params.fmin > 0 or params.fmax is not None:
        needed |= {"fmin", "fmax"}  # the mel rows' range, or the view's cut (the rows kept)
    for name in chosen:
        needed |= set(CATALOG.feature(name).snippet_params)
    lines += [f"{name} = {getattr(params, name)!r}{_PARAMETER_COMMENTS.get(name, '')}"
              for name in _PARAMETER_ORDER if name in needed]
    return [*lines, ""]


def _spectrogram(view: ViewSettings) -> list[str]:
    kind = CATALOG.kind(view.kind)
    lines = [
        "# one STFT (centered frames, as librosa) feeds the spectrogram and every feature",
        "S = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop_length, "
        "win_length=win_length, window=window))",
        "times = librosa.frames_to_time(np.arange(S.shape[1]), sr=sr, hop_length=hop_length)",
    ]
    made = [line.format(db_range=float(view.db_range)) for line in kind.librosa]
    if kind.rows == "mel":
        lines += [*made, "freqs = librosa.mel_frequencies(n_mels + 2, fmin=fmin, "
                         "fmax=fmax or sr / 2)[1:-1]  # band centres"]
    elif kind.rows == "cqt":  # from y, not S: its own filters (same frame count)
        lines += [*made, "freqs = librosa.cqt_frequencies(n_bins=cqt_n_bins, fmin=cqt_fmin, "
                         "bins_per_octave=cqt_bins_per_octave)  # bin centres"]
    else:
        lines += ["freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft)", *made]
    return [*lines, ""]


def _features(params: AnalysisParams, kind: str, chosen: tuple[str, ...], sr: int
               ) -> list[str]:
    if not chosen:
        return ["features = {}", ""]
    lines = ["features = {}"]
    for name in chosen:
        if name == "spectral_contrast":
            lines += _contrast_lines(params, sr)
            continue
        if name == "mfcc" and CATALOG.kind(kind).rows != "mel":
            # else M, the mel power spectrogram, is there already
            lines.append("M = librosa.feature.melspectrogram(S=S**2, sr=sr, n_fft=n_fft, "
                         "n_mels=n_mels, fmin=fmin, fmax=fmax)")
        lines.append(f'features["{name}"] = {CATALOG.feature(name).librosa}')
    return [*lines, ""]


def _contrast_lines(params: AnalysisParams, sr: int) -> list[str]:
    fitting = contrast_bands_below_nyquist(sr=sr, fmin=params.contrast_fmin,
                                           n_bands=params.contrast_bands)
    lines = []
    if fitting < params.contrast_bands:
        lines.append(f"# only {fitting} of {params.contrast_bands} contrast bands start below "
                     "Nyquist (Sonolens leaves the others empty)")
    if params.top_db != _LIBROSA_TOP_DB:
        lines.append(f"# note: librosa's contrast always floors at 80 dB; Sonolens uses "
                     f"top_db={params.top_db!r}")
    lines.append('features["spectral_contrast"] = librosa.feature.spectral_contrast('
                 f"S=S, sr=sr, fmin={params.contrast_fmin!r}, n_bands={fitting})")
    return lines


def _shown_part(params: AnalysisParams, kind: str, selection: tuple[float, float] | None
                ) -> list[str]:
    """Keep the rows in fmin..fmax (the view's range) and the selected frames."""
    name = SPECTROGRAM_VARIABLES[kind]
    lines = []
    if CATALOG.kind(kind).rows == "fft" and (params.fmin > 0 or params.fmax is not None):
        lines += [
            "# the window shows fmin..fmax",
            "rows = (freqs >= fmin) & (freqs <= (fmax or sr / 2))",
            f"{name}, freqs = {name}[rows], freqs[rows]",
        ]
    if selection is not None:
        t0, t1 = (float(t) for t in selection)
        lines += [
            "# the selection: the frames whose centre lies in it",
            f"keep = (times >= {t0!r}) & (times <= {t1!r})",
            f"times, {name} = times[keep], {name}[:, keep]",
            "features = {name: values[:, keep] for name, values in features.items()}",
        ]
    return [*lines, ""] if lines else []


def _plot_hint(view: ViewSettings) -> list[str]:
    name = SPECTROGRAM_VARIABLES[view.kind]
    return [
        "# To draw it as the window does (needs matplotlib):",
        "# import librosa.display, matplotlib.pyplot as plt",
        f"# librosa.display.specshow({name}, x_coords=times, y_coords=freqs, x_axis='time',",
        f"#                          y_axis={view.freq_scale!r}, cmap={view.colormap!r}); "
        "plt.show()",
    ]
