"""The self-contained app: packaging/build-linux.sh builds it and its smoke test passes.

Runs when PyInstaller is installed (`pip install -e .[packaging]`, as setup-debian does)
and SONOLENS_SKIP_FROZEN is unset; about a minute on two cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import ROOT, cli_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def frozen_app(tmp_path_factory) -> tuple[Path, str]:
    if os.environ.get("SONOLENS_SKIP_FROZEN"):
        pytest.skip("SONOLENS_SKIP_FROZEN is set")
    pytest.importorskip("PyInstaller", reason="pip install -e .[packaging]")
    work = tmp_path_factory.mktemp("frozen")
    env = cli_env(PYTHON=sys.executable, DIST_DIR=str(work / "dist"),
                  BUILD_DIR=str(work / "build"))
    result = subprocess.run(["bash", str(ROOT / "packaging" / "build-linux.sh")],
                            capture_output=True, text=True, env=env, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return work / "dist" / "sonolens", result.stdout


def test_build_script_smoke_tests_the_binary(frozen_app):
    app, log = frozen_app
    for check in ("--demo --screenshot", "extract", "render", "bad input"):
        assert f"ok  {check}" in log, log
    assert "smoke test passed" in log
    assert (app / "sonolens").is_file() and os.access(app / "sonolens", os.X_OK)


def test_bundle_carries_resources_and_leaves_out_the_reference_stack(frozen_app):
    app, _ = frozen_app
    data = app / "_internal" / "sonolens" / "data"
    for name in ("demo.flac", "sonolens.svg", "sonolens.desktop"):
        assert (data / name).read_bytes(), name
    for name in ("librosa", "numba", "llvmlite", "pandas", "dask"):
        assert not (app / "_internal" / name).exists(), f"{name} was bundled"
    plugins = app / "_internal" / "PySide6" / "Qt" / "plugins"
    for plugin in ("platforms/libqoffscreen.so", "platforms/libqxcb.so",
                   "imageformats/libqsvg.so", "iconengines/libqsvgicon.so"):
        assert (plugins / plugin).is_file(), plugin


def test_frozen_window_opens_a_user_file(frozen_app, tmp_path):
    """Not only the bundled demo: a file from outside the bundle, a stereo 48 kHz WAV."""
    import numpy as np
    import soundfile as sf

    from tests.e2e import distinct_colours, load_rgb, png_size

    app, _ = frozen_app
    t = np.arange(48000 * 2) / 48000
    tone = 0.3 * np.sin(2 * np.pi * (300 + 500 * t) * t)
    audio = tmp_path / "stereo 48k.wav"
    sf.write(audio, np.stack([tone, tone[::-1]], axis=1).astype(np.float32), 48000)
    out = tmp_path / "window.png"
    env = {k: v for k, v in cli_env(SONOLENS_SETTINGS=str(tmp_path / "s.ini")).items()
           if k != "PYTHONPATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run([str(app / "sonolens"), str(audio), "--screenshot", str(out)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    width, height = png_size(out)
    pixels = load_rgb(out)
    plot = pixels[int(height * 0.25): int(height * 0.6), int(width * 0.1): int(width * 0.7)]
    assert distinct_colours(plot) > 100
