"""`sonolens extract` / `render` and the analysis cache: same bytes with and without it,
a second run served from it, --no-cache and SONOLENS_NO_CACHE honoured."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from sonolens.cli.main import main
from sonolens.resources import demo_sound
from tests.e2e import cli_env, run_cli, write_chirp

DEMO_CSV_MD5 = "74bc06ab2e746424cc643d2b73b25601"


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def entries(root: Path) -> list[str]:
    return sorted(f.name.split("-")[0] for f in root.iterdir()) if root.exists() else []


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SONOLENS_CACHE_DIR", str(folder))
    return folder


def refuse(module: str, *names: str):
    def install(monkeypatch) -> None:
        import importlib

        target = importlib.import_module(module)
        for name in names:
            monkeypatch.setattr(target, name, _refused)
    return install


def _refused(*_args, **_kwargs):
    raise AssertionError("computed, not taken from the cache")


def test_extract_twice_gives_the_same_csv_the_second_from_the_cache(tmp_path, cache_dir,
                                                                    monkeypatch):
    first, second, fresh = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    result = run_cli("extract", "--demo", "-o", str(first), env=cli_env())
    assert result.returncode == 0, result.stderr
    assert entries(cache_dir) == ["features"]
    refuse("sonolens.dsp.pitch", "extract_with_pitch")(monkeypatch)
    assert main(["-q", "extract", "--demo", "-o", str(second)]) == 0
    monkeypatch.undo()
    monkeypatch.setenv("SONOLENS_CACHE_DIR", str(cache_dir))
    assert main(["-q", "extract", "--demo", "-o", str(fresh), "--no-cache"]) == 0
    assert md5(first) == md5(second) == md5(fresh) == DEMO_CSV_MD5


def test_extract_of_fewer_features_is_served_by_a_fuller_entry(tmp_path, cache_dir,
                                                               monkeypatch):
    assert main(["-q", "extract", "--demo", "-o", str(tmp_path / "all.csv")]) == 0
    subset = ["--features", "mfcc,rms,spectral_contrast"]
    assert main(["-q", "extract", "--demo", "-o", str(tmp_path / "fresh.csv"), *subset,
                 "--no-cache"]) == 0
    refuse("sonolens.dsp.pitch", "extract_with_pitch")(monkeypatch)
    assert main(["-q", "extract", "--demo", "-o", str(tmp_path / "cached.csv"), *subset]) == 0
    assert md5(tmp_path / "cached.csv") == md5(tmp_path / "fresh.csv")


@pytest.mark.parametrize("way", ["flag", "env"])
def test_no_cache_neither_reads_nor_writes(tmp_path, cache_dir, monkeypatch, way):
    args = ["-q", "extract", "--demo", "-o", str(tmp_path / "x.csv")]
    if way == "flag":
        args.append("--no-cache")
    else:
        monkeypatch.setenv("SONOLENS_NO_CACHE", "1")
    assert main(args) == 0
    assert entries(cache_dir) == []


def test_a_changed_file_is_analysed_again(tmp_path, cache_dir):
    audio = write_chirp(tmp_path / "sound.wav", seed=1)
    assert main(["-q", "extract", str(audio), "-o", str(tmp_path / "1.csv")]) == 0
    write_chirp(audio, seed=2)  # same size, other samples
    os.utime(audio, ns=(0, audio.stat().st_mtime_ns))
    assert main(["-q", "extract", str(audio), "-o", str(tmp_path / "2.csv")]) == 0
    assert main(["-q", "extract", str(audio), "-o", str(tmp_path / "3.csv"), "--no-cache"]) == 0
    assert md5(tmp_path / "2.csv") == md5(tmp_path / "3.csv") != md5(tmp_path / "1.csv")


@pytest.mark.parametrize("extra", [[], ["--overlays", "centroid,bandwidth"],
                                   ["--offset", "1", "--duration", "2"], ["--kind", "mfcc"]])
def test_render_twice_gives_the_same_png_the_second_from_the_cache(tmp_path, cache_dir,
                                                                   monkeypatch, extra):
    audio = str(demo_sound())
    out = [tmp_path / f"{n}.png" for n in range(3)]
    assert main(["-q", "render", audio, "-o", str(out[0]), *extra, "--no-cache"]) == 0
    assert entries(cache_dir) == []
    assert main(["-q", "render", audio, "-o", str(out[1]), *extra]) == 0
    assert entries(cache_dir)
    refuse("sonolens.dsp.spectrogram", "compute_spectrogram")(monkeypatch)
    refuse("sonolens.dsp.engine", "extract_features")(monkeypatch)
    assert main(["-q", "render", audio, "-o", str(out[2]), *extra]) == 0
    assert md5(out[0]) == md5(out[1]) == md5(out[2])


def test_a_damaged_file_is_not_cached_so_its_warning_is_said_every_time(tmp_path, cache_dir):
    """A FLAC whose middle is garbage: its analysis stops where decoding does, with a
    warning; that fact is not cached, so a second run says it again (and caches nothing)."""
    import numpy as np
    import soundfile as sf

    t = np.arange(44100 * 20) / 44100
    x = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    whole = tmp_path / "ok.flac"
    sf.write(whole, np.stack([x, 0.5 * x], axis=1), 44100, subtype="PCM_16")
    data = bytearray(whole.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4000] = b"\xab" * 4000
    damaged = tmp_path / "mid.flac"
    damaged.write_bytes(bytes(data))
    for run in range(2):
        result = run_cli("render", str(damaged), "-o", str(tmp_path / f"r{run}.png"),
                         env=cli_env())
        assert result.returncode == 0, result.stderr
        assert "ends early" in result.stderr, (run, result.stderr)
        result = run_cli("extract", str(damaged), "-o", str(tmp_path / f"e{run}.csv"),
                         env=cli_env())
        assert result.returncode == 0, result.stderr
        assert "ends early" in result.stderr, (run, result.stderr)
    assert entries(cache_dir) == []
