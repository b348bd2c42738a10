"""Pan/zoom paint on the hour file with the f0 track and annotations shown, per zoom level
(issue 18 "Smooth": p95 < 16 ms at every zoom).

Run on demand (skipped otherwise)::

    SONOLENS_BENCH=1 .venv/bin/python -m pytest tests/benchmarks/test_window_paint_layers.py -s

On the hour file (``paint_layers.hour_file``: /tmp/sl/long60.flac when present, or
SONOLENS_BENCH_HOUR_FILE), 1400x900 window, offscreen, after the whole analysis is drawn,
the same scripted gestures (``_frame`` of the window benchmark: set the range as a gesture
does, then every view's redraw and a synchronous repaint, timed together) are run four
times: bare, with the f0 overlay (the file's complete default-params pYIN track, computed
once by the window's own pitch job and cached, ``paint_layers.pitch_track``), with ~3000
annotations in three tiers (spans, boxes, points; imported from a CSV label file) and with
both. Per zoom level (whole file down to 5 s): zooming into it, then panning across it;
p50/p95/p99/max wall ms of one run and GUI-thread CPU p95; the script runs REPEATS times
per case and each frame's least wall time over the runs gives a "best" p95/p99, the
frame's own cost without the bursts of other processes on a shared machine (the target is
checked on it). The frame drawn once a gesture rests (full resolution) is timed the same
way, best of REPEATS, and printed against the GUI rule (~20 ms).
``SONOLENS_BENCH_SHOT=DIR`` saves the window with f0 + annotations at three zooms;
``SONOLENS_BENCH_PROFILE=DIR`` one more scripted run per case under cProfile.
"""

from __future__ import annotations

import cProfile
import os
import time
from pathlib import Path

import numpy as np
import pytest
from tests.benchmarks.paint_layers import hour_file, label_file, pitch_track
from tests.benchmarks.test_extract_speed import (
    _only_on_demand,  # noqa: F401 - autouse fixture: skip unless asked for
    _verdict,
)
from tests.benchmarks.test_window_paint import _frame, _wait, open_window

pytestmark = pytest.mark.benchmark

MINUTES = float(os.environ.get("SONOLENS_BENCH_WINDOW_MINUTES", "60"))
LABELS = int(os.environ.get("SONOLENS_BENCH_PAINT_LABELS", "3000"))
PANS = int(os.environ.get("SONOLENS_BENCH_PAINT_PANS", "40"))  # per zoom level
REPEATS = int(os.environ.get("SONOLENS_BENCH_PAINT_REPEATS", "3"))  # script runs per case
LEVELS = (None, 900.0, 120.0, 30.0, 5.0)  # s shown (None: the whole file)
TARGET_P95_MS = 16.0


def level_script(duration: float) -> list[tuple[int, float, float]]:
    """(zoom level index, t0, t1): from the whole file, zoom into each level in 6 steps,
    then pan across it (PANS steps of a tenth of its span, back and forth)."""
    spans = [duration if s is None else min(s, duration) for s in LEVELS]
    mid = duration / 2
    steps: list[tuple[int, float, float]] = []
    previous = spans[0]
    for level, span in enumerate(spans):
        for s in np.geomspace(previous, span, 7)[1:] if level else [span]:
            steps.append((level, mid - s / 2, mid + s / 2))
        previous = span
        for k in range(PANS):
            shift = (k if k < PANS // 2 else PANS - k) * span / 10
            t0 = min(max(0.0, mid - span / 2 + shift), duration - span)
            steps.append((level, t0, t0 + span))
    return steps


def run(window, steps, gesture: bool = True) -> np.ndarray:
    """(n, 2): wall and GUI-thread CPU ms of each step."""
    return np.array([_frame(window, t0, t1, gesture=gesture) for _, t0, t1 in steps]) * 1e3


def level_name(level: int, duration: float) -> str:
    span = LEVELS[level]
    return f"whole {duration / 60:.0f} min" if span is None else f"{span:g} s"


def test_paint_per_zoom_with_f0_and_annotations(qtbot, tmp_path: Path) -> None:

    from sonolens.model.results import PITCH

    audio = hour_file(tmp_path, MINUTES)
    window = open_window(qtbot, tmp_path)
    load = [os.getloadavg()[0]]
    profile = os.environ.get("SONOLENS_BENCH_PROFILE")  # a folder: one cProfile per case
    cases: dict[str, np.ndarray] = {}
    rested: dict[str, np.ndarray] = {}
    best: dict[str, np.ndarray] = {}  # per frame, the least of REPEATS runs
    others: dict[str, float] = {}  # CPU s the process's other threads took during a run
    try:
        window.open_path(audio)
        _wait(qtbot, window.is_settled, 60 * max(10.0, MINUTES), 50)
        doc = window.document
        duration = doc.duration
        steps = level_script(duration)
        rest = steps[::8]
        levels = np.array([level for level, _, _ in steps])
        clock = time.perf_counter()
        track = pitch_track(audio, doc.params)
        pitch_s = time.perf_counter() - clock

        def measure(name: str) -> None:
            _wait(qtbot, window.is_settled, 600, 20)
            run(window, steps)  # warm-up: the tiles and caches the script asks for...
            _wait(qtbot, window.is_settled, 600, 20)  # ...made before the timed run
            clock, process = time.thread_time(), time.process_time()
            runs = [run(window, steps) for _ in range(REPEATS)]
            others[name] = (time.process_time() - process) - (time.thread_time() - clock)
            cases[name] = runs[0]
            best[name] = np.min(runs, axis=0)  # each frame's least time: what it costs
            if profile:
                Path(profile).mkdir(parents=True, exist_ok=True)
                with cProfile.Profile() as prof:
                    run(window, steps)
                prof.dump_stats(str(Path(profile) / f"paint_{name.replace('+', '_')}.prof"))
            # at rest too, each frame's least wall time over REPEATS runs
            rested[name] = np.min([run(window, rest, gesture=False) for _ in range(REPEATS)],
                                  axis=0)
            if profile:  # the frames drawn once a gesture rests, under cProfile
                with cProfile.Profile() as prof:
                    run(window, rest, gesture=False)
                prof.dump_stats(str(Path(profile) / f"rest_{name.replace('+', '_')}.prof"))
            load.append(os.getloadavg()[0])

        measure("bare")
        assert doc.accept(PITCH, track, doc.token())
        doc.set_view(doc.view.replace(overlays=frozenset({*doc.view.overlays, "f0"})))
        qtbot.wait(50)
        assert window.binder.pitch in window.spectrogram_view.layers
        measure("f0")
        loaded: list = []
        window.annotation_files.loaded.connect(lambda *args: loaded.append(args))
        window.annotation_files.import_from(label_file(tmp_path / "labels.csv", duration,
                                                       LABELS))
        _wait(qtbot, lambda: bool(loaded), 60, 5)
        assert len(doc.annotations.annotations) == LABELS
        measure("f0+annotations")
        doc.set_view(doc.view.replace(overlays=frozenset(doc.view.overlays - {"f0"})))
        qtbot.wait(50)
        measure("annotations")
        shots = os.environ.get("SONOLENS_BENCH_SHOT")
        if shots:
            doc.set_view(doc.view.replace(overlays=frozenset({*doc.view.overlays, "f0"})))
            for name, (t0, t1) in (("whole", (0, duration)),
                                   ("120s", (duration / 2 - 60, duration / 2 + 60)),
                                   ("5s", (duration / 2 - 2.5, duration / 2 + 2.5))):
                window.waveform.plot.setXRange(t0, t1, padding=0)
                qtbot.wait(300)
                _wait(qtbot, window.is_settled, 60, 20)
                qtbot.wait(50)
                window.grab().save(str(Path(shots) / f"layers_{name}.png"))
    finally:
        window.sessions.ask_unsaved = lambda: "discard"  # no modal prompt on close
        window.documents.ask_discard = lambda count: "discard"
        window.close()

    import sonolens

    print()
    print(f"sonolens from {Path(sonolens.__file__).parent}")
    print(f"{audio} ({duration / 60:.1f} min), {track.n_frames} f0 frames "
          f"({track.voiced_flag.mean():.0%} voiced; got in {pitch_s:.1f} s), {LABELS} "
          f"annotations in 3 tiers; {len(steps)} gesture frames per case; load "
          f"{' '.join(f'{v:.2f}' for v in load)}")
    print(f"ms; one run: wall p50 p95 p99 max and GUI-thread CPU p95; best of {REPEATS} (each "
          "frame's least wall time over the runs: without the other sessions' bursts): p95 "
          "p99; and the full-resolution frame at rest: best p95")
    print(f"{'zoom level':14s} {'case':15s} {'n':>3s} {'p50':>6s} {'p95':>6s} {'p99':>6s} "
          f"{'max':>6s} {'cpu p95':>8s} {'best p95':>8s} {'best p99':>8s} {'rest best p95':>14s}")
    print("CPU s of the other threads during each case's run: "
          + ", ".join(f"{name} {seconds:.2f}" for name, seconds in others.items()))
    worst = rest_worst = 0.0
    rest_levels = levels[::8]
    for level in range(len(LEVELS)):
        for name, times in cases.items():
            mine = times[levels == level]
            p50, p95, p99, top = np.percentile(mine[:, 0], [50, 95, 99, 100])
            at_rest = rested[name][rest_levels == level, 0]
            r95 = np.percentile(at_rest, 95) if len(at_rest) else float("nan")
            b95, b99 = np.percentile(best[name][levels == level, 0], [95, 99])
            print(f"{level_name(level, duration):14s} {name:15s} {len(mine):3d} {p50:6.1f} "
                  f"{p95:6.1f} {p99:6.1f} {top:6.1f} {np.percentile(mine[:, 1], 95):8.1f} "
                  f"{b95:8.1f} {b99:8.1f} {r95:14.1f}")
            if name == "f0+annotations":
                worst = max(worst, b95)
            rest_worst = max(rest_worst, r95)
    ok = worst <= TARGET_P95_MS
    print(f"target p95 <= {TARGET_P95_MS} ms at every zoom with f0 + annotations (best of "
          f"{REPEATS}; worst level {worst:.1f} ms): {_verdict(ok)}")
    print(f"frames at rest (full resolution), best of {REPEATS}, every case: worst level p95 "
          f"{rest_worst:.1f} ms (GUI rule ~20 ms): {_verdict(rest_worst <= 20.0)}")
    assert ok
