"""Jobs of the compare window (plain generators, no Qt): the offset between two files,
their difference spectrogram and the comparison summary."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress


def align_job(path_a: str | Path, path_b: str | Path) -> Generator[Progress, None, object]:
    """The :class:`sonolens.dsp.align.Alignment` of B against A (files opened here)."""
    from sonolens.audio import open_source
    from sonolens.dsp.align import find_offset

    yield Progress(0, 1, "finding the offset")
    with open_source(path_a) as a, open_source(path_b) as b:
        alignment = find_offset(a, b)
    yield Progress(1, 1, "finding the offset")
    return alignment


def overlap_frames(a, b, offset: float, params: AnalysisParams) -> tuple[int, int]:
    """Frames [first, stop) (A's analysis frames) centred where A and B (the file, not
    moved; its audio starts ``offset`` s later) both have audio."""
    from sonolens.dsp.compare import centred_frames, overlap_seconds

    start, end = overlap_seconds(offset, a.frames / a.samplerate, b.frames / b.samplerate)
    return centred_frames(start, end, hop_length=params.hop_length,
                          sr=params.sr or a.samplerate)


def difference_window_job(path_a: str | Path, path_b: str | Path, offset: float,
                          params: AnalysisParams, max_columns: int):
    """The difference spectrogram B - A over the frames both cover, B moved by ``offset``
    s, at A's analysis rate (``params`` as A's)."""
    from sonolens.audio import open_source
    from sonolens.audio.shifted import ShiftedSource
    from sonolens.dsp.difference import difference_job

    with open_source(path_a) as a, open_source(path_b) as b:
        first, stop = overlap_frames(a, b, offset, params)
        return (yield from difference_job(a, ShiftedSource.by_offset(b, offset), params,
                                          first=first, stop=stop, max_columns=max_columns))


def difference_detail_job(a, b, offset: float, params: AnalysisParams, first: int, stop: int,
                          factor: int):
    """The difference of frames [first, stop) within :func:`difference_window_job`'s,
    ``factor`` frames a column, read at random from the open sources: ``a`` and ``b``
    (the file, not moved) read on this thread (FileSource reads are locked)."""
    from sonolens.audio.shifted import ShiftedSource
    from sonolens.dsp.difference import difference_range_job

    lo, hi = overlap_frames(a, b, offset, params)
    return (yield from difference_range_job(
        a, ShiftedSource.by_offset(b, offset), params, first=max(first, lo),
        stop=min(stop, hi), factor=factor))


def summary_job(path_a: str | Path, path_b: str | Path, offset: float, params: AnalysisParams,
                table_a, table_b, start: float, end: float, lsd: float | None = None):
    """(summary rows of dsp.compare.summary, log-spectral distance dB) of the two aligned
    tables over [start, end] s (A's time); the distance from the frames of that span,
    unless given (``lsd``: the difference spectrogram's, when it covers that span)."""
    from sonolens.audio import open_source
    from sonolens.audio.shifted import ShiftedSource
    from sonolens.dsp.compare import centred_frames, side_by_side, summary
    from sonolens.dsp.difference import difference_job

    yield Progress(0, 2, "comparing")
    rows = summary(side_by_side(table_a, table_b, start, end))
    yield Progress(1, 2, "comparing")
    if lsd is not None:
        return rows, lsd
    with open_source(path_a) as a, open_source(path_b) as b:
        first, stop = centred_frames(start, end, hop_length=params.hop_length,
                                     sr=params.sr or a.samplerate)
        difference = yield from difference_job(a, ShiftedSource.by_offset(b, offset), params,
                                               first=first, stop=stop)
    return rows, difference.lsd


def feature_difference_job(table_a, table_b):
    """B - A of every column the two aligned tables share, per frame: a FeatureTable on
    A's frames (the shorter length), curve pyramids built here, not on the GUI thread."""
    import numpy as np

    from sonolens.dsp.table import FeatureTable
    from sonolens.workers.jobs import DRAWN_CURVES

    yield Progress(0, 1, "feature differences")
    n = min(table_a.n_frames, table_b.n_frames)
    columns = {name: (np.asarray(table_b.columns[name][:n], dtype=np.float64)
                      - table_a.columns[name][:n]).astype(np.float32)
               for name in table_a.names if name in table_b.columns}
    table = FeatureTable(np.asarray(table_a.times[:n]), columns, table_a.sr, table_a.params)
    for name in DRAWN_CURVES:
        if name in table.columns:
            table.pyramid(name)
    return table
