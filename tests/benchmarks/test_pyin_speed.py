"""Speed and memory of ``sonolens.dsp.pyin.pyin`` against ``librosa.pyin`` (issue 17: >= 20x).

Run on demand (skipped otherwise)::

    .venv/bin/python -m pytest tests/benchmarks/test_pyin_speed.py -m benchmark -s
    SONOLENS_BENCH=1 SONOLENS_BENCH_PYIN_SECONDS=60 SONOLENS_BENCH_PYIN_MINUTES=60 \\
        .venv/bin/python -m pytest tests/benchmarks/test_pyin_speed.py -s

On ``SONOLENS_BENCH_PYIN_SECONDS`` (default 60) of the extract benchmark's music/speech-like
22050 Hz signal (harmonic tones with vibrato, noise bursts, silent gaps), both with their
defaults (C2..C7, frame 2048, hop 512), BLAS limited to one thread, after a warm-up (numba
JIT excluded on both sides): librosa's time (one run), ours (best of two), the ratio, how far
the results agree, and ours extrapolated to 60 minutes. Then the app's pitch job alone
(``dsp.pitch.pitch_steps``: the signal streamed from the file, never held whole, after a
counting pass) on a ``SONOLENS_BENCH_PYIN_MINUTES`` (default 60) file in a fresh process:
wall and CPU time and the peak RSS it adds (against the size of the signal as one array).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from tests.benchmarks.test_extract_speed import (
    SR,
    _only_on_demand,  # noqa: F401 - autouse fixture: skip unless asked for
    _verdict,
    write_test_wav,
)

pytestmark = pytest.mark.benchmark

SECONDS = float(os.environ.get("SONOLENS_BENCH_PYIN_SECONDS", "60"))
LONG_MINUTES = float(os.environ.get("SONOLENS_BENCH_PYIN_MINUTES", "60"))
TARGET_RATIO = 20.0
ROOT = Path(__file__).resolve().parents[2]

LONG_RUN = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    from sonolens.audio.source import open_source
    from sonolens.core.params import AnalysisParams
    from sonolens.dsp.pitch import pitch_steps
    from sonolens.dsp.pyin import pyin

    pyin(np.random.default_rng(0).standard_normal(22050).astype(np.float32), 22050)  # JIT
    source = open_source(sys.argv[1])

    def status_mb(field):
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith(field + ":"))
        return int(line.split()[1]) / 1024

    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # reset the peak (VmHWM) to the current RSS
    before = status_mb("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    steps = pitch_steps(source, AnalysisParams())
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            track = stop.value
            break
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = status_mb("VmHWM")
    print(json.dumps({"wall": wall, "cpu": cpu, "frames": track.n_frames,
                      "seconds": source.frames / track.sr,
                      "signal_mb": source.frames * 4 / 2**20,
                      "rss_before": before, "rss_peak": peak,
                      "voiced": float(track.voiced_flag.mean())}))
""")


def _timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def test_pyin_speed(tmp_path: Path) -> None:
    import librosa
    import soundfile as sf
    from threadpoolctl import threadpool_limits

    from sonolens.dsp.pyin import pyin

    wav = tmp_path / "pyin_bench.wav"
    write_test_wav(wav, SECONDS)
    y, sr = sf.read(wav, dtype="float32")
    assert sr == SR
    fmin, fmax = librosa.note_to_hz("C2"), librosa.note_to_hz("C7")
    with threadpool_limits(1):
        librosa.pyin(y[: 2 * sr], sr=sr, fmin=fmin, fmax=fmax)
        pyin(y[: 2 * sr], sr)
        ref, lib_wall, lib_cpu = _timed(librosa.pyin, y, sr=sr, fmin=fmin, fmax=fmax)
        runs = [_timed(pyin, y, sr) for _ in range(2)]
    ours = runs[0][0]
    our_wall = min(run[1] for run in runs)
    our_cpu = min(run[2] for run in runs)
    ratio_wall, ratio_cpu = lib_wall / our_wall, lib_cpu / our_cpu
    frames = len(ref[0])
    same_voicing = np.mean(ours[1] == ref[1])
    both = ours[1] & ref[1]
    cents = 1200 * np.abs(np.log2(ours[0][both] / ref[0][both]))
    exact = all(np.array_equal(a, b, equal_nan=True) for a, b in zip(ours, ref, strict=True))
    print(f"\npYIN on {SECONDS:g} s of 22050 Hz audio ({frames} frames, "
          f"{np.mean(ref[1]):.0%} voiced), one thread")
    print(f"  librosa.pyin : {lib_wall:7.2f} s wall  {lib_cpu:7.2f} s CPU")
    print(f"  sonolens pyin: {our_wall:7.3f} s wall  {our_cpu:7.3f} s CPU "
          f"({our_cpu / frames * 1e6:.0f} us/frame)")
    print(f"  ratio        : {ratio_wall:6.1f}x wall  {ratio_cpu:6.1f}x CPU "
          f"(target >= {TARGET_RATIO:g}x) {_verdict(min(ratio_wall, ratio_cpu) >= TARGET_RATIO)}")
    print(f"  agreement    : voicing {same_voicing:.4%}, f0 max {cents.max(initial=0):.2g} cents, "
          f"P(voiced) max diff {np.max(np.abs(ours[2] - ref[2])):.2g}, "
          f"exactly equal: {exact}")
    print(f"  60 min (extrapolated): librosa {lib_wall * 3600 / SECONDS / 60:.1f} min, "
          f"ours {our_wall * 3600 / SECONDS:.1f} s")

    long_wav = tmp_path / "pyin_long.wav"
    write_test_wav(long_wav, LONG_MINUTES * 60)
    done = subprocess.run([sys.executable, "-c", LONG_RUN, str(long_wav)], check=True,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "app"),
                               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
    long = json.loads(done.stdout.strip().splitlines()[-1])
    added = long["rss_peak"] - long["rss_before"]
    print(f"  {LONG_MINUTES:g} min measured ({long['frames']} frames): {long['wall']:.1f} s wall, "
          f"{long['cpu']:.1f} s CPU, peak RSS added by the streamed pitch job {added:.0f} MB "
          f"(the signal as one array: {long['signal_mb']:.0f} MB; "
          f"{long['rss_before']:.0f} MB before)")
    assert ratio_cpu >= TARGET_RATIO
    assert ratio_wall >= TARGET_RATIO
