"""100 000 annotations: reading label files, opening them in the window, pan/zoom paint.

Run on demand (skipped otherwise)::

    SONOLENS_BENCH=1 .venv/bin/python -m pytest tests/benchmarks/test_annotations_speed.py -s

``SONOLENS_BENCH_ANNOTATIONS`` (default 100000) annotations over a
``SONOLENS_BENCH_ANNOTATION_MINUTES`` (default 10) minute mono WAV: half in a tier of
spans (some with a band), half in a tier of points, every one labelled. Printed:

* ``read_labels`` per format (written with ``export.labels.write_labels``);
* import: from ``AnnotationFiles.import_from`` until every view has repainted with them
  (target < 1 s);
* paint per pan/zoom frame (the window benchmark's scripted zooms and pans, each set,
  redrawn and repainted synchronously) with the annotations and without: p50/p95 and the
  ratio (target p95 < 20 ms with them).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from tests.benchmarks.test_extract_speed import (
    _only_on_demand,  # noqa: F401 - autouse fixture: skip unless asked for
    _verdict,
    write_test_wav,
)
from tests.benchmarks.test_window_paint import _frame, _script, _wait, open_window

pytestmark = pytest.mark.benchmark

COUNT = int(os.environ.get("SONOLENS_BENCH_ANNOTATIONS", "100000"))
MINUTES = float(os.environ.get("SONOLENS_BENCH_ANNOTATION_MINUTES", "10"))
TARGET_IMPORT_S = 1.0
TARGET_PAINT_P95_MS = 20.0


def make_annotations(count: int, duration: float):
    from sonolens.core.annotations import Annotation, AnnotationSet

    rng = np.random.default_rng(16)
    half = count // 2
    starts = np.sort(rng.uniform(0.0, duration - 1.0, half))
    lengths = rng.uniform(0.005, 0.5, half)
    points = np.sort(rng.uniform(0.0, duration, count - half))
    annotations = AnnotationSet()
    for k, (start, length) in enumerate(zip(starts, lengths, strict=True)):
        band = (200.0 + k % 50 * 50.0, 4000.0 + k % 30 * 100.0) if k % 3 == 0 else (None, None)
        annotations.add(Annotation(round(float(start), 6), round(float(start + length), 6),
                                   f"call {k}", "calls", *band))
    for k, t in enumerate(points):
        annotations.add(Annotation(round(float(t), 6), round(float(t), 6), f"p{k}", "events"))
    return annotations


def _repaint(window) -> None:
    for view in (window.waveform, window.spectrogram_view):
        view._timer.stop()
        view.redraw()
        view.viewport().repaint()


def _parts(window) -> tuple[float, float, float, float]:
    """Seconds of the window's share of an import, measured again once it is in: every
    slot of ``annotations_changed``, the layers' slot alone, the table's model reset alone
    (NaN if the table is not found) and one repaint of both views."""
    def timed(call) -> float:
        clock = time.perf_counter()
        call()
        return time.perf_counter() - clock

    signal = timed(window.document.annotations_changed.emit)
    layers = timed(window.annotation_layers._on_document_annotations_changed)
    model = getattr(getattr(window, "annotation_table", None), "model", None)
    reset = getattr(model, "_rebuild", getattr(model, "_on_annotations_changed", None))
    table = timed(reset) if reset is not None else float("nan")
    return signal, layers, table, timed(lambda: _repaint(window))


def test_annotations_speed(qtbot, tmp_path: Path) -> None:

    from sonolens.export.labels import formats, read_labels, write_labels

    audio = tmp_path / "long.wav"
    write_test_wav(audio, MINUTES * 60)
    annotations = make_annotations(COUNT, MINUTES * 60)
    reads = {}
    files = {}
    for fmt, suffix in (("csv", ".csv"), ("textgrid", ".TextGrid"), ("audacity", ".txt"),
                        ("raven", ".selections.txt"), ("sv-csv", ".sv.csv")):
        if fmt not in formats():
            continue
        path = write_labels(annotations, tmp_path / f"labels{suffix}", fmt)
        clock = time.perf_counter()
        back, _ = read_labels(path)
        reads[fmt] = time.perf_counter() - clock
        files[fmt] = path
        assert len(back.annotations) == COUNT

    window = open_window(qtbot, tmp_path)
    imports, tiers, frames, parts = {}, {}, {}, {}
    try:
        window.open_path(audio)
        _wait(qtbot, window.is_settled, 600, 20)
        duration = window.document.duration
        bare = np.array([_frame(window, *span) for span in _script(duration)]) * 1000
        loaded: list = []
        window.annotation_files.loaded.connect(lambda *args: loaded.append(args))
        for fmt in ("csv", "textgrid"):
            loaded.clear()
            clock = time.perf_counter()
            window.annotation_files.import_from(files[fmt])
            _wait(qtbot, lambda: bool(loaded), 60, 1)
            _repaint(window)
            imports[fmt] = time.perf_counter() - clock
            assert len(window.document.annotations.annotations) == COUNT
            tiers[fmt] = len(window.document.annotations.tiers)
            parts[fmt] = _parts(window)
            frames[fmt] = np.array([_frame(window, *span) for span in _script(duration)])
    finally:
        window.sessions.ask_unsaved = lambda: "discard"  # no modal prompt on close
        window.documents.ask_discard = lambda count: "discard"
        window.close()

    b50, b95 = np.percentile(bare[:, 0], [50, 95])
    print()
    print(f"{COUNT} annotations ({COUNT // 2} spans, {COUNT - COUNT // 2} points) over "
          f"{MINUTES:g} min; {len(bare)} scripted frames")
    for fmt, seconds in reads.items():
        print(f"read_labels {fmt:10s}        {seconds:6.3f} s")
    for fmt, seconds in imports.items():
        print(f"import_from -> drawn ({fmt:8s}) {seconds:6.3f} s ({tiers[fmt]} tiers; "
              f"target <= {TARGET_IMPORT_S} s: {_verdict(seconds <= TARGET_IMPORT_S)})")
        signal, layers, table, paint = parts[fmt]
        print(f"  of which: read {reads[fmt]:.3f} s (worker), annotations_changed slots "
              f"{signal:.3f} s (annotation layers {layers:.3f} s, table model reset "
              f"{table:.3f} s), repaint {paint:.3f} s")
    print(f"paint per frame, no annotations  p50 {b50:5.1f} ms  p95 {b95:5.1f} ms")
    p95s = []
    for fmt, times in frames.items():
        p50, p95, worst = np.percentile(times[:, 0] * 1000, [50, 95, 100])
        p95s.append(p95)
        print(f"paint per frame, {fmt:8s} ({tiers[fmt]:2d} tiers)  p50 {p50:5.1f} ms  "
              f"p95 {p95:5.1f} ms  max {worst:5.1f} ms  (p95 ratio {p95 / b95:.2f}; "
              f"target p95 <= {TARGET_PAINT_P95_MS} ms: "
              f"{_verdict(p95 <= TARGET_PAINT_P95_MS)})")
    ok_import = max(imports.values()) <= TARGET_IMPORT_S
    ok_paint = max(p95s) <= TARGET_PAINT_P95_MS
    print(f"target import <= {TARGET_IMPORT_S} s: {_verdict(ok_import)}")
    print(f"target paint p95 <= {TARGET_PAINT_P95_MS} ms: {_verdict(ok_paint)}")
    assert ok_import and ok_paint
