"""The main window driven as a person would: open, look, change settings, export, close."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage

from sonolens.audio.source import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.engine import extract_features
from tests.qt.conftest import wait_settled, write_rich, write_tone


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    return write_tone(tmp_path / "tone 1k.wav", freq=1000.0, seconds=2.0)


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    return write_rich(tmp_path / "rich.wav")


def _open(qtbot, window, path: Path) -> None:
    window.open_path(path)
    wait_settled(qtbot, window)


def test_open_shows_file_facts_and_draws_every_view(qtbot, make_main_window, tmp_path,
                                                     fail_on_unhandled_exceptions):
    path = write_tone(tmp_path / "stereo.wav", channels=2, seconds=1.5, sr=44100)
    window = make_main_window()
    _open(qtbot, window, path)
    text = window.info_label.text()
    for fact in ("stereo.wav", "44100 Hz", "2 ch", "16-bit", "1.50 s"):
        assert fact in text
    assert window.windowTitle().startswith("stereo.wav")
    assert window.spectrogram_view.image.image is not None
    assert len(window.waveform.curves) >= 2  # one per channel
    assert window.feature_plot.curves["rms"].xData is not None
    assert not window.progress.isVisible()


@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
def test_tone_brightest_row_sits_at_its_frequency(qtbot, make_main_window, tone, scale):
    window = make_main_window()
    _open(qtbot, window, tone)
    window.document.set_view(window.document.view.replace(freq_scale=scale, kind="db"))
    wait_settled(qtbot, window)
    view = window.spectrogram_view
    view.redraw()
    image = view.image.image  # (rows, columns), row 0 at the bottom of the rect
    rect = view.image.mapRectToParent(view.image.boundingRect())
    row = int(np.argmax(image.mean(axis=1)))
    row_height = rect.height() / image.shape[0]
    y = rect.top() + (row + 0.5) * row_height
    hz = float(view.scale.from_axis(np.array([y]))[0])
    lo = float(view.scale.from_axis(np.array([y - row_height]))[0])
    hi = float(view.scale.from_axis(np.array([y + row_height]))[0])
    bin_hz = window.document.source.samplerate / window.document.params.n_fft
    assert lo - bin_hz <= 1000.0 <= hi + bin_hz, (scale, hz)
    # axis orientation: higher rows are higher frequencies
    assert view.scale.from_axis(np.array([rect.bottom()]))[0] > hz


@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
def test_overlays_are_features_mapped_through_the_scale(qtbot, make_main_window, rich, scale):
    window = make_main_window()
    overlays = frozenset({"spectral_centroid", "spectral_rolloff", "spectral_bandwidth"})
    window.document.set_view(window.document.view.replace(freq_scale=scale, overlays=overlays))
    _open(qtbot, window, rich)
    view = window.spectrogram_view
    table = window.document.features
    items = view.overlay_items()
    assert set(items) == set(overlays)
    to_axis = view.scale.to_axis
    np.testing.assert_allclose(items["spectral_centroid"].yData,
                               to_axis(table.columns["spectral_centroid"]))
    np.testing.assert_allclose(items["spectral_rolloff"].yData,
                               to_axis(table.columns["spectral_rolloff"]))
    upper = np.clip(table.columns["spectral_centroid"] + table.columns["spectral_bandwidth"] / 2,
                    view.scale.fmin, view.scale.fmax)
    np.testing.assert_allclose(items["spectral_bandwidth"].yData, to_axis(upper))
    assert {"Centroid", "Rolloff"} <= set(view.legend.names)
    # toggling one off removes its curve and legend entry
    window.document.set_view(window.document.view.replace(
        overlays=frozenset({"spectral_rolloff"})))
    assert set(view.overlay_items()) == {"spectral_rolloff"}
    assert view.legend.names == ["Rolloff"]


def test_settings_edit_recomputes_on_workers(qtbot, make_main_window, rich):
    window = make_main_window()
    _open(qtbot, window, rich)
    old_frames = window.document.features.n_frames
    panel = window.settings_panel
    with qtbot.waitSignal(window.document.params_changed, timeout=3000):
        panel.findChild(object, "hop_length").setValue(256)
    wait_settled(qtbot, window)
    assert window.document.params.hop_length == 256
    assert window.document.features.params.hop_length == 256
    assert window.document.features.n_frames == pytest.approx(2 * old_frames, abs=2)
    assert window.document.spectrogram.hop_length == 256


def test_stale_work_is_dropped_only_latest_lands(qtbot, make_main_window, tmp_path, rich):
    long_file = write_rich(tmp_path / "long.wav", seconds=40.0)
    window = make_main_window()
    window.open_path(long_file)
    qtbot.waitUntil(lambda: window.document.source is not None, timeout=10000)
    window.open_path(rich)  # A is being analysed; B replaces it
    wait_settled(qtbot, window)
    assert window.document.source.path == rich
    assert window.document.features.n_frames == window.document.spectrogram.n_frames
    expected = run_to_end(extract_features(open_source(rich), AnalysisParams()))
    assert window.document.features.n_frames == expected.n_frames
    # params: A then B quickly -> only B's results land
    doc = window.document
    doc.set_params(doc.params.replace(n_fft=1024))
    doc.set_params(doc.params.replace(n_fft=512))
    wait_settled(qtbot, window)
    assert doc.features.params.n_fft == 512
    assert doc.spectrogram.params.n_fft == 512


def test_open_failure_shows_message_and_keeps_document(qtbot, make_main_window, tmp_path, rich,
                                                       fail_on_unhandled_exceptions):
    window = make_main_window()
    _open(qtbot, window, rich)
    bad = tmp_path / "not audio.wav"
    bad.write_bytes(b"this is text, not a RIFF file" * 20)
    window.open_path(bad)
    qtbot.waitUntil(lambda: window.last_error != "", timeout=10000)
    assert "not audio.wav" in window.last_error
    assert "\n" not in window.last_error
    assert window.document.source.path == rich
    assert window.document.features is not None
    assert "rich.wav" in window.info_label.text()


def test_export_features_csv_equals_extract(qtbot, make_main_window, rich, tmp_path):
    from sonolens.cli.main import main

    window = make_main_window()
    _open(qtbot, window, rich)
    out = tmp_path / "gui.csv"
    with qtbot.waitSignal(window.exporter.saved, timeout=10000):
        window.exporter.export_features_to(out)
    assert main(["-q", "extract", str(rich), "-o", str(tmp_path / "cli.csv")]) == 0
    gui, cli = pd.read_csv(out), pd.read_csv(tmp_path / "cli.csv")
    assert list(gui.columns) == list(cli.columns)
    np.testing.assert_array_equal(gui.to_numpy(), cli.to_numpy())


def test_export_image_png_at_chosen_size(qtbot, make_main_window, rich, tmp_path):
    window = make_main_window()
    _open(qtbot, window, rich)
    out = tmp_path / "spec.png"
    with qtbot.waitSignal(window.exporter.saved, timeout=20000):
        assert window.exporter.export_image_to(out, (900, 420))  # encoded on a worker
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 420)
    # not blank: the image area has many distinct colours
    pixels = {image.pixel(x, y) for x in range(100, 800, 37) for y in range(40, 380, 29)}
    assert len(pixels) > 20


def test_export_image_is_encoded_off_the_gui_thread(qtbot, make_main_window, rich, tmp_path,
                                                    monkeypatch):
    """Encoding a large PNG takes up to a second: it runs on a worker, and the window
    answers while it does."""
    import threading

    import sonolens.ui.render as render_module

    window = make_main_window()
    _open(qtbot, window, rich)
    encoded_on: list[str] = []
    original = render_module.encode_image

    def recording(image, fmt="PNG"):
        encoded_on.append(threading.current_thread().name)
        return original(image, fmt)

    monkeypatch.setattr(render_module, "encode_image", recording)
    out = tmp_path / "big.png"
    with qtbot.waitSignal(window.exporter.saved, timeout=30000):
        assert window.exporter.export_image_to(out, (2400, 1200))
    assert encoded_on and threading.main_thread().name not in encoded_on
    assert QImage(str(out)).size().width() == 2400


def test_export_image_waits_for_a_growing_spectrogram(qtbot, make_main_window, tmp_path):
    """A new file's spectrogram shows while it grows; exporting it then says so instead
    of writing half a picture."""
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "long.wav", seconds=240.0))
    qtbot.waitUntil(lambda: window.document.spectrogram is not None, timeout=20000)
    spec = window.document.spectrogram
    out = tmp_path / "early.png"
    if not spec.complete:  # (a very fast machine may finish first: nothing to check then)
        assert not window.exporter.export_image_to(out, (600, 300))
        assert "still being computed" in window.last_error and not out.exists()
    wait_settled(qtbot, window)
    with qtbot.waitSignal(window.exporter.saved, timeout=20000):
        assert window.exporter.export_image_to(out, (600, 300))
    assert QImage(str(out)).size().width() == 600


def test_export_matrix_npz_round_trips(qtbot, make_main_window, rich, tmp_path):
    window = make_main_window()
    _open(qtbot, window, rich)
    out = tmp_path / "spec.npz"
    with qtbot.waitSignal(window.runner.finished, timeout=20000):
        window.exporter.export_matrix_to(out)
    data = np.load(out)
    spec = window.document.spectrogram
    assert data["values"].shape == (len(spec.freqs), spec.n_frames)
    np.testing.assert_allclose(data["values"].T, spec.values[: spec.filled], rtol=1e-6,
                               atol=1e-6)
    assert str(data["kind"]) == window.document.view.kind


def test_unwritable_export_folder_gives_message_and_loses_nothing(qtbot, make_main_window,
                                                                  rich, tmp_path):
    window = make_main_window()
    _open(qtbot, window, rich)
    missing = tmp_path / "no such folder" / "x.csv"
    with qtbot.waitSignal(window.runner.failed, timeout=10000):
        window.exporter.export_features_to(missing)
    assert "does not exist" in window.last_error
    assert window.document.features is not None
    existing = tmp_path / "keep.png"
    existing.write_bytes(b"old")
    assert not window.exporter.export_image_to(existing, (10, 10))  # bad size
    assert existing.read_bytes() == b"old"


def test_lower_views_and_chroma_row_labels(qtbot, make_main_window, rich):
    window = make_main_window()
    _open(qtbot, window, rich)
    for lower, rows in (("chroma", 12), ("mfcc", 20), ("contrast", 7)):
        window.document.set_view(window.document.view.replace(lower_view=lower))
        assert window.lower.currentWidget() is window.matrix_view
        wait_settled(qtbot, window)
        assert window.matrix_view.matrix.shape[0] == rows
        assert window.matrix_view.image.image is not None
    window.document.set_view(window.document.view.replace(lower_view="chroma"))
    ticks = window.matrix_view.plot.getAxis("left")._tickLevels[0]
    assert [text for _, text in ticks] == ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#",
                                           "A", "A#", "B"]
    window.document.set_view(window.document.view.replace(lower_view="features"))
    assert window.lower.currentWidget() is window.feature_plot


def test_spectrogram_kinds_and_units(qtbot, make_main_window, rich):
    window = make_main_window()
    _open(qtbot, window, rich)
    for kind, unit in (("magnitude", "amplitude"), ("power", "power"),
                       ("mel_db", "dB (re max)"), ("db", "dB (re max)")):
        window.document.set_view(window.document.view.replace(kind=kind))
        wait_settled(qtbot, window)
        assert window.document.spectrogram.kind == kind
        window.spectrogram_view.redraw()
        assert window.spectrogram_view.colorbar.axis.labelText == unit
    lo, hi = window.spectrogram_view.levels()
    assert hi - lo == pytest.approx(window.document.view.db_range)


def test_drop_and_recent_files_open(qtbot, make_main_window, rich, tone):
    window = make_main_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(rich))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    wait_settled(qtbot, window)
    assert window.document.source.path == rich
    _open(qtbot, window, tone)
    paths = [a.data() for a in window.recent_menu.actions() if a.data()]
    assert paths[:2] == [str(tone.resolve()), str(rich.resolve())]
    next(a for a in window.recent_menu.actions() if a.data() == str(rich.resolve())).trigger()
    wait_settled(qtbot, window)
    assert window.document.source.path.resolve() == rich.resolve()


def test_settings_are_remembered(qtbot, make_main_window, rich):
    window = make_main_window()
    _open(qtbot, window, rich)
    view = window.document.view.replace(colormap="viridis", freq_scale="log", db_range=60.0,
                                        overlays=frozenset({"spectral_rolloff"}))
    window.document.set_view(view)
    window.document.set_params(window.document.params.replace(n_fft=1024))
    wait_settled(qtbot, window)
    window.close()
    again = make_main_window()
    assert again.document.view == view
    assert again.document.params.n_fft == 1024
    assert again.settings_panel.view() == view
    assert again.settings.recent_files()[0] == str(rich.resolve())


def test_close_during_analysis_is_clean(qtbot, make_main_window, tmp_path,
                                        fail_on_unhandled_exceptions):
    long_file = write_rich(tmp_path / "long.wav", seconds=60.0)
    window = make_main_window()
    window.open_path(long_file)
    qtbot.waitUntil(lambda: window.document.source is not None, timeout=10000)
    qtbot.waitUntil(lambda: window.runner.is_busy("features"), timeout=5000)
    window.close()
    assert not window.runner.is_busy()


def test_cancel_stops_analysis(qtbot, make_main_window, tmp_path):
    long_file = write_rich(tmp_path / "long.wav", seconds=60.0)
    window = make_main_window()
    window.open_path(long_file)
    qtbot.waitUntil(lambda: window.runner.is_busy("features"), timeout=10000)
    assert window.cancel_button.isVisible()
    window.cancel_button.click()
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    features = window.document.features  # at most a snapshot of the frames done so far
    assert features is None or not features.complete
    assert not window.cancel_button.isVisible()


def test_waveform_lanes_per_channel_one_channel_and_mix(qtbot, make_main_window, tmp_path):
    path = write_tone(tmp_path / "stereo.wav", channels=2, seconds=1.0, amplitude=0.5)
    window = make_main_window()
    _open(qtbot, window, path)
    wave = window.waveform
    assert wave.lanes() == [0, 1]
    tops = [float(np.max(c.yData)) for c in wave.curves[:2]]
    # lane 0 (left, amplitude 0.5) sits one lane above lane 1 (right, 0.35)
    assert tops[0] == pytest.approx(0.5 + wave.lane_offset(0, 2), abs=0.01)
    assert tops[1] == pytest.approx(0.35 + wave.lane_offset(1, 2), abs=0.01)
    for choice, lanes, peak in ((-1, [None], 0.425), (1, [1], 0.35)):
        window.document.set_view(window.document.view.replace(waveform_channel=choice))
        wait_settled(qtbot, window)
        assert wave.lanes() == lanes
        assert float(np.max(wave.curves[0].yData)) == pytest.approx(peak, abs=0.01)
        assert wave.curves[1].yData is None or len(wave.curves[1].yData) == 0
    combo = window.settings_panel.findChild(object, "waveform_channel")
    assert [combo.itemText(i) for i in range(combo.count())] == ["All channels", "Mix (mean)",
                                                                  "1", "2"]


def test_fmax_cuts_the_view(qtbot, make_main_window, rich):
    window = make_main_window()
    _open(qtbot, window, rich)
    window.document.set_params(window.document.params.replace(fmax=4000.0))
    wait_settled(qtbot, window)
    view = window.spectrogram_view
    assert view.scale.fmax == 4000.0
    _, (_, y1) = view.plot.getViewBox().viewRange()
    assert y1 == pytest.approx(view.scale.to_axis(np.array([4000.0]))[0])
    rect = view.image.mapRectToParent(view.image.boundingRect())
    assert rect.bottom() == pytest.approx(y1)  # the image ends at fmax, too


def test_export_features_of_the_selection_only(qtbot, make_main_window, rich, tmp_path):
    window = make_main_window()
    _open(qtbot, window, rich)
    window.document.set_selection((1.0, 2.0))
    out = tmp_path / "part.csv"
    with qtbot.waitSignal(window.exporter.saved, timeout=10000):
        window.exporter.export_features_to(out, selection_only=True)
    part = pd.read_csv(out)
    table = window.document.features
    inside = (table.times >= 1.0) & (table.times <= 2.0)
    assert len(part) == int(inside.sum()) > 0
    # float32 columns are written with float32's shortest repr: exact after a float32 cast
    np.testing.assert_array_equal(part["rms"].to_numpy().astype(np.float32),
                                  table.columns["rms"][inside])
    assert part["time"].min() >= 1.0 and part["time"].max() <= 2.0


def test_bad_saved_settings_fall_back_to_defaults(qtbot, make_main_window, settings_path):
    from PySide6.QtCore import QSettings

    from sonolens.core.params import AnalysisParams
    from sonolens.core.view_settings import ViewSettings

    settings_path.parent.mkdir(parents=True, exist_ok=True)
    qs = QSettings(str(settings_path), QSettings.Format.IniFormat)
    qs.setValue("view/settings", '{"overlays": 5, "db_range": "abc", "waveform_channel": 1.7}')
    qs.setValue("analysis/params", '{"n_fft": "big", "hop_length": -3}')
    qs.sync()
    window = make_main_window()
    assert window.document.view == ViewSettings()
    assert window.document.params == AnalysisParams()


def test_saved_fmax_above_nyquist_is_adapted_with_a_warning(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    window.document.set_params(window.document.params.replace(fmax=20000.0))
    path = write_tone(tmp_path / "low.wav", sr=16000, seconds=1.0)
    window.open_path(path)
    wait_settled(qtbot, window)
    assert window.document.params.fmax is None
    assert "fmax reset" in window.warning_label.text()
    assert window.document.features is not None and window.last_error == ""


def test_old_picture_stays_until_the_recomputed_one_is_ready(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    _open(qtbot, window, write_rich(tmp_path / "long.wav", seconds=30.0))
    old = window.document.spectrogram
    landed = []
    window.document.result_changed.connect(
        lambda key: key == "spectrogram" and landed.append(
            (window.document.spectrogram, window.document.spectrogram.complete)))
    window.document.set_params(window.document.params.replace(n_fft=1024))
    assert window.spectrogram_view.spectrogram is old  # still drawn while recomputing
    wait_settled(qtbot, window)
    assert landed and all(complete for _, complete in landed)
    assert window.document.spectrogram.params.n_fft == 1024
