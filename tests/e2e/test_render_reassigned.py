"""`sonolens render --kind reassigned`: the .npz holds librosa's reassigned freqs, times
and mags; the .png draws the sharpened image; bad requests get one-line errors."""

from __future__ import annotations

import warnings

import librosa
import numpy as np

from tests.e2e import load_rgb, png_size, run_cli, write_chirp


def test_npz_equals_librosa(tmp_path):
    wav = write_chirp(tmp_path / "chirp.wav", seconds=2.0)
    out = tmp_path / "r.npz"
    result = run_cli("render", str(wav), "--kind", "reassigned", "--n-fft", "1024",
                     "--hop-length", "256", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    y, sr = librosa.load(wav, sr=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = librosa.reassigned_spectrogram(y=y, sr=sr, n_fft=1024, hop_length=256)
    with np.load(out) as data:
        for name, expected in zip(("freqs", "times", "mags"), ref, strict=True):
            ours = data[name]
            assert ours.shape == expected.shape, name
            np.testing.assert_array_equal(np.isnan(ours), np.isnan(expected), err_msg=name)
            finite = np.isfinite(expected)
            np.testing.assert_allclose(ours[finite], expected[finite], rtol=1e-4, err_msg=name)


def test_png_is_drawn_and_matrix_kinds_refuse_npz(tmp_path):
    wav = write_chirp(tmp_path / "chirp.wav")
    out = tmp_path / "r.png"
    result = run_cli("render", str(wav), "--kind", "reassigned", "-o", str(out), "--bare",
                     "--width", "300", "--height", "200")
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (300, 200)
    # the chirp's line near the colormap's top (the light noise is 30+ dB below)
    lit = load_rgb(out).astype(int).sum(axis=2) > 500
    assert 0.002 < lit.mean() < 0.05  # a thin line, not an empty or a filled image
    bad = run_cli("render", str(wav), "--kind", "mfcc", "-o", str(tmp_path / "m.npz"))
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1].startswith("sonolens: error: kind='mfcc' is a")
    assert not (tmp_path / "m.npz").exists()
