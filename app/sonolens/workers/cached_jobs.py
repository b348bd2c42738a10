"""The window's jobs, served from the analysis cache when it holds their results (no Qt).

:class:`CacheHook` wraps the coordinator's job entries: a wrapped job first identifies
the file and looks its results up in the cache, on the worker thread; what is found is
returned as if computed (the spectrogram and envelope drawn at once), and only what is
missing is computed (features the stored table lacks are computed alone and joined).
When a job ends, :meth:`CacheHook.store_job` gives a job writing its complete results to
the cache in the background.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from sonolens.core.catalog import CATALOG
from sonolens.core.progress import Progress
from sonolens.model.results import ENVELOPE, FEATURES, PITCH, SPECTROGRAM
from sonolens.store.cache import AnalysisCache
from sonolens.store.identity import FileIdentity
from sonolens.store.tables import missing_features, select
from sonolens.workers import jobs
from sonolens.workers.registry import (
    ANALYSIS,
    FEATURES_ADDED,
    FEATURES_ONLY,
    PITCH_TRACK,
    SPECTROGRAM_ONLY,
    JobEntry,
)

KEY_CACHE = "cache-store"  # runner keys of store jobs: KEY_CACHE-<n>, one per store


def window_sizing() -> dict[str, int]:
    """The sizing of the window's spectrogram store (new_spectrogram's default)."""
    from sonolens.dsp.spectrogram import STORED_BYTES
    from sonolens.dsp.tiles import DEFAULT_TILE_BYTES

    return {"max_bytes": STORED_BYTES, "tile_bytes": DEFAULT_TILE_BYTES}


@dataclass
class Lookup:
    """What a wrapped job found out on its worker (read once its result has arrived)."""

    identity: FileIdentity | None = None
    served: set[str] = field(default_factory=set)  # result keys taken from the cache


def _identify(cache: AnalysisCache, source: Any, lookup: Lookup) -> FileIdentity | None:
    lookup.identity = cache.identify(getattr(source, "path", None))
    return lookup.identity


def cached_analysis(cache: AnalysisCache, lookup: Lookup, source, params, kind: str, *,
                    envelope: bool = False, features: tuple[str, ...] | None = None):
    """``jobs.analysis_job`` with what the cache holds: the spectrogram (and envelope)
    from it, and the features it lacks computed alone."""
    identity = _identify(cache, source, lookup)
    spec = env = None
    if identity is not None:
        spec = cache.spectrogram(identity, params, kind, sizing=window_sizing())
        env = cache.envelope(identity) if envelope and spec is not None else None
    if spec is None or (envelope and env is None):
        return (yield from jobs.analysis_job(source, params, kind, envelope=envelope,
                                             features=features))
    lookup.served.update((SPECTROGRAM, ENVELOPE) if envelope else (SPECTROGRAM,))
    yield Progress(0, 1, "cache", partial=(spec, env, None))  # drawn now
    table = yield from _cached_table(cache, lookup, identity, source, params, features)
    return table, spec, env


def cached_features(cache: AnalysisCache, lookup: Lookup, source, params,
                    features: tuple[str, ...] | None = None):
    """``jobs.features_job`` with the stored table's columns."""
    identity = _identify(cache, source, lookup)
    if identity is None:
        return (yield from jobs.features_job(source, params, features))
    return (yield from _cached_table(cache, lookup, identity, source, params, features))


def _cached_table(cache: AnalysisCache, lookup: Lookup, identity: FileIdentity, source,
                  params, features: tuple[str, ...] | None):
    names = CATALOG.default_names if features is None else features
    stored = cache.table(identity, params)
    missing = missing_features(stored, names, params)
    if stored is None or len(missing) == len(names):
        return (yield from jobs.features_job(source, params, features))
    table = select(stored, names, params)
    if not missing:
        lookup.served.add(FEATURES)
        return jobs._with_curve_pyramids(table)
    return (yield from jobs.added_features_job(source, params, table, missing))


def cached_added(cache: AnalysisCache, lookup: Lookup, source, params, table,
                 added: tuple[str, ...]):
    """``jobs.added_features_job`` with the ``added`` columns of the stored table when it
    holds them all (an export after a reopen reads them, it does not compute them)."""
    identity = _identify(cache, source, lookup)
    stored = cache.table(identity, params) if identity is not None else None
    if (stored is None or missing_features(stored, added, params)
            or stored.n_frames != table.n_frames):
        return (yield from jobs.added_features_job(source, params, table, added))
    lookup.served.add(FEATURES)
    yield Progress(1, 1, "cache")
    return jobs.joined_tables(table, select(stored, added, params), params)


def cached_spectrogram(cache: AnalysisCache, lookup: Lookup, source, params, kind: str):
    """``jobs.spectrogram_job`` from the cache when it holds it."""
    identity = _identify(cache, source, lookup)
    spec = (cache.spectrogram(identity, params, kind, sizing=window_sizing())
            if identity is not None else None)
    if spec is None:
        return (yield from jobs.spectrogram_job(source, params, kind))
    lookup.served.add(SPECTROGRAM)
    yield Progress(1, 1, "cache", partial=spec)
    return spec


def cached_pitch(cache: AnalysisCache, lookup: Lookup, source, params):
    """``jobs.pitch_job`` from the cache when it holds the track."""
    identity = _identify(cache, source, lookup)
    track = cache.pitch(identity, params) if identity is not None else None
    if track is None:
        return (yield from jobs.pitch_job(source, params))
    lookup.served.add(PITCH)
    yield Progress(1, 1, "cache")
    return track


_WRAPPED: dict[JobEntry, Callable[..., Generator]] = {
    ANALYSIS: cached_analysis, FEATURES_ONLY: cached_features,
    SPECTROGRAM_ONLY: cached_spectrogram, FEATURES_ADDED: cached_added,
    PITCH_TRACK: cached_pitch,
}


class CacheHook:
    """The coordinator's use of the cache: ``cache`` None turns it off."""

    def __init__(self, cache: AnalysisCache | None = None) -> None:
        self.cache = cache
        self._lookups: dict[str, Lookup] = {}  # runner key -> the last wrapped job's
        self._serial = itertools.count()

    def job(self, entry: JobEntry, args: tuple, kwargs: dict) -> Callable[[], Generator]:
        """The job factory for ``entry.run(*args, **kwargs)``: cached when it can be."""
        wrapped, cache = _WRAPPED.get(entry), self.cache
        self._lookups.pop(entry.key, None)
        if wrapped is None or cache is None:
            return lambda: entry.run(*args, **kwargs)
        lookup = self._lookups[entry.key] = Lookup()
        return lambda: wrapped(cache, lookup, *args, **kwargs)

    def adopt(self, key: str, lookup: Lookup | None) -> None:
        """A job under ``key`` started elsewhere (workers.prefetch) with this lookup: its
        results are stored as a wrapped job's (not if the cache is off here)."""
        self._lookups.pop(key, None)
        if lookup is not None and self.cache is not None:
            self._lookups[key] = lookup

    def store_job(self, key: str, entry: JobEntry | None, result: object
                  ) -> tuple[str, Callable[[], Generator]] | None:
        """(runner key, job) storing what the job under ``key`` computed (not what it
        took from the cache); None if there is nothing to store."""
        lookup, cache = self._lookups.pop(key, None), self.cache
        if entry is None or lookup is None or lookup.identity is None or cache is None:
            return None
        offers = [(name, value) for name, value in entry.results(result)
                  if name not in lookup.served and value is not None
                  and getattr(value, "complete", False)]
        if not offers:
            return None
        return (f"{KEY_CACHE}-{next(self._serial)}",
                lambda: store(cache, lookup.identity, offers))  # type: ignore[arg-type]


def store(cache: AnalysisCache, identity: FileIdentity, offers: list[tuple[str, Any]]):
    """Write ``offers`` (result key, complete value) for the file ``identity`` names,
    unless the file has changed since it was identified (its results are not its own)."""
    yield Progress(0, 1, "caching")
    if cache.identify(identity.path) != identity:
        return None
    for name, value in offers:
        if name == SPECTROGRAM:
            cache.put_spectrogram(identity, value)
        elif name == ENVELOPE:
            cache.put_envelope(identity, value)
        elif name == FEATURES:
            cache.put_table(identity, value)
        elif name == PITCH:
            cache.put_pitch(identity, value)
    return None
