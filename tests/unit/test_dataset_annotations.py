"""`sonolens dataset DIR --annotations`: the label file beside each audio file gives one
row per annotation (the event-level table detectors and classifiers train on)."""

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


def need(fmt: str) -> None:
    if fmt not in formats():
        pytest.skip(f"format {fmt} is not in this build yet")


@pytest.fixture
def corpus(tmp_path):
    """birds/a.wav with a.csv (2 annotations), birds/b.wav with b.csv (1), frogs/c.wav with
    no label file (listed as failed)."""
    need("csv")
    root = tmp_path / "corpus"
    for folder, name, seed in (("birds", "a", 0), ("birds", "b", 1), ("frogs", "c", 2)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        sf.write(root / folder / f"{name}.wav", make_signal(SR, 2.0, seed=seed), SR,
                 subtype="FLOAT")
    a = AnnotationSet()
    a.add(Annotation(0.2, 0.9, "trill", "calls", 2000.0, 6000.0))
    a.add(Annotation(1.1, 1.8, "chip", "calls"))
    write_labels(a, root / "birds" / "a.csv", "csv")
    b = AnnotationSet()
    b.add(Annotation(0.5, 1.5, "trill", "calls"))
    write_labels(b, root / "birds" / "b.csv", "csv")
    return root


def test_one_row_per_annotation(tmp_path, corpus):
    out = tmp_path / "events.csv"
    code = main(["-q", "dataset", str(corpus), "-o", str(out), "--annotations",
                 "--features", "rms,centroid"])
    assert code == 1  # frogs/c.wav has no label file: listed, the others written
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == ["filename", "label", "tier", "start", "end", "low_hz",
                                   "high_hz", "rms_mean", "rms_std", "spectral_centroid_mean",
                                   "spectral_centroid_std"]
    assert list(table["filename"]) == ["birds/a.wav", "birds/a.wav", "birds/b.wav"]
    assert list(table["label"]) == ["trill", "chip", "trill"]
    errors = pd.read_csv(tmp_path / "events.errors.csv")
    assert list(errors["filename"]) == ["frogs/c.wav"]
    assert "label file" in errors["error"][0]
    y, _ = sf.read(corpus / "birds" / "a.wav", dtype="float32")
    rms = librosa.feature.rms(y=y)[0]
    times = librosa.frames_to_time(np.arange(len(rms)), sr=SR)
    frames = (times >= 0.2) & (times < 0.9)
    assert float(table["rms_mean"][0]) == pytest.approx(rms[frames].mean(), rel=1e-4)
    assert float(table["rms_std"][0]) == pytest.approx(rms[frames].std(), rel=1e-4)
    assert float(table["low_hz"][0]) == 2000.0 and table["low_hz"][1] == ""


def test_annotations_refuse_gtzan_and_resume(tmp_path, corpus, capsys):
    out = tmp_path / "x.csv"
    assert main(["dataset", str(corpus), "-o", str(out), "--annotations", "--layout",
                 "gtzan"]) == 2
    assert main(["dataset", str(corpus), "-o", str(out), "--annotations", "--resume"]) == 2
    assert "resume" in capsys.readouterr().err
