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


def test_annotations_refuse_gtzan(tmp_path, corpus, capsys):
    out = tmp_path / "x.csv"
    assert main(["dataset", str(corpus), "-o", str(out), "--annotations", "--layout",
                 "gtzan"]) == 2
    assert "gtzan" in capsys.readouterr().err


EVENTS = ["dataset", "--annotations", "--features", "rms,centroid"]


def full_run(corpus, tmp_path) -> tuple[bytes, bytes]:
    """The table and errors table of an uninterrupted run."""
    out = tmp_path / "full" / "events.csv"
    out.parent.mkdir()
    assert main(["-q", *EVENTS[:1], str(corpus), "-o", str(out), *EVENTS[1:]]) == 1
    return out.read_bytes(), out.with_name("events.errors.csv").read_bytes()


def resume(corpus, out, capsys) -> str:
    assert main([EVENTS[0], str(corpus), "-o", str(out), *EVENTS[1:], "--resume"]) == 1
    return capsys.readouterr().err


def test_resume_after_an_interrupted_run_equals_a_full_run(tmp_path, corpus, capsys):
    from sonolens.export.dataset_batch import FILE_UNITS, make_dataset
    from sonolens.export.dataset_table import DatasetSpec

    table, errors = full_run(corpus, tmp_path)
    out = tmp_path / "events.csv"
    spec = DatasetSpec(features=("rms", "spectral_centroid"), annotations=True)
    job = make_dataset(corpus, out, spec)
    while next(job).done < FILE_UNITS:  # until the first file is finished
        pass
    job.close()  # what Cancel and Ctrl+C do: the finished file's rows are written
    assert pd.read_csv(out)["filename"].tolist() == ["birds/a.wav", "birds/a.wav"]
    said = resume(corpus, out, capsys)
    assert "wrote 3 rows (2 kept from before)" in said
    assert out.read_bytes() == table
    assert out.with_name("events.errors.csv").read_bytes() == errors


@pytest.mark.parametrize("keep,kept", [(2, 2), (1, 0), (3, 3)])
def test_resume_keeps_whole_files_only(tmp_path, corpus, capsys, keep, kept):
    """The output cut after ``keep`` rows: a.wav's 2 rows (kept), 1 of them (a.wav is not
    whole: analysed again), or all 3 (nothing analysed)."""
    table, errors = full_run(corpus, tmp_path)
    lines = table.decode().splitlines(keepends=True)
    out = tmp_path / "events.csv"
    marked = lines[1].replace(lines[1].split(",")[7], "123.5", 1)  # a.wav's first rms_mean
    out.write_text("".join([lines[0], marked, *lines[2:1 + keep]]))
    said = resume(corpus, out, capsys)
    assert f"wrote 3 rows ({kept} kept from before)" in said if kept else "kept" not in said
    got = out.read_text().splitlines(keepends=True)
    assert got[0] == lines[0] and got[2:] == lines[2:]
    assert got[1] == (marked if kept else lines[1])  # a kept row is not recomputed
    assert out.with_name("events.errors.csv").read_bytes() == errors
