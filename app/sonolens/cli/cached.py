"""The analysis cache for `sonolens extract` and `render`: look up before computing, store
after (``--no-cache`` or SONOLENS_NO_CACHE=1: neither). Results served from the cache are
the computed ones, so outputs are byte-identical either way."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.store.cache import AnalysisCache, cache_from_env

if TYPE_CHECKING:  # scipy.fft: not on the CLI's start-up path
    from sonolens.dsp.spectrogram import Spectrogram
    from sonolens.dsp.table import FeatureTable


def add_cache_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the analysis cache (also: "
                             "SONOLENS_NO_CACHE=1; where: SONOLENS_CACHE_DIR)")


def cache_for(args: argparse.Namespace) -> AnalysisCache | None:
    return None if getattr(args, "no_cache", False) else cache_from_env()


def cached_table(cache: AnalysisCache | None, path: str | os.PathLike[str],
                 params: AnalysisParams, features: Iterable[str] | None,
                 compute: Callable[[], FeatureTable], *, extra: dict[str, Any] | None = None,
                 source: Any = None) -> FeatureTable:
    """The ``features`` (None: the default ones) of the file at ``path``: from the cache
    if it holds every column, else ``compute()`` (then stored, unless reading ``source``
    met a problem: a damaged file's facts, such as where its data ends, are not cached)."""
    identity = cache.identify(path) if cache is not None else None
    if cache is None or identity is None:
        return compute()
    from sonolens.store.tables import missing_features, select

    params = params.validate()
    names = tuple(CATALOG.default_names if features is None else features)
    stored = cache.table(identity, params, extra)
    if stored is not None and not missing_features(stored, names, params):
        return select(stored, names, params)
    table = compute()
    if table.complete and cache.identify(path) == identity and _healthy(source):
        cache.put_table(identity, table, extra=extra)  # (unchanged while computed)
    return table


def cached_spectrogram(cache: AnalysisCache | None, path: str | os.PathLike[str],
                       params: AnalysisParams, kind: str, compute: Callable[[], Spectrogram],
                       *, extra: dict[str, Any] | None = None, source: Any = None
                       ) -> Spectrogram:
    """The ``kind`` spectrogram of the file at ``path``: from the cache, else ``compute()``
    (a store of the default size, then stored)."""
    identity = cache.identify(path) if cache is not None else None
    if cache is None or identity is None:
        return compute()
    from sonolens.dsp.spectrogram import STORED_BYTES
    from sonolens.dsp.tiles import DEFAULT_TILE_BYTES

    # compute_spectrogram's default store, as the window's: the entries are shared
    sizing = {"max_bytes": STORED_BYTES, "tile_bytes": DEFAULT_TILE_BYTES}
    spec = cache.spectrogram(identity, params.validate(), kind, sizing=sizing, extra=extra)
    if spec is not None:
        return spec
    spec = compute()
    if spec.complete and cache.identify(path) == identity and _healthy(source):
        cache.put_spectrogram(identity, spec, extra=extra)  # (unchanged while computed)
    return spec


def _healthy(source: Any) -> bool:
    """Whether reading ``source`` met no problem (no warning: end, NaN, header)."""
    return source is None or not source.warnings
