"""Small command-line and window-process defects of issue 14 (defect 10), in real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.cli.main import main
from tests.e2e import ROOT, cli_env, png_size, run_cli, write_chirp
from tests.unit.hostile import make


def window_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return cli_env(QT_QPA_PLATFORM="offscreen", SONOLENS_SETTINGS=str(tmp_path / "s.ini"),
                   **extra)


# -- a: --screenshot leaves no temp settings folder -------------------------------------------
@pytest.mark.parametrize("with_file", [True, False])
def test_screenshot_leaves_no_scratch_settings_folder(tmp_path, with_file):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = cli_env(QT_QPA_PLATFORM="offscreen", TMPDIR=str(scratch), HOME=str(tmp_path / "home"))
    out = tmp_path / "w.png"
    args = [str(write_chirp(tmp_path / "c.wav"))] if with_file else []
    result = run_cli(*args, "--screenshot", str(out), env=env)
    assert result.returncode == (0 if with_file else 2), result.stderr
    assert "Traceback" not in result.stderr
    left = [p.name for p in scratch.iterdir() if p.name.startswith("sonolens-screenshot-")]
    assert left == [], f"left behind: {left}"


# -- b: Ctrl+C quits the window ---------------------------------------------------------------
def _job_threads_started(pid: int) -> bool:
    """The window is up and opening its file: the JobRunner's QThreads exist (Qt names the
    OS threads after their objectName, cut to 15 characters)."""
    names = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            names.append((task / "comm").read_text().strip())
        except OSError:
            continue
    return any(name.startswith("sonolens-job") for name in names)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_ctrl_c_quits_the_window(tmp_path):
    audio = write_chirp(tmp_path / "c.wav", seconds=3.0)
    process = subprocess.Popen([sys.executable, "-m", "sonolens", str(audio)],
                               env=window_env(tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not _job_threads_started(process.pid):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the window did not come up"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail("Ctrl+C did not quit the window")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert process.returncode == 130, (process.returncode, err)
    assert (tmp_path / "s.ini").exists(), "the window did not close normally (no settings)"


# -- d: render writes the format its extension names ------------------------------------------
MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff",
         ".bmp": b"BM", ".tif": (b"II*\x00", b"MM\x00*")}


@pytest.mark.parametrize("suffix", list(MAGIC))
def test_render_writes_the_format_its_extension_names(tmp_path, suffix):
    audio = write_chirp(tmp_path / "c.wav")
    out = tmp_path / f"r{suffix}"
    assert main(["-q", "render", str(audio), "-o", str(out), "--width", "320",
                 "--height", "160"]) == 0
    magic = MAGIC[suffix]
    assert out.read_bytes().startswith(magic if isinstance(magic, tuple) else (magic,))
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (320, 160)


@pytest.mark.parametrize("name", ["r.txt", "r.gif"])  # .npz: the matrix (test_cli_cqt)
def test_render_refuses_an_extension_it_cannot_write(tmp_path, capfd, name):
    audio = write_chirp(tmp_path / "c.wav")
    out = tmp_path / name
    assert main(["render", str(audio), "-o", str(out)]) == 2
    lines = [ln for ln in capfd.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "error:" in lines[0] and ".png" in lines[0], lines
    assert not out.exists()


def test_render_without_extension_still_writes_png(tmp_path):
    audio = write_chirp(tmp_path / "c.wav")
    out = tmp_path / "picture"
    assert main(["-q", "render", str(audio), "-o", str(out), "--width", "200",
                 "--height", "100"]) == 0
    assert png_size(out) == (200, 100)


# -- e: a script that exits mid-analysis ------------------------------------------------------
EXIT_MID_ANALYSIS = textwrap.dedent("""
    import sys
    from pathlib import Path

    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    pg.setConfigOptions(useOpenGL=False, imageAxisOrder="row-major")
    from sonolens.model.settings import Settings
    from sonolens.ui.main_window import MainWindow

    window = MainWindow(Settings(Path(sys.argv[2])))
    window.show()
    window.open_path(sys.argv[1])
    # run the event loop until the analysis of the opened file is under way, then leave
    while window.document.source is None or window.document.spectrogram is None:
        app.processEvents()
    print("busy at exit:", window.runner.is_busy("features"))
""")


def test_script_exiting_mid_analysis_is_quiet(tmp_path):
    sr = 22050
    t = np.arange(sr * 240) / sr
    audio = tmp_path / "long.wav"
    sf.write(audio, (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr,
             subtype="PCM_16")
    script = tmp_path / "leave.py"
    script.write_text(EXIT_MID_ANALYSIS)
    result = subprocess.run([sys.executable, str(script), str(audio), str(tmp_path / "s.ini")],
                            capture_output=True, text=True, timeout=120,
                            env=cli_env(QT_QPA_PLATFORM="offscreen"), cwd=ROOT)
    assert "busy at exit: True" in result.stdout, (result.stdout, result.stderr)
    noise = [ln for ln in result.stderr.splitlines()
             if ln.strip() and "propagateSizeHints" not in ln]
    assert noise == [], result.stderr
    assert result.returncode == 0


# -- f: --screenshot says the document's warnings ----------------------------------------------
def test_screenshot_of_a_damaged_file_prints_its_warnings(tmp_path):
    good = make.write(tmp_path / "good.wav", make.rich(1.5), make.SR, subtype="PCM_16")
    died = tmp_path / "died.wav"
    died.write_bytes(make.with_sizes(good.read_bytes(), riff=0, data=0))
    flac = make.write(tmp_path / "whole.flac", make.rich(2.0), make.SR, format="FLAC")
    cut = tmp_path / "cut.flac"
    cut.write_bytes(flac.read_bytes()[: flac.stat().st_size // 2])
    for path, says in ((died, "WAV header not finalised (data size 0): recovered 1.50 s"),
                       (cut, "file ends early: decoded 0.9")):
        extract = run_cli("extract", str(path), "-o", str(tmp_path / "x.csv"))
        expected = [ln for ln in extract.stderr.splitlines() if ln.startswith("warning:")]
        assert len(expected) == 1 and expected[0].startswith(f"warning: {path}: {says}")
        out = tmp_path / "w.png"
        result = run_cli(str(path), "--screenshot", str(out), env=window_env(tmp_path))
        assert result.returncode == 0, result.stderr
        warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
        assert warnings == expected, result.stderr
        assert png_size(out)[0] > 0
        os.remove(out)
