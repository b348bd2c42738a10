"""`sonolens extract AUDIO --annotations LABELS`: one row per annotation, the mean and the
population std of every feature column over its frames, equal to librosa's features
averaged the same way (to 1e-4)."""

from __future__ import annotations

import librosa
import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from sonolens.cli.main import main
from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.export.labels import formats, write_labels
from tests.unit.signals import make_signal

SR = 22050


@pytest.fixture
def audio(tmp_path):
    path = tmp_path / "a.wav"
    sf.write(path, make_signal(SR, 3.0), SR, subtype="FLOAT")
    return path


def labels(tmp_path, fmt: str = "csv"):
    if fmt not in formats():
        pytest.skip(f"format {fmt} is not in this build yet")
    annotations = AnnotationSet()
    annotations.add(Annotation(0.30, 1.10, "call, one", "calls", 500.0, 3000.0))
    annotations.add(Annotation(1.50, 2.75, "second", "calls"))
    annotations.add(Annotation(2.0, 2.0, "tick", "events"))  # a point: its nearest frame
    annotations.add(Annotation(0.40, 0.41, "short", "words"))  # no centre inside: nearest
    annotations.add(Annotation(9.0, 10.0, "late", "words"))  # past the end: the last frame
    return write_labels(annotations, tmp_path / "labels.csv", fmt), annotations


def expected_frames(times: np.ndarray, a: Annotation) -> np.ndarray:
    inside = np.flatnonzero((times >= a.start) & (times < a.end))
    if inside.size:
        return inside
    return np.array([int(np.argmin(np.abs(times - a.start)))])


def test_rows_equal_librosa_averaged_per_annotation(tmp_path, audio):
    path, annotations = labels(tmp_path)
    out = tmp_path / "per_annotation.csv"
    assert main(["-q", "extract", str(audio), "--annotations", str(path), "-o", str(out)]) == 0
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns[:7]) == ["tier", "label", "start", "end", "low_hz", "high_hz",
                                       "frames"]
    assert "mfcc_20_std" in table.columns and "chroma_A_mean" in table.columns
    y, _ = sf.read(audio, dtype="float32")
    S = np.abs(librosa.stft(y))
    reference = {
        "rms": librosa.feature.rms(y=y)[0],
        "spectral_centroid": librosa.feature.spectral_centroid(S=S, sr=SR)[0],
        "mfcc_3": librosa.feature.mfcc(y=y, sr=SR)[2],
    }
    times = librosa.frames_to_time(np.arange(S.shape[1]), sr=SR)
    order = annotations.sorted()
    assert list(table["label"]) == [a.label for a in order]
    for row, a in zip(table.itertuples(index=False), order, strict=True):
        frames = expected_frames(times, a)
        assert row.frames == len(frames)
        for name, values in reference.items():
            for stat, want in (("mean", values[frames].mean()), ("std", values[frames].std())):
                got = float(getattr(row, f"{name}_{stat}"))
                scale = max(abs(float(values.max())), 1e-12)
                assert abs(got - want) <= 1e-4 * scale, (a.label, name, stat, got, want)
    box = table[table["label"] == "call, one"].iloc[0]
    assert (float(box["low_hz"]), float(box["high_hz"])) == (500.0, 3000.0)
    assert table[table["label"] == "second"].iloc[0]["low_hz"] == ""


def test_a_malformed_label_file_is_exit_2_and_writes_nothing(tmp_path, audio, capsys):
    bad = tmp_path / "labels.txt"
    bad.write_text("0.5\t1.0\tfine\nabc\t2.0\tbroken\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code = main(["extract", str(audio), "--annotations", str(bad), "-o", str(out)])
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "labels.txt" in err and "Traceback" not in err
