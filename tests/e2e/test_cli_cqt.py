"""`sonolens render AUDIO --kind cqt -o OUT.npz | OUT.png`: the constant-Q matrix read back
and compared with librosa; the image drawn with its note axis; bad settings one line."""

from __future__ import annotations

import json

import librosa
import numpy as np
import soundfile as sf

from tests.e2e import load_rgb, png_size, run_cli
from tests.unit.signals import piano_notes

KEYS = {"times", "freqs", "values", "kind", "unit", "sr", "hop_length", "params"}


def piano(tmp_path, sr=22050, seconds=25.0):
    """Several piano phrases, long enough for several blocks of the CQT (~9 s each)."""
    y = np.concatenate([piano_notes(sr, seed=s) for s in range(7)])[: int(sr * seconds)]
    path = tmp_path / "in" / "piano.wav"
    path.parent.mkdir()
    sf.write(path, y, sr, subtype="FLOAT")
    return path


def test_npz_equals_librosa_cqt_re_max(tmp_path):
    path = piano(tmp_path)
    out = tmp_path / "c.npz"
    result = run_cli("render", str(path), "--kind", "cqt", "-o", str(out))
    assert result.returncode == 0, result.stderr
    y, sr = librosa.load(path, sr=None)
    ref = librosa.amplitude_to_db(np.abs(librosa.cqt(y, sr=sr, hop_length=512)), ref=np.max)
    with np.load(out) as data:
        assert set(data.files) == KEYS
        values = data["values"]
        assert values.shape == ref.shape and values.dtype == np.float32
        np.testing.assert_allclose(values, ref, atol=0.01, rtol=0)  # re max, as drawn
        np.testing.assert_allclose(data["freqs"], librosa.cqt_frequencies(
            n_bins=84, fmin=librosa.note_to_hz("C1")), rtol=1e-12)
        np.testing.assert_array_equal(data["times"], librosa.frames_to_time(
            np.arange(ref.shape[1]), sr=sr, hop_length=512))
        assert str(data["kind"]) == "cqt" and str(data["unit"]) == "dB (re max)"
        assert json.loads(str(data["params"]))["cqt_bins_per_octave"] == 12


def test_npz_vqt_settings(tmp_path):
    path = piano(tmp_path, sr=16000, seconds=12.0)
    out = tmp_path / "v.npz"
    result = run_cli("render", str(path), "--kind", "cqt", "-o", str(out), "--cqt-gamma",
                     "15", "--cqt-bins-per-octave", "24", "--cqt-n-bins", "144",
                     "--cqt-fmin", "55")
    assert result.returncode == 0, result.stderr
    y, sr = librosa.load(path, sr=None)
    ref = librosa.amplitude_to_db(np.abs(librosa.vqt(
        y, sr=sr, hop_length=512, fmin=55.0, n_bins=144, bins_per_octave=24, gamma=15.0,
        res_type="soxr_hq")), ref=np.max)
    with np.load(out) as data:
        np.testing.assert_allclose(data["values"], ref, atol=0.01, rtol=0)


def test_npz_db_kind_and_db_range(tmp_path):
    """Any dB kind, as the image draws it: --db-range is librosa's top_db."""
    path = piano(tmp_path, seconds=4.0)
    out = tmp_path / "s.npz"
    result = run_cli("render", str(path), "--kind", "db", "--db-range", "60", "-o", str(out))
    assert result.returncode == 0, result.stderr
    y, _ = librosa.load(path, sr=None)
    ref = librosa.amplitude_to_db(np.abs(librosa.stft(y)), ref=np.max, top_db=60.0)
    with np.load(out) as data:
        np.testing.assert_allclose(data["values"], ref, atol=1e-3, rtol=0)
        assert data["values"].min() == -60.0 and data["values"].max() == 0.0


def test_png_is_the_windows_export(tmp_path, qapp):
    """`render --kind cqt -o x.png` draws pixel for pixel what File > Export > Spectrogram
    Image draws for the cqt kind (ui.render.spectrogram_png), note axis included."""
    import pyqtgraph as pg

    from sonolens.audio import open_source
    from sonolens.core.params import AnalysisParams
    from sonolens.core.progress import run_to_end
    from sonolens.core.view_settings import ViewSettings
    from sonolens.dsp.spectrogram import compute_spectrogram
    from sonolens.ui.render import spectrogram_png

    path = piano(tmp_path, seconds=5.0)
    out = tmp_path / "c.png"
    result = run_cli("render", str(path), "--kind", "cqt", "-o", str(out), "--width", "640",
                     "--height", "360", "--colormap", "viridis", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (640, 360)
    pg.setConfigOptions(useOpenGL=False, antialias=False, imageAxisOrder="row-major")
    view = ViewSettings(kind="cqt", colormap="viridis")
    with open_source(path) as source:
        spectrogram = run_to_end(compute_spectrogram(source, AnalysisParams(), "cqt"))
    want = load_rgb(spectrogram_png(spectrogram, None, view, (640, 360)))
    got = load_rgb(out)
    assert got.shape == want.shape
    assert int(np.count_nonzero(np.any(got != want, axis=2))) == 0
    assert len(np.unique(got.reshape(-1, 3), axis=0)) > 50  # an image, not a blank


def test_bad_settings_and_matrix_kinds_one_line(tmp_path):
    path = piano(tmp_path, sr=8000, seconds=2.0)
    for args, words in (
        (["--kind", "cqt"], "Nyquist"),  # 84 bins from C1 pass 4 kHz at 8 kHz
        (["--kind", "cqt", "--cqt-fmin", "0"], "cqt_fmin"),
        (["--kind", "mfcc"], "feature matrix"),
    ):
        out = tmp_path / "x.npz"
        result = run_cli("render", str(path), "-o", str(out), *args)
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert result.returncode in (1, 2), result.stderr
        assert len(lines) == 1 and "error:" in lines[0] and words in lines[0], lines
        assert "Traceback" not in result.stderr and not out.exists()
