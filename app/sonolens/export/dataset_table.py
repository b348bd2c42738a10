"""One row per audio file: the table ``sonolens dataset`` writes (pure: no Qt, no decoding).

Layout ``features``: ``filename, label`` then ``<column>_<stat>`` for every per-frame
column of ``sonolens extract`` (same names) and every statistic, e.g. ``rms_mean,
rms_std, ...``. Statistics are numpy's over the frames, in float64: ``mean``, ``std``
(``ddof=0``), ``min``, ``max``, ``median``.

Layout ``gtzan``: the header of the classic GTZAN genre-classification tutorial,
``filename, chroma_stft, rmse, spectral_centroid, spectral_bandwidth, rolloff,
zero_crossing_rate, mfcc1 .. mfcc20, label``: each a mean over frames (chroma over all
bins and frames), analysed as that tutorial loads (22050 Hz mono, the first 30 s).

``filename`` is the path relative to the walked folder with ``/`` separators; ``label``
its first folder (empty for files directly in the folder). Text cells are made safe for
spreadsheets (``export.csv_text``); numbers are the shortest repr of the float64 value,
NaN an empty cell.
"""

from __future__ import annotations

import csv
import io
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import numpy as np

from sonolens.core.annotations import AnnotationSet
from sonolens.core.catalog import CATALOG
from sonolens.core.errors import OutputError, ParameterError
from sonolens.core.features import FEATURES
from sonolens.core.params import AnalysisParams
from sonolens.dsp.pitch import PITCH, pitch_summary
from sonolens.dsp.table import FeatureTable
from sonolens.export.annotation_stats import STATISTICS, annotation_statistics
from sonolens.export.atomic import atomic_write
from sonolens.export.csv_text import safe_text, unsafe_text

DEFAULT_STATS = ("mean", "std")
LAYOUTS = ("features", "gtzan")

GTZAN_SR = 22050
GTZAN_DURATION = 30.0
#: Engine features the GTZAN layout needs (no flatness, no contrast).
GTZAN_FEATURES = ("rms", "zero_crossing_rate", "spectral_centroid", "spectral_bandwidth",
                  "spectral_rolloff", "chroma", "mfcc")
#: GTZAN header name -> the engine column it averages (chroma: all 12 ``chroma_*``).
_GTZAN_COLUMNS = {
    "chroma_stft": "chroma_", "rmse": "rms", "spectral_centroid": "spectral_centroid",
    "spectral_bandwidth": "spectral_bandwidth", "rolloff": "spectral_rolloff",
    "zero_crossing_rate": "zero_crossing_rate",
}


PITCH_SUMMARY = ("f0_median", "voiced_fraction")  # with f0: per file, over all its frames


@dataclass(frozen=True)
class DatasetSpec:
    """What one row holds and how each file is read (picklable: sent to worker processes).

    offset / duration: seconds of each file analysed (``librosa.load`` semantics);
    duration None = to the end.
    """

    params: AnalysisParams = field(default_factory=AnalysisParams)
    features: tuple[str, ...] = FEATURES
    stats: tuple[str, ...] = DEFAULT_STATS
    layout: str = "features"
    offset: float = 0.0
    duration: float | None = None
    annotations: bool = False  # one row per annotation of the label file beside each file
    tempo: bool = False  # a last column "tempo": beat_track's BPM of the file (issue 17)

    @classmethod
    def gtzan(cls, params: AnalysisParams | None = None, *, offset: float = 0.0,
              duration: float | None = GTZAN_DURATION) -> DatasetSpec:
        """The tutorial's table: 22050 Hz (unless ``params.sr`` says otherwise), mono mix."""
        params = params or AnalysisParams()
        if params.sr is None:
            params = params.replace(sr=GTZAN_SR)
        return cls(params, GTZAN_FEATURES, ("mean",), "gtzan", offset, duration).validate()

    def validate(self) -> DatasetSpec:
        """Raise ParameterError naming the first bad choice; return self."""
        self.params.validate()
        if self.layout not in LAYOUTS:
            raise ParameterError(f"layout={self.layout!r} is not one of {', '.join(LAYOUTS)}")
        unknown = [f for f in self.features if f not in CATALOG.names]
        if unknown or not self.features:
            raise ParameterError(f"features: choose from {', '.join(CATALOG.names)}")
        bad = [s for s in self.stats if s not in STATISTICS]
        if bad or not self.stats:
            raise ParameterError(f"stats: unknown {', '.join(bad) or 'none chosen'} "
                                 f"(choose from {', '.join(STATISTICS)})")
        if self.annotations and (self.layout != "features" or self.offset
                                 or self.duration is not None):
            raise ParameterError("annotations: one row per annotation of each whole file "
                                 "(not with --layout gtzan, --offset or --duration)")
        if self.tempo and (self.layout != "features" or self.annotations):
            raise ParameterError("tempo: one value per file (not with --layout gtzan or "
                                 "--annotations)")
        if self.layout == "gtzan" and set(self.features) != set(GTZAN_FEATURES):
            raise ParameterError("the gtzan layout has fixed features")
        if not math.isfinite(self.offset) or self.offset < 0:
            raise ParameterError(f"offset={self.offset:g} s must be >= 0")
        if self.duration is not None and not (math.isfinite(self.duration)
                                              and self.duration > 0):
            raise ParameterError(f"duration={self.duration:g} s must be positive")
        return self

    def frame_columns(self) -> list[str]:
        """The per-frame columns of ``sonolens extract`` this spec summarises."""
        p = self.params
        names: list[str] = []
        summarised = {PITCH} if self.pitch_summary else set()  # f0: its own two columns
        for feature in (f for f in CATALOG.names if f in self.features
                        and f not in summarised):
            names += CATALOG.columns(feature, p)
        return names

    @property
    def pitch_summary(self) -> bool:
        """f0 among the features (one row per file): ``f0_median`` (Hz, voiced frames)
        and ``voiced_fraction`` instead of statistics of its columns."""
        return PITCH in self.features and not self.annotations

    def value_names(self) -> list[str]:
        """Names of the numeric cells of a row, in order."""
        if self.layout == "gtzan":
            mfcc = [f"mfcc{i}" for i in range(1, self.params.n_mfcc + 1)]
            return [*_GTZAN_COLUMNS, *mfcc]
        names = [f"{column}_{stat}" for column in self.frame_columns() for stat in self.stats]
        names += list(PITCH_SUMMARY) if self.pitch_summary else []
        return [*names, "tempo"] if self.tempo else names

    def header(self) -> list[str]:
        if self.annotations:
            return ["filename", "label", "tier", "start", "end", "low_hz", "high_hz",
                    *self.value_names()]
        if self.layout == "gtzan":
            return ["filename", *self.value_names(), "label"]
        return ["filename", "label", *self.value_names()]

    def values(self, table: FeatureTable, tempo: float | None = None) -> tuple[float, ...]:
        """The numbers of one row from a file's per-frame ``table`` (float64 statistics)
        and, when the spec has it, its ``tempo`` (BPM)."""
        if self.layout == "gtzan":
            return _gtzan_values(table, self.params.n_mfcc)
        out: list[float] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN contrast bands -> NaN
            for column in self.frame_columns():
                data = np.asarray(table.columns[column], dtype=np.float64)
                out += [float(STATISTICS[stat](data)) for stat in self.stats]
        if self.pitch_summary:
            out += pitch_summary(table.columns["f0"], table.columns["voiced_flag"])
        if self.tempo:
            out.append(float("nan") if tempo is None else float(tempo))
        return tuple(out)

    def annotation_values(self, table: FeatureTable, annotations: AnnotationSet
                          ) -> tuple[tuple[Any, ...], ...]:
        """Per annotation (tier then time order): (label, tier, start, end, low_hz, high_hz,
        *statistics over its frames: export.annotation_stats.annotation_statistics)."""
        ordered = annotations.sorted()
        _, stats = annotation_statistics(table, ordered, self.frame_columns(), self.stats)
        return tuple((a.label, a.tier, a.start, a.end, a.low_hz, a.high_hz,
                      *(float(v) for v in values)) for a, values in zip(ordered, stats,
                                                                         strict=True))

    def rows(self, filename: str, values: Any) -> dict[str, list[str]]:
        """Key -> CSV cells of one file's row(s): the file name, or with annotations the
        file name + a NUL + the annotation's number (so rows sort by file, then number)."""
        if not self.annotations:
            return {filename: self.row(filename, values)}
        rows = {}
        for k, (label, tier, start, end, low, high, *stats) in enumerate(values):
            cells = [safe_text(filename), safe_text(label), safe_text(tier),
                     format_number(start), format_number(end),
                     "" if low is None else format_number(low),
                     "" if high is None else format_number(high),
                     *(format_number(v) for v in stats)]
            rows[row_key(filename, k)] = cells
        return rows

    def row(self, filename: str, values: Sequence[float]) -> list[str]:
        """CSV cells of one file, in :meth:`header` order."""
        numbers = [format_number(v) for v in values]
        name, label = safe_text(filename), safe_text(label_of(filename))
        if self.layout == "gtzan":
            return [name, *numbers, label]
        return [name, label, *numbers]


def _gtzan_values(table: FeatureTable, n_mfcc: int) -> tuple[float, ...]:
    out = []
    for prefix in _GTZAN_COLUMNS.values():
        if prefix == "chroma_":
            data = np.stack([v for k, v in table.columns.items() if k.startswith(prefix)])
        else:
            data = table.columns[prefix]
        out.append(float(np.mean(data, dtype=np.float64)))
    out += [float(np.mean(table.columns[f"mfcc_{i}"], dtype=np.float64))
            for i in range(1, n_mfcc + 1)]
    return tuple(out)


def row_key(filename: str, number: int) -> str:
    """The key of a file's ``number``-th annotation row: rows sort by file, then number."""
    return f"{filename}\0{number:06d}"


def file_of(key: str) -> str:
    """The filename of a row key (:func:`row_key`, or a plain filename)."""
    return key.split("\0", 1)[0]


def format_number(value: float) -> str:
    """Shortest round-trip text of a float64; NaN is an empty cell."""
    return "" if math.isnan(value) else repr(float(value))


def relative_name(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> str:
    """``path`` relative to ``root`` with ``/`` separators (``blues/a.wav``)."""
    return Path(path).relative_to(root).as_posix()


def label_of(filename: str) -> str:
    """The first folder of a relative ``filename``; empty for a file at the top level."""
    parts = PurePath(filename).parts
    return parts[0] if len(parts) > 1 else ""


def errors_path(output: str | os.PathLike[str]) -> Path:
    """Where the failed files of ``output`` are listed: ``data.csv`` -> ``data.errors.csv``."""
    out = Path(output)
    return out.with_name(out.stem + ".errors.csv") if out.suffix else out.with_name(
        out.name + ".errors.csv")


def read_rows(path: str | os.PathLike[str], header: Sequence[str], *,
              numbered: bool = False) -> dict[str, list[str]]:
    """Rows of an earlier ``sonolens dataset`` output, keyed by (un-escaped) filename, or
    if ``numbered`` (one row per annotation) as :meth:`DatasetSpec.rows` keys them: the
    filename + a NUL + the row's number among that file's rows.

    Raises OutputError if the file cannot be read or its header differs from ``header``.
    """
    try:
        with open(path, newline="", encoding="utf-8", errors="surrogateescape") as handle:
            reader = csv.reader(handle)
            found = next(reader, None)
            if found != list(header):
                raise OutputError(
                    f"{path}: its columns differ from this run's ({len(found or [])} vs "
                    f"{len(header)}); cannot resume (use the same options, or another -o)")
            at = list(header).index("filename")
            rows: dict[str, list[str]] = {}
            counts: dict[str, int] = {}
            for cells in reader:
                if len(cells) == len(header):
                    name = unsafe_text(cells[at])
                    if numbered:
                        counts[name] = k = counts.get(name, 0) + 1
                        name = row_key(name, k - 1)
                    rows[name] = cells
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise OutputError(f"{path}: cannot be read to resume ({exc})") from exc


def write_rows(path: str | os.PathLike[str], header: Sequence[str],
               rows: Mapping[str, Sequence[str]]) -> None:
    """Write ``header`` and ``rows`` sorted by filename, atomically (OutputError on failure)."""
    _write_csv(path, header, (rows[name] for name in sorted(rows)))


def write_errors(path: str | os.PathLike[str], errors: Iterable[tuple[str, str]]) -> None:
    """``filename,error`` rows (sorted by filename), atomically."""
    cells = ([safe_text(name), safe_text(message)] for name, message in sorted(errors))
    _write_csv(path, ["filename", "error"], cells)


def _write_csv(path: str | os.PathLike[str], header: Sequence[str],
               rows: Iterable[Sequence[str]]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # file names that are not valid UTF-8 are written byte for byte (and read back so)
    with atomic_write(path, "w", encoding="utf-8", errors="surrogateescape",
                      newline="") as handle:
        handle.write(text.getvalue())
