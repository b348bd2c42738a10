"""`sonolens dataset --layout gtzan` against the GTZAN tutorial's per-file librosa loop.

Run on demand (skipped otherwise)::

    SONOLENS_BENCH=1 .venv/bin/python -m pytest tests/benchmarks/test_dataset_speed.py -s

A GTZAN-like corpus: ``SONOLENS_BENCH_FILES`` (default 40) files of
``SONOLENS_BENCH_SECONDS`` (default 30) s, 22050 Hz mono PCM_16 WAV, in 4 genre folders,
of the extract benchmark's music/speech-like signal. Each pipeline runs in a fresh process,
timed whole (interpreter start, imports, loading, features, CSV):

* ours:     ``sonolens -q dataset ROOT -o OUT.csv --layout gtzan --jobs 2`` (and ``--jobs 1``
  for reference);
* tutorial: the tutorial's loop -- for each file ``librosa.load(path, mono=True,
  duration=30)``, then ``librosa.feature.chroma_stft / rms / spectral_centroid /
  spectral_bandwidth / spectral_rolloff / zero_crossing_rate / mfcc`` on ``y`` and a mean of
  each, rows written with ``csv.writer``.

One untimed warm-up of each first (numba's on-disk cache for librosa, .pyc files), so the
timed runs compare steady-state start-up; ours then runs 3 times (best wall time taken,
all printed), the tutorial once. Both tables must agree to 1e-4 (relative).
Target (issue 7): tutorial / ours(--jobs 2) >= 5 on 2 cores.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from tests.benchmarks.test_extract_speed import (
    _only_on_demand,  # noqa: F401 - autouse fixture: skip unless asked for
    _verdict,
    run_measured,
    sonolens_cmd,
    write_test_wav,
)

pytestmark = pytest.mark.benchmark

N_FILES = int(os.environ.get("SONOLENS_BENCH_FILES", "40"))
SECONDS = float(os.environ.get("SONOLENS_BENCH_SECONDS", "30"))
GENRES = ("blues", "classical", "jazz", "metal")
TARGET_RATIO = 5.0
REPEAT = 3  # ours runs this often (best taken); the ~20 s tutorial loop once

TUTORIAL_SCRIPT = textwrap.dedent(
    """
    import csv, os, sys
    import numpy as np
    import librosa

    root, out = sys.argv[1], sys.argv[2]
    header = "filename chroma_stft rmse spectral_centroid spectral_bandwidth rolloff"
    header += " zero_crossing_rate"
    for i in range(1, 21):
        header += f" mfcc{i}"
    header += " label"
    with open(out, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header.split())
        for g in sorted(os.listdir(root)):
            for filename in sorted(os.listdir(f"{root}/{g}")):
                songname = f"{root}/{g}/{filename}"
                y, sr = librosa.load(songname, mono=True, duration=30)
                chroma_stft = librosa.feature.chroma_stft(y=y, sr=sr)
                rmse = librosa.feature.rms(y=y)
                spec_cent = librosa.feature.spectral_centroid(y=y, sr=sr)
                spec_bw = librosa.feature.spectral_bandwidth(y=y, sr=sr)
                rolloff = librosa.feature.spectral_rolloff(y=y, sr=sr)
                zcr = librosa.feature.zero_crossing_rate(y)
                mfcc = librosa.feature.mfcc(y=y, sr=sr)
                row = [f"{g}/{filename}", np.mean(chroma_stft), np.mean(rmse),
                       np.mean(spec_cent), np.mean(spec_bw), np.mean(rolloff), np.mean(zcr)]
                row += [np.mean(e) for e in mfcc]
                writer.writerow([*row, g])
    """
)


def write_corpus(root: Path, n_files: int, seconds: float) -> None:
    for k in range(n_files):
        genre = GENRES[k % len(GENRES)]
        folder = root / genre
        folder.mkdir(parents=True, exist_ok=True)
        write_test_wav(folder / f"{genre}.{k:05d}.wav", seconds, seed=1000 + k)


def read_table(path: Path) -> dict[str, np.ndarray]:
    import pandas as pd

    table = pd.read_csv(path).set_index("filename").drop(columns="label")
    return {name: row.to_numpy(dtype=np.float64) for name, row in table.iterrows()}


def test_dataset_speed(tmp_path: Path) -> None:
    root = tmp_path / "genres"
    write_corpus(root, N_FILES, SECONDS)
    warm = tmp_path / "warm"
    write_corpus(warm, 1, 2.0)
    timeout = 120 + 20 * N_FILES * SECONDS / 30

    tutorial_cmd = [sys.executable, "-c", TUTORIAL_SCRIPT]
    ours_cmd = [*sonolens_cmd(), "-q", "dataset"]
    load_before = os.getloadavg()
    run_measured([*tutorial_cmd, str(warm), str(tmp_path / "w1.csv")], timeout=timeout,
                 scratch=tmp_path)
    run_measured([*ours_cmd, str(warm), "-o", str(tmp_path / "w2.csv"), "--layout", "gtzan",
                  "--jobs", "2"], timeout=timeout, scratch=tmp_path)

    ours_csv, serial_csv, tutorial_csv = (tmp_path / n for n in ("ours.csv", "serial.csv",
                                                                  "tutorial.csv"))
    ours_runs = [run_measured([*ours_cmd, str(root), "-o", str(ours_csv), "--layout", "gtzan",
                               "--jobs", "2"], timeout=timeout, scratch=tmp_path)
                 for _ in range(REPEAT)]
    serial_runs = [run_measured([*ours_cmd, str(root), "-o", str(serial_csv), "--layout",
                                 "gtzan", "--jobs", "1"], timeout=timeout, scratch=tmp_path)
                   for _ in range(REPEAT)]
    ours = min(ours_runs, key=lambda r: r.wall_s)
    serial = min(serial_runs, key=lambda r: r.wall_s)
    tutorial = run_measured([*tutorial_cmd, str(root), str(tutorial_csv)], timeout=timeout,
                            scratch=tmp_path)
    load_after = os.getloadavg()

    got, want = read_table(ours_csv), read_table(tutorial_csv)
    assert sorted(got) == sorted(want) and len(got) == N_FILES
    worst = max(float(np.max(np.abs(got[k] - want[k]) / np.abs(want[k]))) for k in want)
    assert serial_csv.read_bytes() == ours_csv.read_bytes(), "--jobs 1 and 2 differ"

    ratio = tutorial.wall_s / ours.wall_s
    ok = ratio >= TARGET_RATIO
    lines = [
        "",
        f"sonolens dataset --layout gtzan benchmark: {N_FILES} files x {SECONDS:g} s, "
        f"22050 Hz mono PCM_16, {len(GENRES)} folders; {os.cpu_count()} CPUs",
        f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}",
        "",
        f"{'pipeline':<22} {'seconds':>8} {'files/s':>8} {'CPU s':>7} {'peak MB':>8} "
        f"{'x ours':>7}",
        *(f"{name:<22} {r.wall_s:>8.2f} {N_FILES / r.wall_s:>8.2f} {r.cpu_s:>7.2f} "
          f"{r.peak_rss_mb:>8.0f} {tutorial.wall_s / r.wall_s:>7.2f}"
          for name, r in (("ours --jobs 2", ours), ("ours --jobs 1", serial),
                          ("tutorial librosa loop", tutorial))),
        "",
        "whole processes (start-up, imports, decoding, features, CSV); CPU = user+sys of the "
        "process and the children it reaped (--jobs 2's workers are the fork server's "
        "children: not counted)",
        f"ours: best of {REPEAT} runs (all: --jobs 2 "
        + ", ".join(f"{r.wall_s:.2f}" for r in ours_runs) + " s; --jobs 1 "
        + ", ".join(f"{r.wall_s:.2f}" for r in serial_runs) + " s); tutorial: one run "
        "(the machine is shared: other processes slow the 2-process run most)",
        f"largest relative difference ours vs tutorial: {worst:.2e}",
        f"target tutorial / ours(--jobs 2) >= {TARGET_RATIO:g}: {ratio:6.2f}  {_verdict(ok)}",
    ]
    print("\n".join(lines))
    assert worst < 1e-4
    assert ok, f"tutorial/ours = {ratio:.2f} < {TARGET_RATIO:g}"
