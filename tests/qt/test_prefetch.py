"""The command line's file is analysed while the window is built, and the window adopts
that analysis when it asks for the same one (one pass, not two; the same numbers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.model.settings import Settings
from sonolens.workers import prefetch
from tests.qt.conftest import wait_settled

SR = 44100


@pytest.fixture
def stereo(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    t = np.arange(int(40.0 * SR)) / SR
    left = 0.3 * np.sin(2 * np.pi * (300 + 40 * t) * t) + 0.05 * rng.standard_normal(len(t))
    path = tmp_path / "take.flac"
    sf.write(path, np.stack([left, 0.5 * left], axis=1).astype(np.float32), SR,
             subtype="PCM_16")
    return path


def _analysed(qtbot, make_main_window, path: Path):
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window, timeout=60000)
    doc = window.document
    return doc.spectrogram, doc.features, doc.envelope


def test_window_adopts_the_analysis_started_before_it(qtbot, make_main_window, stereo,
                                                      settings_path, passes):
    plain = _analysed(qtbot, make_main_window, stereo)
    assert len(passes) == 1
    settings = Settings(settings_path)
    prefetch.start(stereo, settings.params(), settings.view())
    adopted = _analysed(qtbot, make_main_window, stereo)
    assert len(passes) == 2, "the window ran its own pass instead of adopting"
    np.testing.assert_array_equal(adopted[0].values[: adopted[0].filled],
                                  plain[0].values[: plain[0].filled])
    assert adopted[1].columns.keys() == plain[1].columns.keys()
    for name, column in plain[1].columns.items():
        np.testing.assert_array_equal(adopted[1].columns[name], column)
    for mine, theirs in zip(adopted[2].levels, plain[2].levels, strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_other_parameters_are_not_adopted_and_the_prefetch_stops(qtbot, make_main_window,
                                                                  stereo, settings_path,
                                                                  passes):
    settings = Settings(settings_path)
    prefetch.start(stereo, settings.params().replace(n_fft=1024), settings.view())
    started = prefetch._current
    spectrogram, _table, _envelope = _analysed(qtbot, make_main_window, stereo)
    assert spectrogram.params.n_fft == settings.params().n_fft  # the window's own pass
    started.thread.join(timeout=30)
    assert not started.thread.is_alive()
    assert prefetch._current is None


def test_an_unreadable_file_is_left_to_the_window(tmp_path, settings_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF not really")
    settings = Settings(settings_path)
    prefetch.start(bad, settings.params(), settings.view())
    started = prefetch._current
    started.thread.join(timeout=10)
    class Window:  # the window's source, as far as adopt looks at it
        path = bad

    assert prefetch.adopt(Window(), settings.params(), "db", None) is None


def test_a_file_in_the_analysis_cache_is_read_not_computed_before_the_window(
        qtbot, make_main_window, stereo, settings_path, passes):
    from sonolens.ui.cache_menu import window_cache
    from sonolens.workers.cached_jobs import window_sizing

    plain = _analysed(qtbot, make_main_window, stereo)  # computed, then stored
    settings = Settings(settings_path)
    cache = window_cache(settings)
    assert cache is not None
    qtbot.waitUntil(lambda: cache.spectrogram(cache.identify(stereo), plain[0].params,
                                              plain[0].kind, sizing=window_sizing())
                    is not None, timeout=20000)
    prefetch.start(stereo, settings.params(), settings.view(), cache)
    again = _analysed(qtbot, make_main_window, stereo)
    assert len(passes) == 1, "computed again instead of read from the cache"
    np.testing.assert_array_equal(again[0].values[: again[0].filled],
                                  plain[0].values[: plain[0].filled])


def _damaged_in_the_middle(tmp_path: Path) -> Path:
    """40 s of FLAC whose middle bytes are garbage: decoding loses sync about half-way,
    while its end still decodes (so it is read in segments)."""
    t = np.arange(SR * 40) / SR
    x = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    whole = tmp_path / "ok.flac"
    sf.write(whole, np.stack([x, 0.5 * x], axis=1), SR, subtype="PCM_16")
    data = bytearray(whole.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4000] = b"\xab" * 4000
    damaged = tmp_path / "mid.flac"
    damaged.write_bytes(bytes(data))
    return damaged


def test_the_window_learns_where_a_damaged_file_ends_from_the_prefetch(
        qtbot, make_main_window, tmp_path, settings_path, passes):
    damaged = _damaged_in_the_middle(tmp_path)
    settings = Settings(settings_path)
    prefetch.start(damaged, settings.params(), settings.view())
    window = make_main_window()
    window.open_path(damaged)
    wait_settled(qtbot, window, timeout=60000)
    doc = window.document
    assert len(passes) == 1, "the prefetch was not adopted"
    assert doc.spectrogram.duration < 30.0  # decoding stopped about half-way
    assert doc.duration == pytest.approx(doc.spectrogram.duration, abs=0.1)  # as computed
    assert any("ends early" in note for note in doc.source.warnings)


def test_a_job_closed_before_it_starts_stops_the_prefetch(stereo, settings_path):
    from sonolens.audio import open_source
    from sonolens.core.catalog import CATALOG
    from sonolens.core.params import fit_to_file

    settings = Settings(settings_path)
    view = settings.view()
    prefetch.start(stereo, settings.params(), view)
    started = prefetch._current
    started.decided.wait(10)
    with open_source(stereo) as source:
        params, _ = fit_to_file(settings.params(), source.samplerate, source.channels)
        features = CATALOG.per_block(CATALOG.shown_by(view.overlays, view.lower_view))
        adopted = prefetch.adopt(source, params, view.kind, features)
    assert adopted is not None
    job, _lookup = adopted
    job.close()  # never started: its finally does not run
    del job, adopted
    started.thread.join(timeout=30)
    assert started.stop.is_set() and not started.thread.is_alive()
