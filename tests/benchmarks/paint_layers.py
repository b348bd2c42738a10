"""What the paint benchmark draws over the hour file: its pitch track (cached) and a few
thousand annotations in three tiers, imported from a label file as a user would."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

CACHE = Path(os.environ.get("SONOLENS_BENCH_CACHE", "/tmp/sonolens-bench-cache"))


def pitch_track(audio: Path, params=None):
    """The default-params pYIN track of ``audio`` (dsp.pitch.pitch_steps, the window's own
    job), computed once and kept in CACHE by the file's path, size, mtime and params."""
    from sonolens.audio.source import open_source
    from sonolens.core.params import AnalysisParams
    from sonolens.dsp.pitch import PitchTrack, pitch_steps

    params = params or AnalysisParams()
    stat = audio.stat()
    key = hashlib.sha1(repr((str(audio.resolve()), stat.st_size, stat.st_mtime_ns,
                             params)).encode()).hexdigest()[:16]
    cached = CACHE / f"pitch-{audio.stem}-{key}.npz"
    if cached.exists():
        with np.load(cached) as z:
            return PitchTrack(z["times"], z["f0"], z["voiced_flag"], z["voiced_prob"],
                              int(z["sr"]), params, float(z["fmin"]), float(z["fmax"]))
    source = open_source(audio)
    steps = pitch_steps(source, params)
    try:
        while True:
            next(steps)
    except StopIteration as done:
        track = done.value
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp.npz")
    np.savez(tmp, times=track.times, f0=track.f0, voiced_flag=track.voiced_flag,
             voiced_prob=track.voiced_prob, sr=track.sr, fmin=track.fmin, fmax=track.fmax)
    tmp.replace(cached)
    return track


def hour_file(scratch: Path, minutes: float) -> Path:
    """SONOLENS_BENCH_HOUR_FILE if set, else /tmp/sl/long60.flac (the shared hour file) for
    60 minutes if it exists, else the window benchmark's signal written to ``scratch``."""
    from tests.benchmarks.test_window_open import write_stereo_flac

    named = os.environ.get("SONOLENS_BENCH_HOUR_FILE")
    if named:
        return Path(named)
    shared = Path("/tmp/sl/long60.flac")
    if minutes == 60 and shared.exists():
        return shared
    audio = scratch / "long.flac"
    write_stereo_flac(audio, minutes * 60, scratch)
    return audio


def label_file(path: Path, duration: float, count: int = 3000) -> Path:
    """``count`` annotations over ``duration`` s in three tiers, written as a CSV label
    file (export.labels): "words" spans (0.2-2 s), "calls" boxes (0.05-0.5 s in a band
    between 300 Hz and 8 kHz), "events" points; each labelled."""
    from sonolens.core.annotations import Annotation, AnnotationSet
    from sonolens.export.labels import write_labels

    rng = np.random.default_rng(18)
    third = count // 3
    annotations = AnnotationSet()
    for k, start in enumerate(np.sort(rng.uniform(0, duration - 3, third))):
        end = start + rng.uniform(0.2, 2.0)
        annotations.add(Annotation(round(float(start), 4), round(float(end), 4),
                                   f"word {k}", "words"))
    for k, start in enumerate(np.sort(rng.uniform(0, duration - 1, third))):
        low = float(rng.uniform(300, 3000))
        high = low + float(rng.uniform(500, 5000))
        end = start + rng.uniform(0.05, 0.5)
        annotations.add(Annotation(round(float(start), 4), round(float(end), 4),
                                   f"call {k}", "calls", round(low, 1), round(high, 1)))
    for k, t in enumerate(np.sort(rng.uniform(0, duration, count - 2 * third))):
        annotations.add(Annotation(round(float(t), 4), round(float(t), 4), f"e{k}",
                                   "events"))
    return write_labels(annotations, path, "csv")
