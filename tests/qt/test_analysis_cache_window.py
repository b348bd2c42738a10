"""The window and the analysis cache: a reopen is served from it, partly or wholly; the
Analysis > Analysis Cache menu turns it off and clears it."""

from __future__ import annotations

import numpy as np
import pytest

from sonolens.store.cache import default_cache_dir
from tests.qt.conftest import wait_settled, write_rich
from tests.qt.pixels import grab_rgb


def _computes(monkeypatch) -> list[tuple[str, ...]]:
    """Record the features every engine run computes (the engine still runs)."""
    import sonolens.dsp.engine as engine

    calls: list[tuple[str, ...]] = []
    real = engine.extract_features

    def counting(source, params=None, features=None, **kwargs):
        calls.append(tuple(features) if features is not None else ())
        return real(source, params, features, **kwargs)

    monkeypatch.setattr(engine, "extract_features", counting)
    return calls


def _no_spectrogram_computed(monkeypatch) -> None:
    import sonolens.dsp.spectrogram as spectrogram

    def refuse(*_args, **_kwargs):
        raise AssertionError("the spectrogram was computed, not taken from the cache")

    monkeypatch.setattr(spectrogram, "new_spectrogram", refuse)
    monkeypatch.setattr(spectrogram, "compute_spectrogram", refuse)


def _opened(qtbot, make_main_window, path):
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    return window


def _entries() -> list[str]:
    root = default_cache_dir()
    return sorted(f.name.split("-")[0] for f in root.iterdir()) if root.exists() else []


def _same_results(got, want) -> None:
    np.testing.assert_array_equal(got.spectrogram.values[: got.spectrogram.filled],
                                  want.spectrogram.values[: want.spectrogram.filled])
    assert got.spectrogram.n_frames == want.spectrogram.n_frames
    assert list(got.features.columns) == list(want.features.columns)
    for name, column in want.features.columns.items():
        np.testing.assert_array_equal(got.features.columns[name], column)
    for level, filled in enumerate(want.envelope.filled):
        np.testing.assert_array_equal(got.envelope.levels[level][:filled],
                                      want.envelope.levels[level][:filled])


def test_a_reopened_file_is_served_from_the_cache_and_looks_the_same(
        qtbot, make_main_window, tmp_path, monkeypatch):
    path = write_rich(tmp_path / "rich.wav")
    first = _opened(qtbot, make_main_window, path)
    assert _entries() == ["envelope", "features", "spectrogram"]
    picture = grab_rgb(first.spectrogram_view)
    computed = first.document
    calls = _computes(monkeypatch)
    _no_spectrogram_computed(monkeypatch)
    second = _opened(qtbot, make_main_window, path)
    assert calls == []  # nothing computed
    _same_results(second.document, computed)
    assert second.document.spectrogram is not computed.spectrogram
    np.testing.assert_array_equal(grab_rgb(second.spectrogram_view), picture)


def test_features_the_cache_lacks_are_computed_alone(qtbot, make_main_window, tmp_path,
                                                     monkeypatch):
    from sonolens.store.cache import AnalysisCache

    path = write_rich(tmp_path / "rich.wav")
    first = _opened(qtbot, make_main_window, path)
    computed = first.document
    cache = AnalysisCache(default_cache_dir())
    identity = cache.identify(path)
    (features,) = [f for f in cache.root.iterdir() if f.name.startswith("features")]
    features.rename(cache.root / ".part-set-aside")
    cache.put_table(identity, computed.features.only({"rms", "zero_crossing_rate"}))
    calls = _computes(monkeypatch)
    _no_spectrogram_computed(monkeypatch)
    second = _opened(qtbot, make_main_window, path)
    wanted = second.coordinator.wanted_features()
    assert len(calls) == 1 and set(calls[0]) == set(wanted) - {"rms", "zero_crossing_rate"}
    _same_results(second.document, computed)


def test_the_menu_turns_the_cache_off_and_on(qtbot, make_main_window, tmp_path, monkeypatch):
    path = write_rich(tmp_path / "rich.wav")
    window = _opened(qtbot, make_main_window, path)
    menu = window.cache_menu
    menu.use.trigger()  # off
    assert not menu.use.isChecked() and not window.settings.cache_enabled()
    assert window.coordinator.cache.cache is None
    calls = _computes(monkeypatch)
    window.coordinator.recompute()
    wait_settled(qtbot, window)
    assert calls, "with the cache off the analysis runs"
    other = write_rich(tmp_path / "other.wav", seconds=2.0)
    window.open_path(other)
    wait_settled(qtbot, window)
    assert _entries() == ["envelope", "features", "spectrogram"]  # nothing of other.wav
    menu.use.trigger()  # on again
    assert window.settings.cache_enabled() and window.coordinator.cache.cache is not None
    calls.clear()
    window.open_path(path)
    wait_settled(qtbot, window)
    assert calls == []


def test_clear_analysis_cache_removes_every_entry(qtbot, make_main_window, tmp_path):
    path = write_rich(tmp_path / "rich.wav")
    window = _opened(qtbot, make_main_window, path)
    assert len(_entries()) == 3
    with qtbot.waitSignal(window.cache_menu.cleared, timeout=10000) as blocker:
        window.cache_menu.clear.trigger()
    assert blocker.args[0] > 0 and _entries() == []
    assert "cleared" in window.statusBar().currentMessage()


def test_a_smaller_size_limit_evicts_at_once(qtbot, make_main_window, tmp_path):
    from sonolens.model.settings import CACHE_LIMITS

    window = _opened(qtbot, make_main_window, write_rich(tmp_path / "rich.wav"))
    window.cache_menu.limits[CACHE_LIMITS[0]].trigger()
    assert window.settings.cache_limit() == CACHE_LIMITS[0]
    assert window.coordinator.cache.cache.limit == CACHE_LIMITS[0]


@pytest.mark.parametrize("value", ["1", "yes"])
def test_sonolens_no_cache_turns_it_off(qtbot, make_main_window, tmp_path, monkeypatch, value):
    monkeypatch.setenv("SONOLENS_NO_CACHE", value)
    window = _opened(qtbot, make_main_window, write_rich(tmp_path / "rich.wav"))
    assert window.coordinator.cache.cache is None and not window.cache_menu.use.isEnabled()
    assert _entries() == []


def _colorbar(window) -> np.ndarray:
    """The rightmost 90 px of the spectrogram view: the colorbar, its ticks and label."""
    return grab_rgb(window.spectrogram_view)[:, -90:]


def test_the_colorbar_label_is_where_a_fresh_layout_puts_it(qtbot, make_main_window, tmp_path):
    """A new unit ("dB (re max)" -> "power") without a resize: pyqtgraph left the label
    where the old text was centred (a reopen from the cache sets it before the last
    layout). A resize there and back lays the colorbar out afresh: nothing may move."""
    window = _opened(qtbot, make_main_window, write_rich(tmp_path / "rich.wav"))
    doc = window.document
    doc.set_view(doc.view.replace(kind="power"))
    wait_settled(qtbot, window)
    changed = _colorbar(window)
    width, height = window.width(), window.height()
    window.resize(width, height + 60)
    qtbot.waitUntil(lambda: window.spectrogram_view.height() > 0 and window.height() > height)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.height() == height)
    wait_settled(qtbot, window)
    fresh = _colorbar(window)
    assert changed.shape == fresh.shape
    moved = np.abs(changed.astype(int) - fresh).sum(axis=2) > 60
    assert not moved.any(), f"{moved.sum()} pixels of the colorbar moved on a relayout"


def test_going_back_to_earlier_settings_is_served_from_the_cache(qtbot, make_main_window,
                                                                 tmp_path, monkeypatch):
    window = _opened(qtbot, make_main_window, write_rich(tmp_path / "rich.wav"))
    doc = window.document
    db, params = doc.spectrogram, doc.params
    doc.set_view(doc.view.replace(kind="mel_db"))
    wait_settled(qtbot, window)
    doc.set_params(params.replace(hop_length=256))
    wait_settled(qtbot, window)
    assert doc.spectrogram.kind == "mel_db" and doc.features.params.hop_length == 256
    calls = _computes(monkeypatch)
    _no_spectrogram_computed(monkeypatch)
    doc.set_params(params)
    wait_settled(qtbot, window)
    doc.set_view(doc.view.replace(kind="db"))
    wait_settled(qtbot, window)
    assert calls == []
    assert doc.spectrogram.kind == "db" and doc.features.params == params
    np.testing.assert_array_equal(doc.spectrogram.values[: doc.spectrogram.filled],
                                  db.values[: db.filled])


def test_the_pitch_track_is_served_from_the_cache(qtbot, make_main_window, tmp_path,
                                                  monkeypatch):
    from sonolens.model.results import PITCH

    path = write_rich(tmp_path / "rich.wav", seconds=2.0)
    first = make_main_window()
    first.document.set_view(first.document.view.replace(
        overlays=frozenset(first.document.view.overlays) | {"f0"}))
    first.open_path(path)
    qtbot.waitUntil(lambda: first.is_settled() and first.document.result(PITCH) is not None
                    and first.document.result(PITCH).complete and "pitch" in _entries(),
                    timeout=60000)
    computed = first.document.result(PITCH)
    import sonolens.dsp.pitch as pitch

    monkeypatch.setattr(pitch, "pitch_steps", _refused_pitch)
    second = make_main_window()  # the settings file keeps the f0 overlay
    assert "f0" in second.document.view.overlays
    second.open_path(path)
    qtbot.waitUntil(lambda: second.is_settled() and second.document.result(PITCH) is not None,
                    timeout=30000)
    track = second.document.result(PITCH)
    assert track is not computed and track.complete
    for name in ("times", "f0", "voiced_flag", "voiced_prob"):
        np.testing.assert_array_equal(getattr(track, name), getattr(computed, name))
    assert (track.fmin, track.fmax, track.sr, track.params) == (
        computed.fmin, computed.fmax, computed.sr, computed.params)


def _refused_pitch(*_args, **_kwargs):
    raise AssertionError("pYIN ran: the pitch track was not taken from the cache")


def test_the_cache_write_shows_no_progress_and_no_cancel(qtbot, make_main_window, tmp_path,
                                                         monkeypatch):
    """Once the analysis is drawn the status bar is done: the cache's write runs after it
    in the background, with no progress bar or Cancel button appearing for it."""
    import threading

    import sonolens.workers.cached_jobs as cached_jobs

    release, writing = threading.Event(), threading.Event()
    real_store = cached_jobs.store

    def slow_store(cache, identity, offers):
        writing.set()
        while not release.is_set():
            yield cached_jobs.Progress(0, 1, "caching")
            release.wait(0.005)
        return (yield from real_store(cache, identity, offers))

    monkeypatch.setattr(cached_jobs, "store", slow_store)
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "a.wav", seconds=3.0))
    qtbot.waitUntil(writing.is_set, timeout=30000)
    qtbot.wait(100)  # its progress, had it been shown, would be on screen now
    assert window.runner.is_busy() and not window.is_settled()
    assert not window.progress.isVisible() and not window.cancel_button.isVisible()
    assert "caching" not in window.progress.format()
    release.set()
    wait_settled(qtbot, window)
    assert _entries()  # written
