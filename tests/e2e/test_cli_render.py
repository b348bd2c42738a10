"""`sonolens render`: the window's spectrogram export, headless, for one file or many."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from sonolens.cli.main import main
from tests.e2e import cli_env, distinct_colours, load_rgb, png_size, run_cli, write_chirp


@pytest.fixture
def wav(tmp_path) -> Path:
    return write_chirp(tmp_path / "chirp.wav")


def plot_area(pixels: np.ndarray) -> np.ndarray:
    """The middle of the image: inside the plot, away from axes and colorbar."""
    height, width = pixels.shape[:2]
    return pixels[int(height * 0.1): int(height * 0.85), int(width * 0.1): int(width * 0.85)]


def test_one_file_gives_one_png_of_the_requested_size(wav, tmp_path):
    out = tmp_path / "spec.png"
    # no QT_QPA_PLATFORM and no display: render must pick the offscreen platform itself
    result = run_cli("render", str(wav), "-o", str(out), "--width", "900", "--height", "420",
                     "--overlays", "centroid,rolloff,bandwidth", env=cli_env())
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "error" not in result.stderr
    assert png_size(out) == (900, 420)
    assert distinct_colours(plot_area(load_rgb(out))) > 100, "the image looks blank"
    assert not list(tmp_path.glob(".spec.png*")), "temp file left behind"


def test_default_size(wav, tmp_path):
    out = tmp_path / "default.png"
    assert main(["-q", "render", str(wav), "-o", str(out)]) == 0
    assert png_size(out) == (1200, 500)


@pytest.mark.parametrize("kind,scale", [
    ("db", "linear"), ("mel", "mel"), ("linear", "log"), ("power", "linear"),
    ("mfcc", "linear"), ("chroma", "linear"), ("contrast", "linear"),
])
def test_every_kind(wav, tmp_path, kind, scale):
    out = tmp_path / f"{kind}.png"
    code = main(["-q", "render", str(wav), "-o", str(out), "--kind", kind, "--scale", scale,
                 "--width", "480", "--height", "240", "--n-fft", "1024"])
    assert code == 0
    assert png_size(out) == (480, 240)
    assert distinct_colours(plot_area(load_rgb(out))) > 50, "the image looks blank"


def test_folder_mirrors_tree_and_skips_bad_files(tmp_path):
    root = tmp_path / "sounds"
    write_chirp(root / "a.wav")
    write_chirp(root / "sub" / "b.flac", seed=1)
    bad = root / "sub" / "broken.wav"
    bad.write_bytes(os.urandom(3000))
    (root / "notes.txt").write_text("not audio, not even tried\n")
    out = tmp_path / "images"
    result = run_cli("render", str(root), "-o", str(out), "--width", "320", "--height", "200")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {bad}:"), result.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["a.png", "sub/b.png"]
    assert {png_size(p) for p in out.rglob("*.png")} == {(320, 200)}


def test_several_files_go_into_a_folder(tmp_path, capsys):
    a = write_chirp(tmp_path / "in" / "one.wav")
    b = write_chirp(tmp_path / "in" / "two.ogg", seed=2)
    out = tmp_path / "out"
    assert main(["render", str(a), str(b), "-o", str(out), "--kind", "mel"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["one.png", "two.png"]
    assert "error" not in capsys.readouterr().err


@pytest.mark.parametrize("args,needle", [
    (["--n-fft", "0"], "n_fft=0"),
    (["--width", "10"], "width=10"),
    (["--overlays", "pitch"], "overlays"),
    (["--db-range", "0"], "db_range"),
])
def test_bad_parameter_is_a_usage_error(wav, tmp_path, args, needle):
    out = tmp_path / "never.png"
    result = run_cli("render", str(wav), "-o", str(out), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert not out.exists()


def test_missing_input_is_one_error_line(tmp_path):
    missing = tmp_path / "nope.wav"
    result = run_cli("render", str(missing), "-o", str(tmp_path / "x.png"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {missing}: file not found"]


def test_same_image_as_the_window_export(wav, tmp_path, qapp):
    """Pixel-for-pixel what ``ui.render.spectrogram_png`` (File > Export) draws."""
    import pyqtgraph as pg

    from sonolens.audio import open_source
    from sonolens.core.params import AnalysisParams
    from sonolens.core.progress import run_to_end
    from sonolens.core.view_settings import ViewSettings
    from sonolens.dsp.engine import extract_features
    from sonolens.dsp.spectrogram import compute_spectrogram
    from sonolens.ui.render import spectrogram_png

    out = tmp_path / "cli.png"
    result = run_cli("render", str(wav), "-o", str(out), "--kind", "db", "--scale", "log",
                     "--colormap", "viridis", "--db-range", "60", "--overlays",
                     "centroid,bandwidth", "--n-fft", "1024", "--hop-length", "256",
                     "--width", "640", "--height", "300")
    assert result.returncode == 0, result.stderr

    pg.setConfigOptions(useOpenGL=False, antialias=False, imageAxisOrder="row-major")
    params = AnalysisParams(n_fft=1024, hop_length=256)
    view = ViewSettings(kind="db", freq_scale="log", colormap="viridis", db_range=60.0,
                        overlays=frozenset({"spectral_centroid", "spectral_bandwidth"}))
    with open_source(wav) as source:
        spectrogram = run_to_end(compute_spectrogram(source, params, "db"))
        features = run_to_end(extract_features(source, params))  # all, as the window has
    expected = spectrogram_png(spectrogram, features, view, (640, 300))
    got, want = load_rgb(out), load_rgb(expected)
    assert got.shape == want.shape == (300, 640, 3)
    differing = int(np.count_nonzero(np.any(got != want, axis=2)))
    assert differing == 0, f"{differing} pixels differ from the window's export"


def test_folder_of_excerpts_same_size_and_scale_in_parallel(tmp_path):
    """--duration fixes the time scale, dB are relative to each file's maximum with a fixed
    --db-range: a file, a longer file starting with the same second, and a quieter copy give
    the same picture; --jobs 2 writes the same bytes as --jobs 1."""
    import soundfile as sf

    root = tmp_path / "clips"
    a = write_chirp(root / "birds" / "a.wav", seconds=1.5)
    y, sr = sf.read(a, dtype="float32")
    tail = write_chirp(tmp_path / "tail.wav", seconds=1.0, seed=9)
    longer = np.concatenate([y, sf.read(tail, dtype="float32")[0]])
    sf.write(root / "birds" / "longer.wav", longer, sr, subtype="FLOAT")
    (root / "quiet").mkdir()
    sf.write(root / "quiet" / "a_quiet.flac", 0.25 * y, sr, subtype="PCM_24")
    (root / "quiet" / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 40)
    args = ["--kind", "mel", "--scale", "mel", "--duration", "1.0", "--width", "320",
            "--height", "200"]
    parallel = run_cli("render", str(root), "-o", str(tmp_path / "p"), *args, "--jobs", "2")
    assert parallel.returncode == 1 and "Traceback" not in parallel.stderr
    errors = [ln for ln in parallel.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {root / 'quiet' / 'broken.wav'}")
    assert "wrote 3 images (320x200 px)" in parallel.stderr
    serial = run_cli("render", str(root), "-o", str(tmp_path / "s"), *args)
    assert serial.returncode == 1
    names = sorted(p.relative_to(tmp_path / "p").as_posix()
                   for p in (tmp_path / "p").rglob("*.png"))
    assert names == ["birds/a.png", "birds/longer.png", "quiet/a_quiet.png"]
    for name in names:
        assert (tmp_path / "p" / name).read_bytes() == (tmp_path / "s" / name).read_bytes()
        assert png_size(tmp_path / "p" / name) == (320, 200)
    first = load_rgb(tmp_path / "p" / "birds" / "a.png")
    assert distinct_colours(plot_area(first)) > 50
    assert np.array_equal(first, load_rgb(tmp_path / "p" / "birds" / "longer.png"))
    quiet = load_rgb(tmp_path / "p" / "quiet" / "a_quiet.png").astype(int)
    assert np.abs(quiet - first).max() <= 2  # -12 dB everywhere: the same colours


# -- never over an input (issue 14, defect 5) ------------------------------------------------
def test_render_over_its_input_is_refused(wav, tmp_path, capfd):
    before = wav.read_bytes()
    assert main(["render", str(wav), "-o", str(wav)]) == 2
    lines = [ln for ln in capfd.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "error:" in lines[0] and str(wav) in lines[0], lines
    assert wav.read_bytes() == before
    assert not list(tmp_path.glob(".chirp.wav*")), "temp file left behind"


def test_render_over_a_link_or_a_later_input_is_refused(wav, tmp_path, capfd):
    before = wav.read_bytes()
    link = tmp_path / "picture.png"
    link.symlink_to(wav)
    assert main(["render", str(wav), "-o", str(link)]) == 2
    # folder mode: in/x.png would be written for in/x.wav, and in/x.png is itself an input
    folder = tmp_path / "in"
    first = write_chirp(folder / "x.wav")
    second = folder / "x.png"
    os.link(wav, second)
    assert main(["render", str(first), str(second), "-o", str(folder)]) == 2
    assert wav.read_bytes() == before and link.is_symlink()
    assert len([ln for ln in capfd.readouterr().err.splitlines() if "error:" in ln]) == 2


def test_screenshot_over_the_opened_file_is_refused(wav, tmp_path):
    before = wav.read_bytes()
    result = run_cli(str(wav), "--screenshot", str(wav),
                     env=cli_env(SONOLENS_SETTINGS=str(tmp_path / "s.ini")))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0] and str(wav) in lines[0], result.stderr
    assert wav.read_bytes() == before


# -- one time scale per run, --bare (issue 14, defect 6) -------------------------------------
TONE_HZ, TONE_SR = 2000.0, 16000


def write_tone_file(path: Path, seconds: float) -> Path:
    import soundfile as sf

    t = np.arange(int(seconds * TONE_SR)) / TONE_SR
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, (0.5 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32), TONE_SR)
    return path


def magma_lut() -> np.ndarray:
    """(256, 3) uint8: the magma table from the cmap package (not through the app)."""
    from cmap import Colormap

    return np.clip(np.rint(Colormap("bids:magma").lut(256)[:, :3] * 255), 0, 255).astype(int)


def bright_columns(pixels: np.ndarray, row: int) -> np.ndarray:
    """x of the pixels in ``row`` (+-2) whose brightness is near the image's brightest."""
    band = pixels[max(0, row - 2): row + 3].astype(int).sum(axis=2).max(axis=0)
    return np.flatnonzero(band > 0.8 * band.max())


def test_bare_image_is_the_data_only_at_the_exact_size(tmp_path):
    """A 1 s tone drawn with --duration 2: the left half shows it on its row, the right
    half is empty background; every pixel is a colour of the colormap (no axis text)."""
    tone = write_tone_file(tmp_path / "tone.wav", 1.0)
    out = tmp_path / "bare.png"
    width, height = 400, 200
    assert main(["-q", "render", str(tone), "-o", str(out), "--bare", "--duration", "2",
                 "--width", str(width), "--height", str(height), "--colormap", "magma"]) == 0
    assert png_size(out) == (width, height)
    pixels = load_rgb(out)
    # linear axis 0..Nyquist, high frequencies on top: the tone's row counted from the top
    row = round((1 - TONE_HZ / (TONE_SR / 2)) * height)
    brightest_row = int(np.argmax(pixels[:, : width // 2 - 10].astype(int).sum(axis=(1, 2))))
    assert abs(brightest_row - row) <= 2, (brightest_row, row)
    lit = bright_columns(pixels, row)
    assert lit.min() <= 2 and width // 2 - 4 <= lit.max() <= width // 2 + 4, (lit.min(), lit.max())
    right = pixels[:, width // 2 + 6:].reshape(-1, 3)
    assert len(np.unique(right, axis=0)) == 1, "the right half (no data) is not empty"
    lut = magma_lut()
    left = pixels[:, : width // 2 - 6].reshape(-1, 3).astype(int)
    distance = np.abs(left[:, None, :] - lut[None, :, :]).sum(axis=2).min(axis=1)
    assert distance.max() <= 3, "pixels that are not colours of the colormap (text? lines?)"
    peak = pixels[row - 2: row + 3, 10].astype(int)
    assert np.abs(peak - lut[-1]).sum(axis=1).min() <= 3, "the tone is not the colormap's top"


def test_one_time_scale_for_every_image_of_a_run(tmp_path):
    """--duration 2 over a 1 s and a 2 s file: the same seconds per pixel (framed image
    and bare), the shorter file's tone ends half-way."""
    root = tmp_path / "tones"
    write_tone_file(root / "short.wav", 1.0)
    write_tone_file(root / "long.wav", 2.0)
    for bare in (False, True):
        out = tmp_path / ("bare" if bare else "framed")
        args = ["-q", "render", str(root), "-o", str(out), "--duration", "2", "--width", "600",
                "--height", "300", *(["--bare"] if bare else [])]
        assert main(args) == 0
        spans = {}
        for name in ("short", "long"):
            pixels = load_rgb(out / f"{name}.png")
            row = int(np.argmax(pixels[:, 100:300].astype(int).sum(axis=(1, 2))))
            lit = bright_columns(pixels, row)
            spans[name] = (int(lit.min()), int(lit.max()))
        (s0, s1), (l0, l1) = spans["short"], spans["long"]
        assert abs(s0 - l0) <= 3, spans
        assert abs((s1 - s0) - (l1 - l0) / 2) <= 4, f"not one time scale: {spans}"


def test_an_excerpts_time_axis_reads_the_files_time(tmp_path, monkeypatch, qapp):
    """``render --offset 90 --duration 2`` labels its time axis 1:30 … 1:32 (the file's
    time), not 0 … 2: the labels the axis drew, read as it is grabbed."""
    import sonolens.ui.render as render_module

    path = write_chirp(tmp_path / "long.wav", seconds=95.0)
    drawn: list[str] = []
    original = render_module.grab_image

    def recording(widget):
        data = original(widget)
        drawn.extend(text for _, _, text in widget.plot.getAxis("bottom")._specs[2])
        drawn.append(widget.plot.getAxis("bottom").labelText)
        return data

    monkeypatch.setattr(render_module, "grab_image", recording)
    code = main(["render", str(path), "-o", str(tmp_path / "x.png"), "--offset", "90",
                 "--duration", "2", "-q"])
    assert code == 0
    *labels, title = drawn
    assert title == "Time (m:ss)"
    assert len(labels) >= 3
    for text in labels:
        minutes, seconds = text.split(":")
        assert 90.0 <= int(minutes) * 60 + float(seconds) <= 92.0, labels
