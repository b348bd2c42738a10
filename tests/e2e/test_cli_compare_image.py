"""`sonolens compare A B -o OUT.png`: the difference spectrogram B - A as users get it,
read back pixel by pixel and decoded through matplotlib's coolwarm table (not the app's)."""

from __future__ import annotations

import shutil
import subprocess

import librosa
import numpy as np
import pytest
import soundfile as sf

from tests.e2e import run_cli
from tests.qt.pixels import colormap_table, png_rgb, table_index
from tests.unit.test_align import SR, melody

pytestmark = pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
RANGE_DB = 20.0


def decoded_db(pixels: np.ndarray) -> np.ndarray:
    """dB of each pixel: the centre of its coolwarm table entry on [-RANGE, +RANGE]."""
    index, distance = table_index(pixels, colormap_table("coolwarm"))
    assert np.percentile(distance, 99) <= 3, "pixels that are not coolwarm colours"
    return -RANGE_DB + (index + 0.5) / 256 * 2 * RANGE_DB


def test_lowpassed_take_is_blue_above_the_cutoff_and_white_below(tmp_path, qapp):
    rng = np.random.default_rng(2)
    y = melody(6.0, seed=11) + 0.05 * rng.standard_normal(int(6.0 * SR)).astype(np.float32)
    a, b = tmp_path / "a.wav", tmp_path / "b.flac"
    sf.write(a, y, SR, subtype="PCM_16")
    subprocess.run(["sox", str(a), str(b), "pad", "0.4", "lowpass", "2000"], check=True)
    out = tmp_path / "d.png"
    width, height = 300, 220
    result = run_cli("compare", str(a), str(b), "-o", str(out), "--bare", "--width",
                     str(width), "--height", str(height), "--range", str(RANGE_DB))
    assert result.returncode == 0, result.stderr
    offset = float(result.stdout.split()[1])
    pixels = png_rgb(out)
    assert pixels.shape == (height, width, 3)
    values = decoded_db(pixels)
    # the same difference from librosa on the aligned signals
    y_a, _ = librosa.load(a, sr=None)
    y_b, _ = librosa.load(b, sr=None)
    y_b = y_b[round(offset * SR):]

    def db(x):
        return librosa.amplitude_to_db(np.abs(librosa.stft(x)), ref=1.0, amin=1e-5, top_db=None)

    n = min(db(y_a).shape[1], db(y_b).shape[1])
    expected = np.clip(db(y_b)[:, :n] - db(y_a)[:, :n], -RANGE_DB, RANGE_DB)
    freqs = librosa.fft_frequencies(sr=SR)
    nyquist = SR / 2
    for lo, hi in [(100.0, 900.0), (3000.0, 4500.0), (6000.0, 10000.0)]:
        # image row of a frequency: 0 Hz at the bottom edge, Nyquist at the top
        rows = slice(round(height * (1 - hi / nyquist)), round(height * (1 - lo / nyquist)))
        want = float(np.median(expected[(freqs >= lo) & (freqs <= hi)]))
        got = float(np.median(values[rows]))
        assert got == pytest.approx(want, abs=2.0), (lo, hi)
    assert np.median(values[: height // 3]) < -15  # high up: far quieter in B (blue)
    assert abs(np.median(values[-height // 15 :])) < 2  # low: unchanged (white)


def test_image_options_are_checked_before_any_work(tmp_path):
    a = tmp_path / "a.wav"
    sf.write(a, melody(1.0, seed=1), SR)
    result = run_cli("compare", str(a), str(a), "-o", str(tmp_path / "d.gif"))
    assert result.returncode == 2 and "cannot write a .gif image" in result.stderr
    result = run_cli("compare", str(a), str(a), "-o", str(tmp_path / "d.png"), "--range", "0")
    assert result.returncode == 2 and "--range" in result.stderr
