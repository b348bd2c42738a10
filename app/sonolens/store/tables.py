"""What a stored feature table gives for a request of catalog features."""

from __future__ import annotations

from collections.abc import Iterable

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.dsp.table import FeatureTable


def wanted_columns(features: Iterable[str], params: AnalysisParams) -> list[str]:
    """The columns of ``features`` (catalog names) in catalog (CSV) order, as the engine
    returns them."""
    chosen = set(features)
    return [column for name in CATALOG.names if name in chosen
            for column in CATALOG.columns(name, params)]


def missing_features(table: FeatureTable | None, features: Iterable[str],
                     params: AnalysisParams) -> tuple[str, ...]:
    """The ``features`` (in catalog order) with a column ``table`` lacks."""
    chosen = set(features)
    have = table.columns if table is not None else {}
    return tuple(name for name in CATALOG.names if name in chosen
                 and any(column not in have for column in CATALOG.columns(name, params)))


def select(table: FeatureTable, features: Iterable[str], params: AnalysisParams
           ) -> FeatureTable:
    """A new table with the columns of ``features`` that ``table`` has, in catalog order."""
    columns = {name: table.columns[name] for name in wanted_columns(features, params)
               if name in table.columns}
    return FeatureTable(table.times, columns, table.sr, params, table.tuning,
                        list(table.warnings))
