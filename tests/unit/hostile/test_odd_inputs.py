"""Broken and odd inputs through `sonolens extract`: one line, the right exit code, nothing
half-written; odd but valid files give librosa's features (finite, never NaN).

Every file is generated in the test (nothing binary is committed).
"""

from __future__ import annotations

import os
import random
import struct
import warnings
from collections.abc import Callable
from pathlib import Path

import librosa
import numpy as np
import pandas as pd
import pytest

from sonolens.cli.main import main
from sonolens.core.features import PITCH_CLASSES
from tests.unit.hostile import make

SR = make.SR
TOLERANCE = 1e-4


def tone(sr: int, n: int, channels: int = 1) -> np.ndarray:
    t = np.arange(n) / sr
    y = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1250 * t)
    return np.stack([y * (1 - 0.1 * c) for c in range(channels)], axis=1).astype(np.float32)


# -- files that cannot be analysed ----------------------------------------------------------------
def _zero_channels(path: Path) -> Path:
    good = make.write(path.with_suffix(".good.wav"), tone(8000, 4000), 8000, subtype="PCM_16")
    raw = bytearray(good.read_bytes())
    good.unlink()
    raw[22:24] = struct.pack("<H", 0)  # fmt chunk: NumChannels
    path.write_bytes(bytes(raw))
    return path


def _header_only(path: Path) -> Path:
    make.write(path, np.zeros((0, 2), np.float32), 44100, subtype="PCM_16")
    return path


def _random_bytes(path: Path) -> Path:
    # fixed bytes: some random strings hold an MPEG sync word FFmpeg decodes as audio
    path.write_bytes(random.Random(7).randbytes(4000))
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


BROKEN: list[tuple[str, str, Callable[[Path], Path], str]] = [
    # id, file name, maker, what the one-line error says
    ("empty", "empty.wav", lambda p: (p.write_bytes(b""), p)[1], "file is empty (0 bytes)"),
    ("header-only", "header only.wav", _header_only, "the file contains no audio samples"),
    ("random-bytes", "noise.wav", _random_bytes, "not an audio file"),
    ("text-as-mp3", "notes.mp3",
     lambda p: (p.write_text("Milk, eggs, flour.\n" * 50), p)[1], "not an audio file"),
    ("directory", "folder.wav", _directory, "is a directory, not an audio file"),
    ("zero-channels", "zero.wav", _zero_channels, "the file declares zero audio channels"),
    ("missing", "nowhere.wav", lambda p: p, "file not found"),
]


@pytest.mark.parametrize(("name", "maker", "says"), [c[1:] for c in BROKEN],
                         ids=[c[0] for c in BROKEN])
def test_broken_input_one_error_line_exit_1_no_output(tmp_path, capfd, name, maker, says):
    bad = maker(tmp_path / name)
    out = tmp_path / "out.csv"
    code = main(["extract", str(bad), "-o", str(out)])
    err = capfd.readouterr().err
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: {says}"), err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({name} - {"nowhere.wav"})


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_file(tmp_path, capfd):
    path = make.write(tmp_path / "locked.wav", tone(SR, 4000), SR)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("permissions are not enforced for this user (root)")
        code = main(["extract", str(path), "-o", str(tmp_path / "o.csv")])
    finally:
        path.chmod(0o644)
    assert code == 1
    assert capfd.readouterr().err.splitlines() == [
        f"error: {path}: permission denied (the file is not readable)"]
    assert not (tmp_path / "o.csv").exists()


def test_several_inputs_keep_the_good_ones(tmp_path, capfd):
    good = [make.write(tmp_path / "first take.wav", tone(SR, SR), SR),
            make.write(tmp_path / "ñame — ünïcode.flac", tone(SR, SR // 2), SR, format="FLAC")]
    bad = [maker(tmp_path / name) for _, name, maker, _ in BROKEN]
    inputs = [good[0], *bad, good[1]]
    out = tmp_path / "all.csv"
    code = main(["-q", "extract", *map(str, inputs), "-o", str(out)])
    lines = capfd.readouterr().err.splitlines()
    assert code == 1
    assert len(lines) == len(bad)
    for line, path, (_, _, _, says) in zip(lines, bad, BROKEN, strict=True):
        assert line.startswith(f"error: {path}: {says}"), line
    table = pd.read_csv(out)
    assert list(pd.unique(table["file"])) == [str(good[0]), str(good[1])]
    assert (table["file"] == str(good[1])).sum() == 1 + (SR // 2) // 512
    assert np.isfinite(table.drop(columns="file").to_numpy()).all()


# -- odd but valid files: librosa's numbers -------------------------------------------------------
def librosa_columns(y: np.ndarray, sr: int, *, contrast_bands: int = 6
                    ) -> dict[str, np.ndarray]:
    """Each per-frame column as librosa.feature.* computes it on ``y`` (defaults)."""
    out = {
        "rms": librosa.feature.rms(y=y)[0],
        "zero_crossing_rate": librosa.feature.zero_crossing_rate(y)[0],
        "spectral_centroid": librosa.feature.spectral_centroid(y=y, sr=sr)[0],
        "spectral_bandwidth": librosa.feature.spectral_bandwidth(y=y, sr=sr)[0],
        "spectral_rolloff": librosa.feature.spectral_rolloff(y=y, sr=sr)[0],
        "spectral_flatness": librosa.feature.spectral_flatness(y=y)[0],
    }
    contrast = librosa.feature.spectral_contrast(y=y, sr=sr, n_bands=contrast_bands)
    out.update({f"spectral_contrast_{i + 1}": row for i, row in enumerate(contrast)})
    chroma = librosa.feature.chroma_stft(y=y, sr=sr)
    out.update({f"chroma_{name}": chroma[i] for i, name in enumerate(PITCH_CLASSES)})
    mfcc = librosa.feature.mfcc(y=y, sr=sr)
    out.update({f"mfcc_{i + 1}": row for i, row in enumerate(mfcc)})
    return out


def assert_librosa_values(table: pd.DataFrame, ref: dict[str, np.ndarray]) -> None:
    """Every column within 1e-4 of librosa, relative to the feature's scale (the largest
    |value| of all its rows, as for a matrix such as MFCC)."""
    scales: dict[str, float] = {}
    for name, want in ref.items():
        feature = name.rsplit("_", 1)[0] if name[-1].isdigit() or "chroma" in name else name
        scales[feature] = max(scales.get(feature, 1e-12), float(np.abs(want).max()))
    for name, want in ref.items():
        assert np.isfinite(want).all(), f"librosa gives non-finite {name}"
        got = table[name].to_numpy()
        assert got.shape == want.shape, name
        feature = name.rsplit("_", 1)[0] if name[-1].isdigit() or "chroma" in name else name
        error = float(np.abs(got - want).max()) / scales[feature]
        assert error <= TOLERANCE, (name, error)


def _nan_inf(path: Path) -> Path:
    y = tone(SR, SR)
    y[100:110] = np.nan
    y[3000, 0] = np.inf
    y[5000, 0] = -np.inf
    return make.write(path, y, SR, subtype="FLOAT")


ODD: list[tuple[str, str, Callable[[Path], Path], int, str | None]] = [
    # id, file name, maker, rate, the one warning (None: no warning)
    ("one-sample", "one.wav", lambda p: make.write(p, np.array([[0.5]], np.float32), SR),
     SR, None),
    ("shorter-than-n_fft", "short.wav", lambda p: make.write(p, tone(SR, 1000), SR), SR, None),
    ("silence", "silence.wav",
     lambda p: make.write(p, np.zeros((SR, 1), np.float32), SR, subtype="PCM_16"), SR, None),
    ("nan-inf", "nan.wav", _nan_inf, SR, "12 NaN/Inf samples replaced by 0"),
    ("8-bit-unsigned", "u8.wav",
     lambda p: make.write(p, tone(SR, SR), SR, subtype="PCM_U8"), SR, None),
    ("24-bit", "s24.wav", lambda p: make.write(p, tone(44100, 44100), 44100, subtype="PCM_24"),
     44100, None),
    ("192-kHz", "hi.wav", lambda p: make.write(p, tone(192000, 96000), 192000), 192000, None),
    ("6-channels", "six.wav",
     lambda p: make.write(p, tone(SR, SR, channels=6), SR, subtype="PCM_16"), SR, None),
    ("unicode-space-path", "ñame with spaces — ünïcødé.wav",
     lambda p: make.write(p, tone(SR, SR), SR), SR, None),
]


@pytest.mark.parametrize(("name", "maker", "sr", "warning"), [c[1:] for c in ODD],
                         ids=[c[0] for c in ODD])
def test_odd_input_gives_librosas_features(tmp_path, capfd, name, maker, sr, warning):
    path = maker(tmp_path / "in dir ✓" / name)
    out = tmp_path / "in dir ✓" / "out.csv"
    code = main(["-q", "extract", str(path), "-o", str(out)])
    lines = capfd.readouterr().err.splitlines()
    assert code == 0, lines
    assert lines == ([f"warning: {path}: {warning}"] if warning else [])
    table = pd.read_csv(out)
    assert np.isfinite(table.to_numpy()).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # librosa: "n_fft too large", "empty frequency set"
        if warning is None:
            y, native = librosa.load(path, sr=None)
            assert native == sr
        else:  # librosa.load refuses non-finite audio; Sonolens zeroes those samples
            samples = make.decoded(path)[:, 0]
            y = np.where(np.isfinite(samples), samples, np.float32(0))
        ref = librosa_columns(y, sr)
    np.testing.assert_allclose(table["time"], librosa.times_like(ref["rms"], sr=sr))
    assert_librosa_values(table, ref)


def test_silence_features_are_librosas_fixed_values(tmp_path, capfd):
    """What librosa itself gives for digital silence, which Sonolens must repeat."""
    path = make.write(tmp_path / "silence.wav", np.zeros((SR, 1), np.float32), SR)
    assert main(["-q", "extract", str(path), "-o", str(tmp_path / "s.csv")]) == 0
    table = pd.read_csv(tmp_path / "s.csv")
    for name in ("rms", "zero_crossing_rate", "spectral_centroid", "spectral_bandwidth",
                 "spectral_rolloff"):
        assert (table[name] == 0).all(), name
    assert np.allclose(table["spectral_flatness"], 1.0, atol=1e-6)  # amin/amin, not 0/0
    contrast = table[[f"spectral_contrast_{i}" for i in range(1, 8)]].to_numpy()
    chroma = table[[f"chroma_{p}" for p in PITCH_CLASSES]].to_numpy()
    assert (contrast == 0).all() and (chroma == 0).all()
    mfcc = table[[f"mfcc_{i}" for i in range(1, 21)]].to_numpy()
    # power_to_db floors at -100 dB; the orthonormal DCT of a constant -100 dB row
    assert np.allclose(mfcc[:, 0], -100 * np.sqrt(128), rtol=1e-6)
    assert np.allclose(mfcc[:, 1:], 0, atol=1e-3)


def test_8_khz_leaves_the_contrast_band_above_nyquist_empty(tmp_path, capfd):
    path = make.write(tmp_path / "phone.wav", tone(8000, 16000), 8000, subtype="PCM_16")
    y, sr = librosa.load(path, sr=None)
    with pytest.raises(librosa.ParameterError, match="Nyquist"):
        librosa.feature.spectral_contrast(y=y, sr=sr)  # librosa's default raises here

    out = tmp_path / "phone.csv"
    assert main(["-q", "extract", str(path), "-o", str(out)]) == 0
    lines = capfd.readouterr().err.splitlines()
    assert lines == [f"warning: {path}: spectral contrast: 1 band(s) above Nyquist "
                     "(4000 Hz) left empty"]
    text = out.read_text().splitlines()
    header = text[0].split(",")
    last = header.index("spectral_contrast_7")
    assert all(row.split(",")[last] == "" for row in text[1:])  # empty cells, not "nan"
    table = pd.read_csv(out)
    assert table["spectral_contrast_7"].isna().all()
    fitting = table.drop(columns="spectral_contrast_7")
    assert np.isfinite(fitting.to_numpy()).all()
    ref = librosa_columns(y, sr, contrast_bands=5)  # the bands that fit, as librosa has them
    assert_librosa_values(fitting, ref)


def test_fft_too_coarse_for_contrast_leaves_it_empty_and_says_so(tmp_path, capfd):
    """192 kHz with n_fft=256 (750 Hz bins): librosa's contrast fails (IndexError: a band
    holds no bin); Sonolens computes everything else and leaves contrast empty, once."""
    path = make.write(tmp_path / "bat.wav", tone(192000, 48000), 192000)
    out = tmp_path / "bat.csv"
    assert main(["-q", "extract", str(path), "-o", str(out), "--n-fft", "256",
                 "--hop-length", "128"]) == 0
    assert capfd.readouterr().err.splitlines() == [
        f"warning: {path}: spectral contrast: 7 band(s) from 0 Hz left empty (n_fft=256 "
        "gives 750 Hz per bin, too coarse for them)"]
    table = pd.read_csv(out)
    contrast = [f"spectral_contrast_{k}" for k in range(1, 8)]
    assert table[contrast].isna().all().all()
    assert np.isfinite(table.drop(columns=contrast).to_numpy()).all()
    y, sr = librosa.load(path, sr=None)
    with warnings.catch_warnings(), pytest.raises(IndexError):
        warnings.simplefilter("ignore")  # numpy: "Mean of empty slice" on the way
        librosa.feature.spectral_contrast(y=y, sr=sr, n_fft=256, hop_length=128)
    centroid = librosa.feature.spectral_centroid(y=y, sr=sr, n_fft=256, hop_length=128)[0]
    np.testing.assert_allclose(table["spectral_centroid"], centroid, rtol=1e-4)


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--n-fft", "99999999", "n_fft=99999999 must be <= 1048576"),
    ("--hop-length", "0", "hop_length=0 must be >= 1"),
    ("--sr", "0", "sr=0 must be >= 1"),
    ("--n-mels", "100000", "n_mels=100000 must be <= 4096"),
    ("--p", "1e9", "p=1000000000.0 must lie in (0, 32]"),
    ("--fmin", "-5", "fmin=-5.0 must be >= 0"),
    ("--roll-percent", "nan", "roll_percent=nan must be finite"),
    ("--channel", "left", "channel='left' must be 'mix' or a channel number 1..N"),
    ("--channel", "0", "channel=0: channels are numbered from 1 (1..N for a file of N "
                       "channels, at most 1024), or 'mix'"),
])
def test_hostile_parameter_is_one_usage_error(tmp_path, capfd, option, value, says):
    path = make.write(tmp_path / "t.wav", tone(SR, SR), SR)
    out = tmp_path / "o.csv"
    assert main(["extract", str(path), "-o", str(out), option, value]) == 2
    assert capfd.readouterr().err.splitlines() == [f"sonolens: error: {says}"]
    assert not out.exists()


def test_parameter_that_does_not_fit_one_file_names_that_file(tmp_path, capfd):
    low = make.write(tmp_path / "low.wav", tone(8000, 8000), 8000)
    high = make.write(tmp_path / "high.wav", tone(44100, 44100), 44100)
    out = tmp_path / "o.csv"
    assert main(["-q", "extract", str(low), str(high), "-o", str(out), "--fmax", "8000"]) == 1
    assert capfd.readouterr().err.splitlines() == [
        f"error: {low}: fmax=8000.0 Hz exceeds Nyquist (4000 Hz)"]
    assert set(pd.read_csv(out)["file"]) == {str(high)}
