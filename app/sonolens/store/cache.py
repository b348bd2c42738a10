"""The analysis cache: lookups and stores of complete results, LRU-bounded in size.

An entry is keyed by a sha256 of: the format version, what it holds, the file's identity
(:mod:`~sonolens.store.identity`) and every parameter the result depends on (a
spectrogram: the STFT fields, its kind's own fields and the store's sizing; a feature
table or a pitch track: all AnalysisParams, whatever columns a table holds; an envelope:
its bin size). A
table's entry gathers the columns computed for those parameters (a later store adds its
columns), so a different feature choice reuses what is there.

Where: SONOLENS_CACHE_DIR, else $XDG_CACHE_HOME (or ~/.cache)/sonolens/analysis.
SONOLENS_NO_CACHE=1 turns it off (``cache_from_env`` gives None).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.store.entries import (
    FORMAT_VERSION,
    TEMP_PREFIX,
    entry_bytes,
    read_entry,
    remove_entry,
    write_entry,
)
from sonolens.store.identity import FileIdentity, identify

if TYPE_CHECKING:  # the codec loads the dsp modules (scipy.fft) only when used
    from sonolens.dsp.envelope import WaveformEnvelope
    from sonolens.dsp.spectrogram_store import Spectrogram
    from sonolens.dsp.table import FeatureTable

DEFAULT_LIMIT = 2 * 2**30  # bytes on disk
#: the STFT fields every spectrogram kind depends on (as workers.analysis.spectrogram_params)
SPECTROGRAM_FIELDS = ("sr", "channel", "n_fft", "hop_length", "win_length", "window",
                      "fmin", "fmax")
_STALE_TEMP_SECONDS = 3600


def default_cache_dir() -> Path:
    """SONOLENS_CACHE_DIR, else the user's cache folder + sonolens/analysis."""
    chosen = os.environ.get("SONOLENS_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sonolens" / "analysis"


def disabled_by_env() -> bool:
    return os.environ.get("SONOLENS_NO_CACHE", "").strip() not in ("", "0")


def cache_from_env(limit: int = DEFAULT_LIMIT) -> AnalysisCache | None:
    """The user's cache, or None when SONOLENS_NO_CACHE turns it off."""
    return None if disabled_by_env() else AnalysisCache(default_cache_dir(), limit)


def spectrogram_fields(params: AnalysisParams, kind: str) -> dict[str, Any]:
    """The parameters a ``kind`` spectrogram depends on, by name."""
    names = SPECTROGRAM_FIELDS + CATALOG.kind(kind).fields
    return {name: getattr(params, name) for name in names}


class AnalysisCache:
    """Complete results under ``root``, at most ``limit`` bytes (least recently used
    entries go first). Every method is safe to call from a worker thread; a lookup that
    finds nothing usable returns None, a store that cannot write does nothing."""

    def __init__(self, root: str | os.PathLike[str], limit: int = DEFAULT_LIMIT, *,
                 mmap: bool = True) -> None:
        self.root = Path(root)
        self.limit = int(limit)
        self.mmap = mmap

    # -- identity and keys ---------------------------------------------------------------
    @staticmethod
    def identify(path: str | os.PathLike[str] | None) -> FileIdentity | None:
        """The file's identity, or None (no file, unreadable)."""
        if path is None:
            return None
        try:
            return identify(path)
        except OSError:
            return None

    @staticmethod
    def _key(what: str, identity: FileIdentity, fields: dict[str, Any],
             extra: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
        key = {"format": FORMAT_VERSION, "what": what, "file": identity.as_dict(),
               "params": fields, "extra": extra or {}}
        text = json.dumps(key, sort_keys=True)
        return f"{what}-{hashlib.sha256(text.encode()).hexdigest()}", json.loads(text)

    # -- lookups -------------------------------------------------------------------------
    def spectrogram(self, identity: FileIdentity, params: AnalysisParams, kind: str, *,
                    sizing: dict[str, Any], extra: dict[str, Any] | None = None
                    ) -> Spectrogram | None:
        """The ``kind`` spectrogram stored with this ``sizing`` (max_bytes, tile_bytes),
        rebuilt for ``params``."""
        name, key = self._key("spectrogram", identity,
                              {**spectrogram_fields(params, kind), "kind": kind, **sizing},
                              extra)
        from sonolens.store import codec

        return self._decoded(name, key, lambda f, a: codec.decode_spectrogram(f, a, params))

    def envelope(self, identity: FileIdentity, base: int = 64) -> WaveformEnvelope | None:
        from sonolens.store import codec

        name, key = self._key("envelope", identity, {"base": base}, None)
        return self._decoded(name, key, codec.decode_envelope)

    def table(self, identity: FileIdentity, params: AnalysisParams,
              extra: dict[str, Any] | None = None) -> FeatureTable | None:
        """Every column stored for ``params`` (in no particular order)."""
        from sonolens.store import codec

        name, key = self._key("features", identity, params.as_dict(), extra)
        return self._decoded(name, key, lambda f, a: codec.decode_table(f, a, params))

    def pitch(self, identity: FileIdentity, params: AnalysisParams) -> Any:
        """The dsp.pitch.PitchTrack stored for ``params``."""
        from sonolens.store import codec

        name, key = self._key("pitch", identity, params.as_dict(), None)
        return self._decoded(name, key, lambda f, a: codec.decode_pitch(f, a, params))

    def _decoded(self, name: str, key: dict[str, Any], decode) -> Any:
        try:
            found = read_entry(self.root, name, key, mmap=self.mmap)
        except OSError:
            return None
        if found is None:
            return None
        try:
            return decode(*found)
        except Exception:  # arrays that do not make the result: rebuilt
            remove_entry(self.root / name)
            return None

    # -- stores --------------------------------------------------------------------------
    def put_spectrogram(self, identity: FileIdentity, spec: Spectrogram, *,
                        extra: dict[str, Any] | None = None) -> None:
        from sonolens.store import codec

        sizing = {"max_bytes": spec.max_bytes, "tile_bytes": spec.tile_bytes}
        name, key = self._key("spectrogram", identity,
                              {**spectrogram_fields(spec.params, spec.kind), "kind": spec.kind,
                               **sizing}, extra)
        self._write(name, key, *codec.encode_spectrogram(spec))

    def put_envelope(self, identity: FileIdentity, env: WaveformEnvelope) -> None:
        from sonolens.store import codec

        name, key = self._key("envelope", identity, {"base": env.base}, None)
        self._write(name, key, *codec.encode_envelope(env))

    def put_pitch(self, identity: FileIdentity, track: Any) -> None:
        from sonolens.store import codec

        name, key = self._key("pitch", identity, track.params.as_dict(), None)
        self._write(name, key, *codec.encode_pitch(track))

    def put_table(self, identity: FileIdentity, table: FeatureTable, *,
                  extra: dict[str, Any] | None = None) -> None:
        """Store ``table``'s columns, joined to those already stored for its parameters
        (same frames); nothing is written when it adds no column."""
        from sonolens.dsp.table import FeatureTable
        from sonolens.store import codec

        stored = self.table(identity, table.params, extra)
        if stored is not None and stored.n_frames == table.n_frames:
            if set(table.columns) <= set(stored.columns):
                return
            columns = {**stored.columns, **table.columns}
            table = FeatureTable(table.times, columns, table.sr, table.params,
                                 table.tuning if table.tuning is not None else stored.tuning,
                                 list(table.warnings) + [w for w in stored.warnings
                                                         if w not in table.warnings])
        name, key = self._key("features", identity, table.params.as_dict(), extra)
        self._write(name, key, *codec.encode_table(table))

    def _write(self, name: str, key: dict[str, Any], facts: dict, arrays: dict) -> None:
        try:
            write_entry(self.root, name, key, facts, arrays)
        except OSError:
            return
        self.evict()

    # -- size ----------------------------------------------------------------------------
    def entries(self) -> list[tuple[float, int, Path]]:
        """(last use, bytes, folder) of every whole entry, least recently used first."""
        found = []
        try:
            folders = list(self.root.iterdir())
        except OSError:
            return []
        for folder in folders:
            try:
                stat = folder.stat()
            except OSError:
                continue
            if folder.name.startswith(TEMP_PREFIX):
                if time.time() - stat.st_mtime > _STALE_TEMP_SECONDS:
                    remove_entry(folder)  # left by a crash
                continue
            if folder.is_dir():
                found.append((stat.st_mtime, entry_bytes(folder), folder))
        return sorted(found)

    def total_bytes(self) -> int:
        return sum(size for _, size, _ in self.entries())

    def evict(self) -> None:
        """Remove least recently used entries until the total fits the limit."""
        entries = self.entries()
        total = sum(size for _, size, _ in entries)
        for _, size, folder in entries:
            if total <= self.limit:
                break
            remove_entry(folder)
            total -= size

    def clear(self) -> None:
        """Remove every entry."""
        for _, _, folder in self.entries():
            remove_entry(folder)
