"""`sonolens render AUDIO --kind K -o OUT.npz`: a spectrogram kind's full-resolution matrix.

What File > Export > Matrix writes (export.npz; the reassigned kind: its freqs, times and
mags, export.reassigned_npz), for one AUDIO file (or --demo), with --offset/--duration
cutting an excerpt as for images. Qt is never loaded.
"""

from __future__ import annotations

import argparse

from sonolens.cli.options import check_channel_exists, params_from_args
from sonolens.cli.report import Reporter, progress_bar
from sonolens.core.catalog import CATALOG
from sonolens.core.errors import ParameterError
from sonolens.export.own_input import refuse_own_inputs

_KINDS = {kind.cli: kind.name for kind in CATALOG.kinds}


def render_npz(args: argparse.Namespace, reporter: Reporter) -> int:
    """Write the matrix of ``args.kind`` for the one input; raises SonolensError."""
    from sonolens.audio import open_source
    from sonolens.audio.excerpt import excerpt
    from sonolens.export.npz import export_spectrogram_npz
    from sonolens.resources import demo_sound

    if args.kind not in _KINDS:
        raise ParameterError(f"an .npz output holds a spectrogram kind's matrix "
                             f"({', '.join(_KINDS)}), not kind={args.kind!r}")
    inputs = list(args.audio) + ([demo_sound()] if args.demo else [])
    if len(inputs) != 1 or inputs[0].is_dir():
        raise ParameterError("an .npz output takes exactly one AUDIO file")
    if args.offset < 0 or (args.duration is not None and not args.duration > 0):
        raise ParameterError("offset must be >= 0 s and duration positive")
    params = params_from_args(args)
    refuse_own_inputs([args.output], inputs)
    check_channel_exists(params.channel, inputs)
    with open_source(inputs[0]) as opened:
        source = excerpt(opened, offset=args.offset, duration=args.duration)
        progress_bar(export_spectrogram_npz(source, params, _KINDS[args.kind], args.output),
                     inputs[0].name, enabled=reporter.interactive)
    reporter.info(f"wrote {args.kind} matrix to {args.output}")
    return 0
