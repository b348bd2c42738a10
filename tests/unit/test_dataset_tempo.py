"""`sonolens dataset --tempo`: a last column with librosa.beat.beat_track's tempo."""

from __future__ import annotations

import csv

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.cli.main import main
from tests.unit.signals import drum_loop


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    sf.write(folder / "a100.wav", 0.5 * drum_loop(100, 22050, seconds=6.0), 22050,
             subtype="FLOAT")
    sf.write(folder / "b128.wav", 0.5 * drum_loop(128, 16000, seconds=6.0), 16000,
             subtype="FLOAT")
    sf.write(folder / "c_silence.wav", np.zeros(8000), 8000, subtype="FLOAT")
    return folder


def test_tempo_column_equals_beat_track(corpus, tmp_path):
    out, plain = tmp_path / "tempo.csv", tmp_path / "plain.csv"
    assert main(["-q", "dataset", str(corpus), "-o", str(out), "--features", "rms",
                 "--tempo"]) == 0
    assert main(["-q", "dataset", str(corpus), "-o", str(plain), "--features", "rms"]) == 0
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["filename", "label", "rms_mean", "rms_std", "tempo"]
    for row in rows:
        y, sr = sf.read(corpus / row["filename"], dtype="float32")
        bpm, _beats = librosa.beat.beat_track(y=y, sr=sr)
        assert float(row["tempo"]) == pytest.approx(float(np.atleast_1d(bpm)[0]), rel=1e-6)
    assert [float(r["tempo"]) for r in rows][2] == 0.0
    # without --tempo: the same table without that column
    plain_rows = list(csv.DictReader(plain.open()))
    assert [{k: v for k, v in r.items() if k != "tempo"} for r in rows] == plain_rows


def test_tempo_refused_with_gtzan(corpus, tmp_path, capsys):
    assert main(["dataset", str(corpus), "-o", str(tmp_path / "g.csv"), "--layout", "gtzan",
                 "--tempo"]) == 2
    assert "tempo" in capsys.readouterr().err
