"""The comparison table of two aligned recordings, as ``sonolens compare -o OUT.csv`` and the
compare window's export write it: A's features and B's (B moved by the offset, at A's
analysis rate), side by side over the frames where both have audio."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable
from dataclasses import replace

from sonolens.audio.protocol import AudioSource
from sonolens.audio.shifted import ShiftedSource
from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress, relay
from sonolens.dsp.compare import overlap_seconds, side_by_side
from sonolens.dsp.pitch import extract_with_pitch
from sonolens.dsp.table import FeatureTable


def comparison_table(a: AudioSource, b: AudioSource, offset: float, params: AnalysisParams,
                     features: Iterable[str] | None = None
                     ) -> Generator[Progress, None, FeatureTable]:
    """``time`` then ``<column>_a``, ``<column>_b``, ``<column>_diff`` per feature column
    (dsp.compare.side_by_side); ParameterError when A and B do not overlap at ``offset``."""
    start, end = overlap_seconds(offset, a.frames / a.samplerate, b.frames / b.samplerate)
    if start >= end:
        raise ParameterError(f"at offset {offset:.6f} s the two recordings do not overlap")
    names = None if features is None else tuple(features)

    def half(k: int):
        return lambda p: Progress(k * p.total + p.done, 2 * max(p.total, 1),
                                  "analysing A" if k == 0 else "analysing B")

    table_a = yield from relay(extract_with_pitch(a, params, names), half(0))
    moved = ShiftedSource.by_offset(b, offset)
    params_b = replace(params, sr=table_a.sr)  # B at A's analysis rate
    table_b = yield from relay(extract_with_pitch(moved, params_b, names), half(1))
    return side_by_side(table_a, table_b, start, end)


def write_comparison_csv(path: str | os.PathLike[str], path_a: str | os.PathLike[str],
                         path_b: str | os.PathLike[str], offset: float,
                         params: AnalysisParams, features: Iterable[str] | None = None
                         ) -> Generator[Progress, None, FeatureTable]:
    """Open both files, compute :func:`comparison_table`, write it atomically to ``path``
    (refused if ``path`` is one of the inputs); returns the table."""
    from sonolens.audio import open_source
    from sonolens.export.csv_table import feature_csv_steps
    from sonolens.export.own_input import refuse_own_inputs

    refuse_own_inputs([path], [path_a, path_b])
    with open_source(path_a) as a, open_source(path_b) as b:
        table = yield from comparison_table(a, b, offset, params, features)
    yield from feature_csv_steps(path, [(str(path_a), table)], file_column=False)
    return table
