"""The analysis cache (sonolens.store): exact round trips, keys, bad entries, LRU, atomicity."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.engine import extract_features
from sonolens.dsp.envelope import WaveformEnvelope
from sonolens.dsp.spectrogram import compute_spectrogram
from sonolens.dsp.tiles import TileKey, compute_tile
from sonolens.store import entries
from sonolens.store.cache import (
    AnalysisCache,
    cache_from_env,
    default_cache_dir,
    spectrogram_fields,
)
from sonolens.store.tables import missing_features, select

SMALL_STORE = 60_000  # bytes: the spectrogram store pools (k > 1) and gets tiles


def write_audio(path: Path, seconds: float = 3.0, sr: int = 22050, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    left = 0.4 * np.sin(2 * np.pi * (200.0 + 900.0 * t) * t)
    right = 0.3 * np.sin(2 * np.pi * 440.0 * t) + 0.02 * rng.standard_normal(len(t))
    sf.write(path, np.column_stack([left, right]).astype(np.float32), sr, subtype="PCM_16")
    return path


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    return write_audio(tmp_path / "sound.wav")


@pytest.fixture
def cache(tmp_path: Path) -> AnalysisCache:
    return AnalysisCache(tmp_path / "cache")


def sizing(spec) -> dict:
    return {"max_bytes": spec.max_bytes, "tile_bytes": spec.tile_bytes}


def spectrogram_of(path: Path, params=None, kind: str = "db", max_bytes=SMALL_STORE):
    with open_source(path) as source:
        return run_to_end(compute_spectrogram(source, params, kind, max_bytes=max_bytes))


def envelope_of(path: Path) -> WaveformEnvelope:
    with open_source(path) as source:
        env = WaveformEnvelope.allocate(source.samplerate, source.channels, source.frames)
        for block in source.blocks():
            env.append(block)
    env.finish()
    return env


def table_of(path: Path, params=None, features=None):
    with open_source(path) as source:
        return run_to_end(extract_features(source, params or AnalysisParams(), features))


def assert_same_spectrogram(got, want) -> None:
    for name in ("kind", "sr", "hop_length", "frames_per_column", "n_frames", "filled",
                 "complete", "max_bytes", "tile_bytes", "overview_factor", "overview_columns",
                 "overview_filled", "overview2_filled", "params"):
        assert getattr(got, name) == getattr(want, name), name
    np.testing.assert_array_equal(got.values[: got.filled], want.values[: want.filled])
    np.testing.assert_array_equal(got.freqs, want.freqs)
    for name in ("overview", "overview2"):
        a, b = getattr(got, name), getattr(want, name)
        assert (a is None) == (b is None), name
        if a is not None:
            filled = getattr(want, f"{name}_filled")
            np.testing.assert_array_equal(a[:filled], b[:filled])
    assert got.plan is not None and (got.tiles is None) == (want.tiles is None)
    for columns in (50, 400):
        image, span = got.image(0.0, got.duration, columns)
        expected, expected_span = want.image(0.0, want.duration, columns)
        np.testing.assert_array_equal(image, expected)
        assert span == expected_span


@pytest.mark.parametrize("mmap", [True, False])
@pytest.mark.parametrize("kind", ["db", "mel_db"])
def test_spectrogram_round_trip_is_exact_and_its_tiles_work(audio, tmp_path, kind, mmap,
                                                             monkeypatch):
    monkeypatch.setattr(entries, "MMAP_MIN_BYTES", 0)  # every array mapped (with mmap)
    cache = AnalysisCache(tmp_path / "cache", mmap=mmap)
    spec = spectrogram_of(audio, kind=kind)
    assert spec.frames_per_column > 1 and spec.tiles is not None  # a pooled store
    identity = cache.identify(audio)
    assert cache.spectrogram(identity, spec.params, kind, sizing=sizing(spec)) is None
    cache.put_spectrogram(identity, spec)
    got = cache.spectrogram(identity, spec.params, kind, sizing=sizing(spec))
    assert got is not None and got is not spec
    assert isinstance(got.values, np.memmap) == mmap
    assert got.values.flags.writeable != mmap  # a mapped entry is never written through
    assert_same_spectrogram(got, spec)
    key = TileKey(1, 0)
    with open_source(audio) as source:
        tile = run_to_end(compute_tile(source, got.plan, key, got.n_frames))
        expected = run_to_end(compute_tile(source, spec.plan, key, spec.n_frames))
    np.testing.assert_array_equal(tile, expected)


def test_full_resolution_spectrogram_round_trip(audio, cache):
    spec = spectrogram_of(audio, max_bytes=None)
    assert spec.frames_per_column == 1 and spec.tiles is None
    identity = cache.identify(audio)
    cache.put_spectrogram(identity, spec)
    got = cache.spectrogram(identity, spec.params, "db", sizing=sizing(spec))
    assert_same_spectrogram(got, spec)


def test_envelope_round_trip_is_exact(audio, cache):
    env = envelope_of(audio)
    identity = cache.identify(audio)
    cache.put_envelope(identity, env)
    got = cache.envelope(identity)
    assert (got.samplerate, got.channels, got.base, got.n_frames, got.filled, got.complete) == (
        env.samplerate, env.channels, env.base, env.n_frames, env.filled, True)
    for level, filled in enumerate(env.filled):
        np.testing.assert_array_equal(got.levels[level][:filled], env.levels[level][:filled])
    for channel in (None, 0, 1):
        for a, b in zip(got.envelope(0.1, 2.5, 300, channel), env.envelope(0.1, 2.5, 300, channel),
                        strict=True):
            np.testing.assert_array_equal(a, b)


def test_table_round_trip_is_exact(audio, cache):
    table = table_of(audio)
    identity = cache.identify(audio)
    cache.put_table(identity, table)
    got = cache.table(identity, table.params)
    assert list(got.columns) == list(table.columns) and got.complete
    assert (got.sr, got.params, got.tuning, got.warnings) == (
        table.sr, table.params, table.tuning, table.warnings)
    np.testing.assert_array_equal(got.times, table.times)
    for name, column in table.columns.items():
        assert got.columns[name].dtype == column.dtype
        np.testing.assert_array_equal(got.columns[name], column)
    np.testing.assert_array_equal(got.feature("mfcc"), table.feature("mfcc"))


def test_tables_of_other_features_gather_in_one_entry(audio, cache):
    params = AnalysisParams()
    identity = cache.identify(audio)
    cache.put_table(identity, table_of(audio, params, ("rms",)))
    stored = cache.table(identity, params)
    assert missing_features(stored, ("rms", "mfcc"), params) == ("mfcc",)
    cache.put_table(identity, table_of(audio, params, ("mfcc",)))
    stored = cache.table(identity, params)
    assert missing_features(stored, ("rms", "mfcc"), params) == ()
    both = table_of(audio, params, ("rms", "mfcc"))
    chosen = select(stored, ("mfcc", "rms"), params)
    assert list(chosen.columns) == list(both.columns)
    for name in both.columns:
        np.testing.assert_array_equal(chosen.columns[name], both.columns[name])


def test_other_parameters_are_other_entries(audio, cache):
    identity = cache.identify(audio)
    params = AnalysisParams()
    cache.put_table(identity, table_of(audio, params, ("rms",)))
    spec = spectrogram_of(audio)
    cache.put_spectrogram(identity, spec)
    assert cache.table(identity, AnalysisParams(hop_length=256)) is None
    assert cache.spectrogram(identity, AnalysisParams(n_fft=1024), "db",
                             sizing=sizing(spec)) is None
    assert cache.spectrogram(identity, params, "power", sizing=sizing(spec)) is None
    assert cache.spectrogram(identity, params, "db",
                             sizing={**sizing(spec), "max_bytes": 10**6}) is None
    # n_mels changes the features and the mel picture, not the dB picture
    assert cache.table(identity, AnalysisParams(n_mels=64)) is None
    assert cache.spectrogram(identity, AnalysisParams(n_mels=64), "db",
                             sizing=sizing(spec)) is not None


def _entry(cache: AnalysisCache, what: str) -> Path:
    (folder,) = [f for f in cache.root.iterdir() if f.name.startswith(what)]
    return folder


def _stored_spectrogram(audio, cache):
    spec = spectrogram_of(audio)
    identity = cache.identify(audio)
    cache.put_spectrogram(identity, spec)
    return spec, identity, _entry(cache, "spectrogram")


def _truncate(folder: Path) -> None:
    values = folder / "values.npy"
    values.write_bytes(values.read_bytes()[:-100])


def _garbage_meta(folder: Path) -> None:
    (folder / entries.META).write_bytes(b"\x00{not json")


def _wrong_shape(folder: Path) -> None:
    meta = json.loads((folder / entries.META).read_text())
    meta["arrays"]["values"]["shape"][0] -= 1
    (folder / entries.META).write_text(json.dumps(meta))


def _resized_array(folder: Path) -> None:
    values = np.load(folder / "values.npy")
    np.save(folder / "values.npy", values[:-1])  # file and meta disagree


def _foreign_version(folder: Path) -> None:
    meta = json.loads((folder / entries.META).read_text())
    meta["format"] = entries.FORMAT_VERSION + 1
    (folder / entries.META).write_text(json.dumps(meta))


def _pickled_array(folder: Path) -> None:
    np.save(folder / "values.npy", np.array([{"evil": 1}], dtype=object), allow_pickle=True)


def _facts_lie(folder: Path) -> None:
    meta = json.loads((folder / entries.META).read_text())
    meta["facts"]["n_frames"] += 1000
    (folder / entries.META).write_text(json.dumps(meta))


@pytest.mark.parametrize("damage", [_truncate, _garbage_meta, _wrong_shape, _resized_array,
                                    _foreign_version, _pickled_array, _facts_lie])
def test_a_damaged_entry_is_a_miss_removed_and_rebuilt(audio, cache, damage):
    spec, identity, folder = _stored_spectrogram(audio, cache)
    damage(folder)
    assert cache.spectrogram(identity, spec.params, "db", sizing=sizing(spec)) is None
    assert not folder.exists()
    cache.put_spectrogram(identity, spec)  # rebuilt
    assert_same_spectrogram(cache.spectrogram(identity, spec.params, "db",
                                              sizing=sizing(spec)), spec)


def test_an_entry_under_another_key_name_is_not_trusted(audio, cache):
    """A key collision (an entry of other parameters where this key's would be)."""
    spec, identity, folder = _stored_spectrogram(audio, cache)
    other = AnalysisParams(fmin=100.0)  # same arrays would decode: only the key differs
    name, _ = cache._key("spectrogram", identity,
                         {**spectrogram_fields(other, "db"), "kind": "db", **sizing(spec)}, None)
    shutil.copytree(folder, cache.root / name)
    assert cache.spectrogram(identity, other, "db", sizing=sizing(spec)) is None
    assert not (cache.root / name).exists()
    assert cache.spectrogram(identity, spec.params, "db", sizing=sizing(spec)) is not None


def test_a_modified_file_is_another_file(audio, cache):
    """Same size and mtime but other bytes in a hashed block; or only a new mtime."""
    spec, identity, _ = _stored_spectrogram(audio, cache)
    stat = audio.stat()
    data = bytearray(audio.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(8 - i for i in range(8))
    audio.write_bytes(bytes(data))
    os.utime(audio, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changed = cache.identify(audio)
    assert (changed.size, changed.mtime_ns) == (identity.size, identity.mtime_ns)
    assert changed != identity
    assert cache.spectrogram(changed, spec.params, "db", sizing=sizing(spec)) is None
    audio.write_bytes(bytes(data))
    os.utime(audio, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert cache.identify(audio).mtime_ns != identity.mtime_ns
    assert cache.identify(audio) != changed


def test_least_recently_used_entries_go_first(tmp_path):
    paths = [write_audio(tmp_path / f"s{n}.wav", seconds=1.0, seed=n) for n in range(4)]
    envelopes = [envelope_of(path) for path in paths]
    probe = AnalysisCache(tmp_path / "probe")
    probe.put_envelope(probe.identify(paths[0]), envelopes[0])
    one = probe.total_bytes()
    cache = AnalysisCache(tmp_path / "cache", limit=3 * one + one // 2)
    identities = [cache.identify(path) for path in paths]
    for identity, env in zip(identities[:3], envelopes[:3], strict=True):
        cache.put_envelope(identity, env)
        os.utime(_newest(cache), ns=(0, os.stat(_newest(cache)).st_mtime_ns))
    assert cache.envelope(identities[0]) is not None  # used: now the most recent
    cache.put_envelope(identities[3], envelopes[3])
    assert cache.total_bytes() <= cache.limit
    assert cache.envelope(identities[1]) is None  # the least recently used went
    assert all(cache.envelope(identities[n]) is not None for n in (0, 2, 3))


def _newest(cache: AnalysisCache) -> Path:
    return max(cache.root.iterdir(), key=lambda f: f.stat().st_mtime_ns)


def test_an_interrupted_write_leaves_no_entry(audio, cache, monkeypatch):
    spec = spectrogram_of(audio)
    identity = cache.identify(audio)
    calls = []

    def failing_save(file, array, **kwargs):
        calls.append(file)
        if len(calls) == 2:
            raise KeyboardInterrupt  # not even an OSError: the entry must still not appear
        return real_save(file, array, **kwargs)

    real_save = np.save
    monkeypatch.setattr(np, "save", failing_save)
    with pytest.raises(KeyboardInterrupt):
        cache.put_spectrogram(identity, spec)
    assert list(cache.root.iterdir()) == []  # nor a temporary folder
    monkeypatch.setattr(np, "save", real_save)
    assert cache.spectrogram(identity, spec.params, "db", sizing=sizing(spec)) is None


def test_an_unwritable_cache_is_no_error(audio, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = AnalysisCache(blocker / "cache")
    identity = cache.identify(audio)
    cache.put_envelope(identity, envelope_of(audio))  # nothing written, nothing raised
    assert cache.envelope(identity) is None


def test_clear_removes_everything(audio, cache):
    _stored_spectrogram(audio, cache)
    cache.put_envelope(cache.identify(audio), envelope_of(audio))
    assert len(cache.entries()) == 2
    cache.clear()
    assert cache.entries() == [] and cache.total_bytes() == 0


def test_where_the_cache_lives(monkeypatch, tmp_path):
    monkeypatch.delenv("SONOLENS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "sonolens" / "analysis"
    monkeypatch.setenv("SONOLENS_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_from_env().root == tmp_path / "mine"
    monkeypatch.setenv("SONOLENS_NO_CACHE", "1")
    assert cache_from_env() is None


def test_the_tests_never_use_the_users_cache():
    assert not default_cache_dir().is_relative_to(Path.home() / ".cache")


def test_only_complete_results_are_cached(audio, cache):
    with open_source(audio) as source:
        job = compute_spectrogram(source, None, "db", max_bytes=SMALL_STORE)
        partial = next(job).partial
        job.close()
    assert not partial.complete
    with pytest.raises(ValueError):
        cache.put_spectrogram(cache.identify(audio), partial)
    assert list(cache.root.glob("*")) == []


def test_pitch_track_round_trip_is_exact(tmp_path, cache):
    from sonolens.dsp.pitch import pitch_steps

    sr = 22050
    t = np.arange(int(1.5 * sr)) / sr
    tone = np.where(t < 0.8, 0.5 * np.sin(2 * np.pi * 220.0 * t), 0.0)  # voiced, then silence
    path = tmp_path / "tone.wav"
    sf.write(path, tone.astype(np.float32), sr)
    params = AnalysisParams()
    with open_source(path) as source:
        track = run_to_end(pitch_steps(source, params))
    identity = cache.identify(path)
    cache.put_pitch(identity, track)
    got = cache.pitch(identity, params)
    assert got is not track and got.complete
    for name in ("times", "f0", "voiced_flag", "voiced_prob"):
        np.testing.assert_array_equal(getattr(got, name), getattr(track, name))
        assert getattr(got, name).dtype == getattr(track, name).dtype
    assert np.isnan(got.f0).any() and got.voiced_flag.any()
    assert (got.sr, got.params, got.fmin, got.fmax, got.warnings) == (
        track.sr, track.params, track.fmin, track.fmax, track.warnings)
    assert cache.pitch(identity, params.replace(pyin_fmax=1000.0)) is None
