"""Interrupted work: open another file, change parameters 50 times, cancel, close -- during
analysis and during playback -- with no crash, no deadlock, no leaked thread and no Qt
warning (qt_log_level_fail); then a bounded random sequence whose final state must be the
last request's.

Playback goes to the ALSA file/null PCM of tests/qt/conftest.py (DESIGN §11); it is not
paced in real time, so "during playback" means a looping selection, playing until stopped.
Nothing here is timed: a hang (deadlock) is caught by pytest-timeout (pyproject's
``timeout``, ``timeout_method = "thread"``), which dumps every thread's stack and ends the
run, so it fails CI instead of stalling it. Speed is measured in tests/benchmarks.
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.engine import extract_features
from tests.qt.conftest import wait_settled, write_rich, write_tone

ACTIONS = ("open", "params", "cancel", "close")


@pytest.fixture(autouse=True)
def no_exception_reaches_qt(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: seen.append(
        "".join(traceback.format_exception(kind, value, tb))))
    yield seen
    assert not seen, "exception reached Qt's event loop:\n" + seen[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("stress")
    return {
        "long": write_rich(folder / "long.wav", seconds=45.0),
        "a": write_rich(folder / "a.wav", seconds=3.0),
        "b": write_tone(folder / "b.wav", freq=660.0, seconds=2.0, sr=44100, channels=2),
        "c": write_tone(folder / "c.wav", freq=220.0, seconds=2.5, sr=16000),
    }


def native_threads() -> set[int]:
    """OS thread ids of this process (Qt's, PortAudio's and Python's alike)."""
    return {int(name) for name in os.listdir("/proc/self/task")}


def python_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if not isinstance(t, threading._DummyThread)}


def wait_threads_gone(baseline: set[int], timeout: float = 10.0) -> set[int]:
    """Threads started since ``baseline`` that are still running after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        QApplication.processEvents()
        extra = native_threads() - baseline
        if not extra or time.monotonic() > deadline:
            return extra
        time.sleep(0.05)


@pytest.fixture
def thread_baseline(qtbot, make_main_window, files):
    """Thread ids after one full warm-up (lazy pools exist), to compare after a close."""
    window = make_main_window()
    window.check_playback()
    window.open_path(files["a"])
    wait_settled(qtbot, window)
    window.document.set_selection((0.1, 0.3))
    window.actions.play_pause.trigger()
    qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=10000)
    window.close()
    return native_threads(), python_threads()


def during_analysis(qtbot, window, files) -> None:
    """The long file's analysis is live when the action comes. It takes ~0.1 s here, and a
    loaded machine can hold the GUI thread longer than that, so polling for it missed it;
    its job now waits at its start until the test has seen it, and is let go just before
    the action, which runs before the GUI thread can hear that the job ended."""
    gate = threading.Event()
    submit = window.runner.submit

    def held(key, make_job, **kwargs):
        if key == "features":
            def make_job(make=make_job):
                gate.wait(timeout=60)
                return make()
        return submit(key, make_job, **kwargs)

    window.runner.submit = held
    try:
        window.open_path(files["long"])
        qtbot.waitUntil(lambda: window.runner.is_busy("features"), timeout=10000)
    finally:
        del window.runner.submit  # the runner's own again
        gate.set()


def during_playback(qtbot, window, files) -> None:
    window.open_path(files["a"])
    wait_settled(qtbot, window)
    window.document.set_selection((0.5, 1.0))
    window.actions.loop.setChecked(True)
    window.actions.play_pause.trigger()
    qtbot.waitUntil(lambda: window.playback.state == "playing", timeout=5000)
    qtbot.wait(50)
    assert window.playback.state == "playing"  # looping: still playing


def assert_consistent(window, path: Path, params: AnalysisParams) -> None:
    """Settled results belong to ``path`` and ``params``, equal to a fresh computation."""
    doc = window.document
    assert doc.source.path == path
    assert doc.params == params
    assert doc.features.params == params and doc.spectrogram.params == params
    assert doc.spectrogram.kind == doc.view.kind
    assert doc.envelope.n_frames == doc.source.frames
    shown = window.coordinator.wanted_features()  # what the views draw (the rest: on demand)
    with open_source(path) as source:
        expected = run_to_end(extract_features(source, params, shown))
    # at least what is shown (a file kept in its tab may hold more, computed when shown)
    assert set(expected.names) <= set(doc.features.names)
    for name in ("rms", "spectral_centroid", "spectral_flatness"):
        np.testing.assert_array_equal(doc.features.columns[name], expected.columns[name])


def assert_closed_cleanly(window, baseline) -> None:
    native, python = baseline
    window.close()
    assert not window.isVisible()
    assert not window.runner.is_busy() and window.runner.is_idle()
    assert all(thread.isFinished() for thread in window.runner._threads)
    assert window.playback.player is None
    leaked = [t.name for t in python_threads() - python if t.is_alive()]
    assert leaked == [], leaked
    extra = wait_threads_gone(native)
    names = [Path(f"/proc/self/task/{t}/comm").read_text().strip() for t in extra]
    assert extra == set(), f"native threads still running after close: {names}"


PARAM_CHOICES = [dict(n_fft=n, hop_length=h) for n in (512, 1024, 2048, 4096)
                 for h in (128, 256, 512)]


@pytest.mark.parametrize("busy", [during_analysis, during_playback],
                         ids=["during-analysis", "during-playback"])
@pytest.mark.parametrize("action", ACTIONS)
def test_interruption(qtbot, make_main_window, files, thread_baseline, busy, action):
    window = make_main_window()
    window.check_playback()
    busy(qtbot, window, files)
    if action == "open":
        window.open_path(files["b"])
        wait_settled(qtbot, window)
        assert window.playback.state == "stopped"
        assert_consistent(window, files["b"], window.document.params)
    elif action == "params":
        params = window.document.params
        for k in range(50):
            params = params.replace(**PARAM_CHOICES[k % len(PARAM_CHOICES)],
                                    n_mels=64 + k % 3 * 32)
            window.document.set_params(params)
            QApplication.processEvents()
        wait_settled(qtbot, window)
        assert_consistent(window, window.document.source.path, params)
    elif action == "cancel":
        window.cancel_button.click() if window.cancel_button.isVisible() else (
            window.cancel_analysis())
        window.actions.stop.trigger()
        qtbot.waitUntil(lambda: window.runner.is_idle(), timeout=10000)
        assert not window.cancel_button.isVisible()
        # still usable: a new request computes again
        window.document.set_params(window.document.params.replace(hop_length=256))
        wait_settled(qtbot, window)
        assert_consistent(window, window.document.source.path, window.document.params)
    assert "internal error" not in window.last_error and window.last_error == ""
    assert_closed_cleanly(window, thread_baseline)


STRESS_STEPS = 300  # ~10 s here; a fixed count, so every run takes the same steps


def test_random_sequence_ends_in_the_last_requests_state(qtbot, make_main_window, files,
                                                         thread_baseline):
    rng = random.Random(20261122)
    window = make_main_window()
    window.check_playback()
    paths = [files["a"], files["b"], files["c"]]
    kinds = ["db", "mel_db", "magnitude", "power"]
    lowers = ["features", "mfcc", "chroma", "contrast"]
    doc = window.document
    window.open_path(paths[0])
    choices = ["open", "params", "params", "view", "play", "stop", "select", "cancel", "wait",
               "zoom"]
    performed: Counter[str] = Counter()  # steps that acted (play/select need a file)
    playback_states: set[str] = set()
    for _ in range(STRESS_STEPS):
        step = rng.choice(choices)
        if step in ("play", "select") and doc.source is None:
            step = "skipped"
        elif step == "open":
            window.open_path(rng.choice(paths))
        elif step == "params":
            doc.set_params(doc.params.replace(**rng.choice(PARAM_CHOICES),
                                              n_mels=rng.choice([40, 64, 128]),
                                              window=rng.choice(["hann", "hamming"])))
        elif step == "view":
            doc.set_view(doc.view.replace(kind=rng.choice(kinds),
                                          lower_view=rng.choice(lowers)))
        elif step == "play":
            window.actions.loop.setChecked(rng.random() < 0.5)
            window.actions.play_pause.trigger()
            playback_states.add(window.playback.state)
        elif step == "stop":
            window.actions.stop.trigger()
        elif step == "select":
            t0 = rng.uniform(0, doc.duration)
            doc.set_selection((t0, t0 + rng.uniform(0.05, 1.0)))
        elif step == "cancel":
            window.cancel_analysis()
        elif step == "zoom":
            rng.choice([window.actions.zoom_in, window.actions.zoom_out,
                        window.actions.zoom_fit]).trigger()
        performed[step] += 1
        qtbot.wait(rng.randint(0, 30))
    # the last requests, after whatever was still running
    final_path, final_params = paths[2], AnalysisParams(n_fft=1024, hop_length=256, n_mels=64)
    final_kind = "mel_db"
    window.open_path(final_path)
    doc.set_params(final_params)
    # the file may be open in a tab of its own, with the view it had there: ask for all of it
    doc.set_view(doc.view.replace(kind=final_kind, lower_view="features"))
    qtbot.waitUntil(lambda: doc.source is not None and doc.source.path == final_path,
                    timeout=20000)
    wait_settled(qtbot, window, timeout=60000)
    assert set(performed) - {"skipped"} == set(choices), performed  # every kind of step ran
    assert sum(performed.values()) == STRESS_STEPS and performed["open"] >= 10
    assert "playing" in playback_states  # playback really started during the sequence
    assert doc.view.kind == final_kind
    assert_consistent(window, final_path, final_params)
    assert "internal error" not in window.last_error
    window.actions.stop.trigger()
    assert_closed_cleanly(window, thread_baseline)
