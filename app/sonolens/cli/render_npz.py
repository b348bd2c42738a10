"""`sonolens render AUDIO -o OUT.npz`: the spectrogram matrix instead of an image.

Writes what File > Export > Spectrogram Matrix writes (``export.npz``: times, freqs,
values (n_rows, n_frames), kind, unit, sr, hop_length, params) for the ``--kind`` chosen,
dB kinds as the image draws them: re the file's maximum, floored at ``--db-range``
(librosa's ``amplitude_to_db(..., ref=np.max, top_db=80)`` by default; unit
"dB (re max)"). No Qt. One input only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sonolens.cli.report import Reporter, progress_bar
from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams


def wants_npz(output: Path) -> bool:
    return output.suffix.lower() == ".npz"


def render_npz(args: argparse.Namespace, params: AnalysisParams, kind: str | None,
               inputs: list[Path], reporter: Reporter) -> int:
    """Write the ``kind`` spectrogram of the one input to ``args.output``; exit status."""
    from sonolens.audio import open_source
    from sonolens.audio.excerpt import excerpt
    from sonolens.export.npz import export_spectrogram_npz
    from sonolens.export.own_input import refuse_own_inputs

    if kind is None:
        raise ParameterError(f"kind={args.kind!r} is a feature matrix: .npz holds a "
                             "spectrogram kind (use `sonolens extract` for features)")
    if len(inputs) != 1 or inputs[0].is_dir():
        raise ParameterError("-o OUT.npz takes one AUDIO file")
    path, target = inputs[0], args.output
    refuse_own_inputs([target], [path])
    with open_source(path) as opened:
        source = excerpt(opened, offset=args.offset, duration=args.duration)
        job = export_spectrogram_npz(source, params, kind, target, top_db=args.db_range)
        progress_bar(job, path.name, enabled=reporter.interactive)
        for note in source.warnings:
            reporter.warning(f"{path}: {note}")
    reporter.info(f"wrote the {kind} matrix of {path.name} to {target}")
    return 0
