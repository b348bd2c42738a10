"""Per-frame feature tables as CSV that pandas reads with no options.

Numbers are written with the shortest repr that round-trips their float64 value, so a
reader gets back exactly what was computed. Text cells that a spreadsheet would run as a
formula (starting with = + - @) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from typing import TextIO

import numpy as np

from sonolens.dsp.table import FeatureTable
from sonolens.export.atomic import atomic_write

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ROWS_PER_WRITE = 4096


def safe_text(cell: str) -> str:
    """Neutralise spreadsheet formulas in text cells (CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def write_feature_csv(
    path: str | os.PathLike[str], tables: Sequence[tuple[str, FeatureTable]], *,
    file_column: bool,
) -> None:
    """Write ``time`` + feature columns (and a leading ``file`` column) atomically."""
    names = tables[0][1].names if tables else []
    header = (["file"] if file_column else []) + ["time", *names]
    with atomic_write(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(header)
        for label, table in tables:
            _write_rows(handle, table, names, safe_text(label) if file_column else None)


def _write_rows(handle: TextIO, table: FeatureTable, names: list[str], label: str | None) -> None:
    values = np.column_stack([table.times] + [table.columns[n] for n in names])
    prefix = "" if label is None else _quote(label) + ","
    for first in range(0, len(values), _ROWS_PER_WRITE):
        text = values[first : first + _ROWS_PER_WRITE].astype(str)
        text[text == "nan"] = ""
        handle.write("".join(prefix + ",".join(row) + "\n" for row in text.tolist()))


def _quote(cell: str) -> str:
    if any(c in cell for c in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell
