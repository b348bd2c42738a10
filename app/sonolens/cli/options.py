"""Analysis options shared by the subcommands; names mirror librosa's parameters."""

from __future__ import annotations

import argparse

from sonolens.core.errors import ParameterError
from sonolens.core.features import FEATURES
from sonolens.core.params import WINDOWS, AnalysisParams

#: Short names users type for --features, mapped to engine feature names.
FEATURE_ALIASES = {
    "zcr": "zero_crossing_rate",
    "centroid": "spectral_centroid",
    "bandwidth": "spectral_bandwidth",
    "rolloff": "spectral_rolloff",
    "flatness": "spectral_flatness",
    "contrast": "spectral_contrast",
    "chroma_stft": "chroma",
}


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    d = AnalysisParams()
    g = parser.add_argument_group("analysis (defaults are librosa's)")
    g.add_argument("--sr", type=int, help="analysis sample rate in Hz (default: native rate)")
    g.add_argument("--channel", default="mix",
                   help="'mix' (mean of channels, default) or a 0-based channel index")
    g.add_argument("--n-fft", type=int, default=d.n_fft, help="FFT size in samples")
    g.add_argument("--hop-length", type=int, default=d.hop_length, help="hop in samples")
    g.add_argument("--win-length", type=int, help="window length in samples (default n_fft)")
    g.add_argument("--window", default=d.window, choices=sorted(WINDOWS))
    g.add_argument("--n-mels", type=int, default=d.n_mels)
    g.add_argument("--n-mfcc", type=int, default=d.n_mfcc)
    g.add_argument("--fmin", type=float, default=d.fmin, help="lowest mel frequency, Hz")
    g.add_argument("--fmax", type=float, help="highest mel frequency, Hz (default sr/2)")
    g.add_argument("--roll-percent", type=float, default=d.roll_percent)
    g.add_argument("--p", type=float, default=d.p, help="spectral bandwidth order")
    g.add_argument("--features", default="all",
                   help="comma-separated subset of: " + ", ".join(FEATURES) + " (default all)")


def params_from_args(args: argparse.Namespace) -> AnalysisParams:
    """Build and validate parameters; raises ParameterError naming the bad option."""
    channel: int | None
    if str(args.channel).lower() == "mix":
        channel = None
    else:
        try:
            channel = int(args.channel)
        except ValueError:
            raise ParameterError(f"channel={args.channel!r} must be 'mix' or an integer") from None
    return AnalysisParams(
        sr=args.sr, channel=channel, n_fft=args.n_fft, hop_length=args.hop_length,
        win_length=args.win_length, window=args.window, n_mels=args.n_mels,
        n_mfcc=args.n_mfcc, fmin=args.fmin, fmax=args.fmax, roll_percent=args.roll_percent,
        p=args.p,
    ).validate()


def features_from_args(text: str) -> tuple[str, ...]:
    if text.strip().lower() == "all":
        return FEATURES
    chosen = []
    for raw in text.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        name = FEATURE_ALIASES.get(name, name)
        if name not in FEATURES:
            raise ParameterError(
                f"features: unknown feature {raw.strip()!r} (choose from {', '.join(FEATURES)})"
            )
        chosen.append(name)
    if not chosen:
        raise ParameterError("features: no feature chosen")
    return tuple(f for f in FEATURES if f in chosen)
