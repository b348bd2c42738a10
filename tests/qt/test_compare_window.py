"""The compare window driven as a user drives it: File > Compare With… on the open file,
the offset found and edited, the summary checked against librosa on the aligned signals,
the difference spectrogram read from its pixels, A/B listening switched while playing."""

from __future__ import annotations

import shutil

import librosa
import numpy as np
import pytest
import soundfile as sf

from tests.qt.compare_helpers import open_compare
from tests.qt.pixels import colormap_table, plot_area, table_index
from tests.unit.test_align import SR, melody, sox

pytestmark = pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
DELAY = 0.35


@pytest.fixture
def takes(tmp_path):
    rng = np.random.default_rng(6)
    y = melody(6.0, seed=21) + 0.03 * rng.standard_normal(int(6.0 * SR)).astype(np.float32)
    a, b = tmp_path / "a.wav", tmp_path / "b.flac"
    sf.write(a, y, SR, subtype="PCM_16")
    sox("-D", a, "-r", "44100", "-c", "2", b, "pad", str(DELAY), "lowpass", "2500",
        "vol", "0.7")
    return a, b


@pytest.fixture
def compare(qtbot, make_main_window, takes):
    return open_compare(qtbot, make_main_window, *takes)


def aligned_b(path, offset: float) -> np.ndarray:
    y, sr = librosa.load(path, sr=None)
    y = y[round(offset * sr):]
    return librosa.resample(y, orig_sr=sr, target_sr=SR, res_type="soxr_hq")


def means(y: np.ndarray, frames: slice) -> dict[str, float]:
    return {
        "rms": float(librosa.feature.rms(y=y)[0][frames].mean()),
        "spectral_centroid": float(librosa.feature.spectral_centroid(y=y, sr=SR)[0][frames]
                                   .mean()),
    }


def test_offset_found_and_summary_equals_librosa(compare, takes):
    assert compare.offset == pytest.approx(DELAY, abs=0.002)
    assert float(compare.offset_box.value()) == pytest.approx(compare.offset, abs=1e-4)
    assert compare.confidence > 0.5
    y_a, _ = librosa.load(takes[0], sr=None)
    y_b = aligned_b(takes[1], compare.offset)
    n = min(len(librosa.feature.rms(y=y_a)[0]), len(librosa.feature.rms(y=y_b)[0]))
    times = librosa.frames_to_time(np.arange(n), sr=SR)
    keep = np.flatnonzero(times <= len(y_a) / SR + 1e-9)
    frames = slice(int(keep[0]), int(keep[-1]) + 1)
    want_a, want_b = means(y_a, frames), means(y_b, frames)
    for name in want_a:
        shown_a = float(compare.summary.value(name, "Mean A"))
        shown_b = float(compare.summary.value(name, "Mean B"))
        assert shown_a == pytest.approx(want_a[name], rel=1e-4)
        assert shown_b == pytest.approx(want_b[name], rel=1e-4)
    assert "overlap" in compare.summary.span_label.text()

    def db(y):
        return librosa.amplitude_to_db(np.abs(librosa.stft(y)), ref=1.0, amin=1e-5,
                                       top_db=None)

    diff = (db(y_b)[:, :n] - db(y_a)[:, :n])[:, frames]
    want_lsd = float(np.mean(np.sqrt(np.mean(diff**2, axis=0))))
    shown = compare.summary.distance_label.text().split(": ")[1].split(" ")[0]
    assert float(shown) == pytest.approx(want_lsd, rel=1e-3)  # from the difference pass


def test_selection_narrows_the_summary(qtbot, compare, takes):
    compare.a.document.set_selection((1.0, 2.5))
    qtbot.waitUntil(lambda: "selection" in compare.summary.span_label.text(), timeout=20000)
    assert compare.b.document.selection == compare.a.document.selection
    y_a, _ = librosa.load(takes[0], sr=None)
    times = librosa.times_like(librosa.feature.rms(y=y_a)[0], sr=SR)
    rows = np.flatnonzero((times >= 1.0 - 1e-9) & (times <= 2.5 + 1e-9))
    want = means(y_a, slice(int(rows[0]), int(rows[-1]) + 1))["rms"]
    assert float(compare.summary.value("rms", "Mean A")) == pytest.approx(want, rel=1e-4)


def test_difference_spectrogram_is_blue_above_the_cutoff(compare):
    view = compare.difference_view
    pixels = view.grab().toImage()
    from tests.qt.pixels import qimage_rgb

    rgb = qimage_rgb(pixels)
    area = plot_area(view)
    ratio = view.devicePixelRatioF()
    top, bottom = round(area.top * ratio), round(area.bottom * ratio)
    left, right = round(area.left * ratio) + 2, round(area.right * ratio) - 2
    image = rgb[top:bottom, left:right]
    index, distance = table_index(image, colormap_table("coolwarm"))
    assert np.percentile(distance, 95) <= 3
    db = -20 + (index + 0.5) / 256 * 40
    height = bottom - top
    nyquist = SR / 2
    high = db[: round(height * (1 - 7000 / nyquist))]  # above 7 kHz: far quieter in B
    low = db[round(height * (1 - 600 / nyquist)) :]  # below 600 Hz: 0.7 x, -3 dB
    assert np.median(high) < -15
    assert np.median(low) == pytest.approx(20 * np.log10(0.7), abs=1.5)


def test_editing_the_offset_moves_b(qtbot, compare):
    compare.offset_box.setValue(0.5)
    qtbot.waitUntil(lambda: compare.b.document.source is not None
                    and compare.b.document.source.shift == round(0.5 * 44100), timeout=10000)
    qtbot.waitUntil(compare.is_settled, timeout=60000)
    assert compare.offset == 0.5


def test_listening_switches_at_the_playhead(qtbot, compare):
    if not compare.a.playback.check():
        pytest.skip("no audio output")
    compare.a.document.set_selection((1.0, 4.0))
    compare.a.playback.set_loop(True)
    compare.b.playback.set_loop(True)
    compare.play_pause()
    qtbot.waitUntil(lambda: compare.a.playback.state == "playing", timeout=5000)
    compare.listen_b_action.trigger()
    assert compare.listening == "B"
    assert compare.a.playback.state == "stopped"
    qtbot.waitUntil(lambda: compare.b.playback.state == "playing", timeout=5000)
    position = compare.b.playback.position_seconds
    assert 1.0 - 1e-3 <= position <= 4.0 + 1e-3
    compare.b.playback.stop()


def test_unrelated_or_unreadable_b_says_so(qtbot, make_main_window, takes, tmp_path):
    window = make_main_window()
    window.open_path(takes[0])
    qtbot.waitUntil(window.is_settled, timeout=30000)
    other = tmp_path / "other.wav"
    sf.write(other, melody(6.0, seed=99), SR, subtype="PCM_16")
    compare = window.compare.compare(other)
    qtbot.waitUntil(lambda: "share no audio" in compare.last_error, timeout=30000)
    assert compare.confidence < 0.3
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really a wave file")
    second = window.compare.compare(broken)
    qtbot.waitUntil(lambda: bool(second.last_error), timeout=30000)
    assert "broken.wav" in second.last_error
    assert "\n" not in second.last_error and "Traceback" not in second.last_error
    window.close()
    assert window.compare.windows == [] or all(not c.isVisible()
                                              for c in window.compare.windows)


def test_difference_curves_are_b_minus_a_and_drawn_where_they_lie(compare):
    from tests.qt.pixels import grab_rgb, pen_rgb, view_range

    curves = compare.curves
    table_a, table_b = compare.a.document.features, compare.b.document.features
    n = min(table_a.n_frames, table_b.n_frames)
    expected = (table_b.columns["rms"][:n].astype(np.float64) - table_a.columns["rms"][:n])
    np.testing.assert_allclose(curves.features.columns["rms"], expected, atol=1e-7)
    assert expected.max() < 0  # B (0.7 x, low-passed) is quieter in every frame
    view = curves.plot_view
    rgb = grab_rgb(view)
    left, top, right, bottom = plot_area(view).inner()
    colour = pen_rgb(view.curves["rms"])
    lit = np.abs(rgb[top:bottom, left:right].astype(int) - colour).max(axis=2) <= 40
    rows = np.flatnonzero(lit.any(axis=1)) + top
    assert len(rows) > 0
    (_x0, _x1), (y0, y1) = view_range(view)
    area = plot_area(view)
    # the rows the curve's values occupy, from the view's range (not the app's mapping)
    lowest = area.y_of(expected.min(), y0, y1)
    highest = area.y_of(expected.max(), y0, y1)
    assert rows.min() >= highest - 3 and rows.max() <= lowest + 3
    assert rows.max() > area.y_of(0.0, y0, y1)  # drawn below the zero line


def test_exports_equal_the_command_line(qtbot, compare, takes, tmp_path):
    import subprocess
    import sys

    from tests.e2e import cli_env
    from tests.qt.pixels import png_rgb

    out = tmp_path / "window.csv"
    compare.exports.export_csv_to(out)
    qtbot.waitUntil(lambda: compare.exports.saved == out, timeout=60000)
    cli_out = tmp_path / "cli.csv"
    result = subprocess.run(
        [sys.executable, "-m", "sonolens", "compare", str(takes[0]), str(takes[1]), "-o",
         str(cli_out), "--offset", repr(compare.offset)],
        capture_output=True, text=True, env=cli_env(), timeout=300)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == cli_out.read_bytes()
    image = tmp_path / "d.png"
    assert compare.exports.export_image_to(image, (400, 300))  # encoded on a worker
    qtbot.waitUntil(lambda: compare.exports.saved == image, timeout=20000)
    pixels = png_rgb(image)
    assert pixels.shape == (300, 400, 3)
    _index, distance = table_index(pixels, colormap_table("coolwarm"))
    assert (distance <= 3).mean() > 0.3  # the data image is there, in coolwarm
    before = takes[0].read_bytes()
    assert not compare.exports.export_image_to(takes[0])  # never over A
    assert takes[0].read_bytes() == before and "input" in compare.last_error
