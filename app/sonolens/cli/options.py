"""Analysis options shared by the subcommands; names mirror librosa's parameters."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from sonolens.core.catalog import CATALOG
from sonolens.core.errors import ParameterError, SonolensError
from sonolens.core.params import MAX_CHANNELS, WINDOWS, AnalysisParams

#: Short names users type for --features, mapped to engine feature names.
FEATURE_ALIASES = CATALOG.aliases()
_OPT_IN = tuple(name for name in CATALOG.names if name not in CATALOG.default_names)


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    d = AnalysisParams()
    g = parser.add_argument_group("analysis (defaults are librosa's)")
    g.add_argument("--sr", type=int, help="analysis sample rate in Hz (default: native rate)")
    g.add_argument("--channel", default="mix", metavar="1..N|mix",
                   help="channel to analyse, numbered from 1 as in the window (1 = the first, "
                        "N = the last), or 'mix': the mean of the channels (default)")
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
    g.add_argument("--pyin-fmin", type=float, default=d.pyin_fmin, metavar="HZ",
                   help="lowest pitch searched by f0 (pYIN), Hz (default C2 = 65.406)")
    g.add_argument("--pyin-fmax", type=float, default=d.pyin_fmax, metavar="HZ",
                   help="highest pitch searched by f0 (pYIN), Hz (default C7 = 2093.005; "
                        "clamped to Nyquist)")
    g.add_argument("--cqt-fmin", type=float, default=d.cqt_fmin, metavar="HZ",
                   help="lowest constant-Q bin (--kind cqt), Hz (default C1 = 32.703)")
    g.add_argument("--cqt-n-bins", type=int, default=d.cqt_n_bins,
                   help="constant-Q bins (default 84: 7 octaves)")
    g.add_argument("--cqt-bins-per-octave", type=int, default=d.cqt_bins_per_octave)
    g.add_argument("--cqt-gamma", type=float, default=d.cqt_gamma, metavar="HZ",
                   help="variable-Q bandwidth offset (librosa.vqt's gamma; 0 = constant-Q)")
    g.add_argument("--features", default="all",
                   help="comma-separated features: any of " + ", ".join(CATALOG.default_names)
                        + " (default all of these), and the opt-in "
                        + ", ".join(_OPT_IN) + "; 'all' stands for the default ones")


def channel_from_text(text: str) -> int | None:
    """``--channel`` (1-based, or 'mix') -> AnalysisParams.channel (0-based, None = mix)."""
    if str(text).strip().lower() == "mix":
        return None
    try:
        number = int(text)
    except ValueError:
        raise ParameterError(f"channel={text!r} must be 'mix' or a channel number "
                             "1..N") from None
    if not 1 <= number <= MAX_CHANNELS:
        raise ParameterError(f"channel={number}: channels are numbered from 1 (1..N for a "
                             f"file of N channels, at most {MAX_CHANNELS}), or 'mix'")
    return number - 1


def check_channel_exists(channel: int | None, paths: Iterable[Path]) -> None:
    """Raise ParameterError (a usage error) naming the first file of ``paths`` that has no
    channel ``channel`` (0-based; said 1-based). Files that cannot be opened are left to
    the command, which reports them as usual."""
    if channel is None:
        return
    from sonolens.audio import open_source

    for path in paths:
        try:
            with open_source(path) as source:
                channels = source.channels
        except SonolensError:
            continue
        if channel >= channels:
            raise ParameterError(
                f"channel={channel + 1}: {path} has {channels} channel"
                f"{'s' if channels != 1 else ''} (choose 1..{channels}, or mix)")


def params_from_args(args: argparse.Namespace) -> AnalysisParams:
    """Build and validate parameters; raises ParameterError naming the bad option."""
    channel = channel_from_text(args.channel)
    return AnalysisParams(
        sr=args.sr, channel=channel, n_fft=args.n_fft, hop_length=args.hop_length,
        win_length=args.win_length, window=args.window, n_mels=args.n_mels,
        n_mfcc=args.n_mfcc, fmin=args.fmin, fmax=args.fmax, roll_percent=args.roll_percent,
        p=args.p, pyin_fmin=args.pyin_fmin, pyin_fmax=args.pyin_fmax,
        cqt_fmin=args.cqt_fmin, cqt_n_bins=args.cqt_n_bins,
        cqt_bins_per_octave=args.cqt_bins_per_octave, cqt_gamma=args.cqt_gamma,
    ).validate()


def features_from_args(text: str) -> tuple[str, ...]:
    """--features text -> catalog names in CSV order ('all': the default features, which
    may be combined with opt-in ones: ``all,poly_features``)."""
    chosen: set[str] = set()
    for raw in text.split(","):
        if not raw.strip():
            continue
        if raw.strip().lower() == "all":
            chosen.update(CATALOG.default_names)
            continue
        name = CATALOG.resolve(raw)
        if name is None:
            raise ParameterError(
                f"features: unknown feature {raw.strip()!r} (choose from "
                f"{', '.join(CATALOG.names)})"
            )
        chosen.add(name)
    if not chosen:
        raise ParameterError("features: no feature chosen")
    return tuple(f for f in CATALOG.names if f in chosen)
