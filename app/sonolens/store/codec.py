"""Complete results as (facts, arrays) for an entry, and back, checked on the way in.

Each ``encode_*`` gives JSON-able facts and named arrays; each ``decode_*`` rebuilds an
object equal to the computed one (a Spectrogram gets its plan and, pooled, its tile cache,
so views and detail tiles work as after a computation) or raises on anything that does
not fit (a cache reader treats that as a miss).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sonolens.core.params import AnalysisParams
from sonolens.dsp.envelope import WaveformEnvelope
from sonolens.dsp.spectrogram_plan import make_spectrogram_plan
from sonolens.dsp.spectrogram_store import Spectrogram
from sonolens.dsp.table import FeatureTable
from sonolens.dsp.tiles import TileCache

Facts = dict[str, Any]
Arrays = dict[str, np.ndarray]


class DecodeError(ValueError):
    """Facts and arrays that do not make the result they claim to be."""


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise DecodeError(what)


def _int(facts: Facts, name: str, minimum: int = 0) -> int:
    value = facts[name]
    _check(isinstance(value, int) and not isinstance(value, bool) and value >= minimum, name)
    return value


# -- spectrogram ---------------------------------------------------------------------------
def encode_spectrogram(spec: Spectrogram) -> tuple[Facts, Arrays]:
    """A complete Spectrogram's stored columns, frequencies and overviews."""
    if not spec.complete:
        raise ValueError("only a complete spectrogram is cached")
    facts = {"kind": spec.kind, "sr": spec.sr, "hop_length": spec.hop_length,
             "frames_per_column": spec.frames_per_column, "n_frames": spec.n_frames,
             "filled": spec.filled, "max_bytes": spec.max_bytes, "tile_bytes": spec.tile_bytes,
             "overview_factor": spec.overview_factor,
             "overview_columns": spec.overview_columns,
             "overview_filled": spec.overview_filled, "overview2_filled": spec.overview2_filled}
    arrays = {"values": spec.values[: spec.filled], "freqs": np.asarray(spec.freqs)}
    if spec.overview is not None:
        arrays["overview"] = spec.overview
    if spec.overview2 is not None:
        arrays["overview2"] = spec.overview2
    return facts, arrays


def decode_spectrogram(facts: Facts, arrays: Arrays, params: AnalysisParams) -> Spectrogram:
    """The complete Spectrogram, for ``params`` (those it was computed with, or others
    giving the same picture)."""
    kind, sr = facts["kind"], _int(facts, "sr", 1)
    _check(isinstance(kind, str), "kind")
    plan = make_spectrogram_plan(params, kind, sr)
    k, n_frames, filled = (_int(facts, "frames_per_column", 1), _int(facts, "n_frames"),
                           _int(facts, "filled"))
    values = arrays["values"]
    _check(_int(facts, "hop_length", 1) == params.hop_length, "hop_length")
    _check(values.dtype == np.float32 and values.shape == (filled, plan.n_rows), "values")
    _check(filled == -(-n_frames // k), "filled")
    _check(arrays["freqs"].shape == plan.freqs.shape
           and np.array_equal(arrays["freqs"], plan.freqs), "freqs")
    max_bytes = facts["max_bytes"]
    _check(max_bytes is None or (isinstance(max_bytes, int) and max_bytes > 0), "max_bytes")
    tile_bytes = _int(facts, "tile_bytes", 1)
    spec = Spectrogram(kind=kind, sr=sr, hop_length=params.hop_length, params=params,
                       freqs=plan.freqs, values=values, frames_per_column=k,
                       n_frames=n_frames, filled=filled, complete=True, max_bytes=max_bytes,
                       tile_bytes=tile_bytes, plan=plan,
                       tiles=TileCache(tile_bytes) if k > 1 else None)
    spec.overview_columns = _int(facts, "overview_columns", 1)
    spec.overview_factor = factor = _int(facts, "overview_factor")
    for name in ("overview", "overview2"):
        array = arrays.get(name)
        count = _int(facts, f"{name}_filled")
        if array is None:
            _check(count == 0, f"{name}_filled")
            continue
        _check(factor > 1 and array.dtype == np.float32 and array.ndim == 2
               and array.shape[1] == plan.n_rows and count <= len(array), name)
        # read now, on the loading thread: whole-file views draw from the overviews on the
        # GUI thread, which must not wait for the disk
        setattr(spec, name, np.array(array))
        setattr(spec, f"{name}_filled", count)
    return spec


# -- waveform envelope ---------------------------------------------------------------------
def encode_envelope(env: WaveformEnvelope) -> tuple[Facts, Arrays]:
    """A complete envelope's levels (their filled bins)."""
    if not env.complete:
        raise ValueError("only a complete envelope is cached")
    facts = {"samplerate": env.samplerate, "channels": env.channels, "base": env.base,
             "n_frames": env.n_frames, "filled": list(env.filled)}
    arrays = {f"level{n}": level[: env.filled[n]] for n, level in enumerate(env.levels)}
    return facts, arrays


def decode_envelope(facts: Facts, arrays: Arrays) -> WaveformEnvelope:
    channels, base = _int(facts, "channels", 1), _int(facts, "base", 1)
    filled = facts["filled"]
    _check(isinstance(filled, list) and len(filled) == len(arrays) and len(filled) > 0,
           "levels")
    levels = []
    for n, count in enumerate(filled):
        level = arrays[f"level{n}"]
        _check(isinstance(count, int) and level.dtype == np.float32
               and level.shape == (count, channels + 1, 2), f"level{n}")
        levels.append(level)
    n_frames = _int(facts, "n_frames")
    _check(filled[0] == -(-n_frames // base), "filled")
    return WaveformEnvelope(_int(facts, "samplerate", 1), channels, base, levels,
                            list(filled), n_frames, complete=True)


# -- feature table -------------------------------------------------------------------------
def encode_table(table: FeatureTable) -> tuple[Facts, Arrays]:
    """A complete table's times and columns (one (n_columns, n_frames) matrix per dtype)."""
    if not table.complete:
        raise ValueError("only a complete feature table is cached")
    groups: dict[str, list[str]] = {}
    for name, column in table.columns.items():
        groups.setdefault(np.asarray(column).dtype.str, []).append(name)
    arrays: Arrays = {"times": np.asarray(table.times)}
    where = {}
    for number, (dtype, names) in enumerate(sorted(groups.items())):
        arrays[f"columns{number}"] = np.stack([table.columns[n] for n in names]) if names \
            else np.zeros((0, table.n_frames), np.dtype(dtype))
        where.update({name: [number, row] for row, name in enumerate(names)})
    facts = {"sr": table.sr, "names": list(table.columns), "where": where,
             "tuning": table.tuning, "warnings": list(table.warnings)}
    return facts, arrays


def decode_table(facts: Facts, arrays: Arrays, params: AnalysisParams) -> FeatureTable:
    times = arrays["times"]
    _check(times.dtype == np.float64 and times.ndim == 1, "times")
    names, where = facts["names"], facts["where"]
    _check(isinstance(names, list) and isinstance(where, dict) and set(names) == set(where),
           "names")
    columns = {}
    for name in names:
        number, row = where[name]
        matrix = arrays[f"columns{int(number)}"]
        _check(matrix.ndim == 2 and matrix.shape[1] == len(times)
               and 0 <= row < matrix.shape[0], name)
        columns[name] = matrix[row]
    tuning, warnings = facts["tuning"], facts["warnings"]
    _check(tuning is None or isinstance(tuning, float | int), "tuning")
    _check(isinstance(warnings, list) and all(isinstance(w, str) for w in warnings),
           "warnings")
    return FeatureTable(times, columns, _int(facts, "sr", 1), params,
                        None if tuning is None else float(tuning), list(warnings))


# -- pitch track ---------------------------------------------------------------------------
def encode_pitch(track) -> tuple[Facts, Arrays]:
    """A complete dsp.pitch.PitchTrack's per-frame arrays and its range."""
    if not track.complete:
        raise ValueError("only a complete pitch track is cached")
    facts = {"sr": track.sr, "fmin": track.fmin, "fmax": track.fmax,
             "warnings": list(track.warnings)}
    arrays = {"times": np.asarray(track.times), "f0": np.asarray(track.f0),
              "voiced_flag": np.asarray(track.voiced_flag),
              "voiced_prob": np.asarray(track.voiced_prob)}
    return facts, arrays


def decode_pitch(facts: Facts, arrays: Arrays, params: AnalysisParams):
    from sonolens.dsp.pitch import PitchTrack

    times = arrays["times"]
    _check(times.dtype == np.float64 and times.ndim == 1, "times")
    for name, dtype in (("f0", np.float64), ("voiced_flag", np.bool_),
                        ("voiced_prob", np.float64)):
        _check(arrays[name].dtype == dtype and arrays[name].shape == times.shape, name)
    fmin, fmax, warnings = facts["fmin"], facts["fmax"], facts["warnings"]
    _check(all(isinstance(v, float | int) and not isinstance(v, bool) for v in (fmin, fmax)),
           "range")
    _check(isinstance(warnings, list) and all(isinstance(w, str) for w in warnings),
           "warnings")
    return PitchTrack(times, arrays["f0"], arrays["voiced_flag"], arrays["voiced_prob"],
                      _int(facts, "sr", 1), params, float(fmin), float(fmax), list(warnings))
