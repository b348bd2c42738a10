"""SettingsPanel: debounced, validated analysis edits; immediate display edits."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QPushButton, QSpinBox

from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import OVERLAYS, ViewSettings
from sonolens.ui.settings_panel import DEBOUNCE_MS, SettingsPanel

SETTLE_MS = DEBOUNCE_MS * 3  # long enough for a second (unwanted) emission to show up


@pytest.fixture
def panel(qtbot):
    widget = SettingsPanel(AnalysisParams(), ViewSettings())
    qtbot.addWidget(widget)
    widget.set_audio(44100, 2)
    return widget


def _combo(panel: SettingsPanel, name: str) -> QComboBox:
    widget = panel.findChild(QComboBox, name)
    assert widget is not None, name
    return widget


def _spin(panel: SettingsPanel, name: str) -> QSpinBox:
    widget = panel.findChild(QSpinBox, name)
    assert widget is not None, name
    return widget


def _dspin(panel: SettingsPanel, name: str) -> QDoubleSpinBox:
    widget = panel.findChild(QDoubleSpinBox, name)
    assert widget is not None, name
    return widget


def _choose(combo: QComboBox, data: object) -> None:
    index = next(i for i in range(combo.count()) if combo.itemData(i) == data)
    combo.setCurrentIndex(index)


def _record(signal) -> list:
    got: list = []
    signal.connect(got.append)
    return got


def test_widgets_show_given_values_and_have_field_names(qtbot):
    params = AnalysisParams(n_fft=1024, hop_length=256, window="blackman", n_mels=64, n_mfcc=13)
    widget = SettingsPanel(params, ViewSettings(kind="power"))
    qtbot.addWidget(widget)
    assert _combo(widget, "n_fft").currentData() == 1024
    assert _spin(widget, "hop_length").value() == 256
    assert _spin(widget, "hop_length").maximum() == 1024
    assert _combo(widget, "window").currentData() == "blackman"
    assert [_combo(widget, "window").itemData(i) for i in range(5)] == [
        "hann", "hamming", "blackman", "blackmanharris", "rectangular"]
    assert _spin(widget, "n_mfcc").maximum() == 64
    assert not _spin(widget, "db_range").isEnabled()
    for key in OVERLAYS:
        assert widget.findChild(QCheckBox, f"overlay_{key}") is not None
    assert widget.params() == params
    assert widget.view() == ViewSettings(kind="power")


def test_n_fft_edit_emits_once_after_debounce(panel, qtbot):
    got = _record(panel.params_edited)
    _choose(_combo(panel, "n_fft"), 1024)
    assert got == []  # nothing before the debounce
    qtbot.waitUntil(lambda: len(got) == 1, timeout=2000)
    qtbot.wait(SETTLE_MS)
    assert len(got) == 1
    assert got[0] == AnalysisParams(n_fft=1024)
    assert _spin(panel, "hop_length").maximum() == 1024


def test_rapid_hop_edits_emit_last_value_once(panel, qtbot):
    got = _record(panel.params_edited)
    hop = _spin(panel, "hop_length")
    for value in (100, 200, 300, 441):
        hop.setValue(value)
    qtbot.waitUntil(lambda: len(got) == 1, timeout=2000)
    qtbot.wait(SETTLE_MS)
    assert [p.hop_length for p in got] == [441]


def test_hop_in_ms_follows_native_and_resampled_rate(panel, qtbot):
    hop_ms = _dspin(panel, "hop_ms")
    assert hop_ms.value() == pytest.approx(512 / 44100 * 1000, abs=0.006)
    assert _combo(panel, "sr").itemText(0) == "Native (44100 Hz)"

    _choose(_combo(panel, "sr"), 16000)
    assert hop_ms.value() == pytest.approx(512 / 16000 * 1000, abs=0.006)

    with qtbot.waitSignal(panel.params_edited, timeout=2000) as blocker:
        hop_ms.setValue(10.0)  # typing ms sets the samples
    assert _spin(panel, "hop_length").value() == 160
    assert blocker.args[0].hop_length == 160
    assert blocker.args[0].sr == 16000

    panel.set_audio(22050, 1)
    _choose(_combo(panel, "sr"), None)
    assert hop_ms.value() == pytest.approx(160 / 22050 * 1000, abs=0.006)


def test_invalid_combination_shows_message_and_emits_nothing(panel, qtbot):
    error = panel.findChild(QLabel, "error_label")
    with qtbot.assertNotEmitted(panel.params_edited, wait=SETTLE_MS):
        _dspin(panel, "fmin").setValue(5000.0)
        _dspin(panel, "fmax").setValue(1000.0)
    assert not error.isHidden()
    assert "fmax" in error.text()
    assert panel.params() == AnalysisParams()  # last valid params kept

    with qtbot.waitSignal(panel.params_edited, timeout=2000) as blocker:
        _dspin(panel, "fmax").setValue(0.0)  # the "Nyquist" special value
    assert blocker.args[0] == AnalysisParams(fmin=5000.0, fmax=None)
    assert error.isHidden()


def test_ranges_follow_n_mels_and_nyquist(panel, qtbot):
    n_mfcc = _spin(panel, "n_mfcc")
    fmax = _dspin(panel, "fmax")
    fmax.setValue(20000.0)
    with qtbot.waitSignal(panel.params_edited, timeout=2000) as blocker:
        _spin(panel, "n_mels").setValue(16)
        n_mfcc.setValue(40)  # clamped to n_mels
    assert n_mfcc.maximum() == 16
    assert blocker.args[0].n_mfcc == 16
    assert blocker.args[0].fmax == 20000.0

    with qtbot.waitSignal(panel.params_edited, timeout=2000) as blocker:
        _choose(_combo(panel, "sr"), 16000)
    assert blocker.args[0].fmax == 8000.0  # clamped to the new Nyquist
    assert fmax.maximum() == 8000.0


def test_feature_parameters(panel, qtbot):
    with qtbot.waitSignal(panel.params_edited, timeout=2000) as blocker:
        _dspin(panel, "roll_percent").setValue(95.0)
        _choose(_combo(panel, "p"), 3.0)
        _choose(_combo(panel, "window"), "rectangular")
    assert blocker.args[0] == AnalysisParams(roll_percent=0.95, p=3.0, window="rectangular")


def test_set_values_does_not_emit(panel, qtbot):
    params = AnalysisParams(n_fft=4096, hop_length=1024, sr=22050, channel=1, fmax=8000.0)
    view = ViewSettings(kind="power", overlays=frozenset(), waveform_channel=1)
    with qtbot.assertNotEmitted(panel.params_edited, wait=SETTLE_MS), \
            qtbot.assertNotEmitted(panel.view_edited):
        panel.set_values(params, view)
    assert panel.params() == params
    assert panel.view() == view
    assert _spin(panel, "hop_length").value() == 1024
    assert _combo(panel, "channel").currentText() == "2"
    assert not _spin(panel, "db_range").isEnabled()


def test_view_edits_emit_immediately(panel):
    got = _record(panel.view_edited)
    db_range = _spin(panel, "db_range")
    _choose(_combo(panel, "kind"), "power")
    assert got[-1] == ViewSettings(kind="power")
    assert not db_range.isEnabled()
    _choose(_combo(panel, "kind"), "mel_db")
    assert db_range.isEnabled()
    db_range.setValue(60)
    _choose(_combo(panel, "freq_scale"), "mel")
    _choose(_combo(panel, "colormap"), "viridis")
    _choose(_combo(panel, "lower_view"), "mfcc")
    _choose(_combo(panel, "waveform_channel"), 1)
    assert len(got) == 7
    assert got[-1] == ViewSettings(kind="mel_db", db_range=60.0, freq_scale="mel",
                                   colormap="viridis", lower_view="mfcc", waveform_channel=1)


def test_overlay_toggles(panel):
    got = _record(panel.view_edited)
    panel.findChild(QCheckBox, "overlay_spectral_rolloff").setChecked(True)
    assert got[-1].overlays == {"spectral_centroid", "spectral_rolloff"}
    panel.findChild(QCheckBox, "overlay_spectral_centroid").setChecked(False)
    assert got[-1].overlays == {"spectral_rolloff"}
    assert len(got) == 2


def test_channel_choices_follow_set_audio(panel, qtbot):
    channel = _combo(panel, "channel")
    waveform = _combo(panel, "waveform_channel")
    panel.set_audio(48000, 1)
    assert [channel.itemText(i) for i in range(channel.count())] == ["Mix (mean)"]
    assert not channel.isEnabled()
    assert waveform.count() == 1 and not waveform.isEnabled()

    panel.set_audio(48000, 6)
    assert [channel.itemText(i) for i in range(channel.count())] == [
        "Mix (mean)", "1", "2", "3", "4", "5", "6"]
    assert [waveform.itemData(i) for i in range(waveform.count())] == [None, -1, 0, 1, 2, 3, 4, 5]
    assert channel.isEnabled()
    assert _combo(panel, "sr").itemText(0) == "Native (48000 Hz)"
    with qtbot.waitSignal(panel.params_edited, timeout=2000) as blocker:
        channel.setCurrentIndex(6)
    assert blocker.args[0].channel == 5

    # A mono file cannot honour channel 6: the panel falls back to the mix and says so.
    with qtbot.waitSignal(panel.params_edited, timeout=2000) as blocker:
        panel.set_audio(48000, 1)
    assert blocker.args[0].channel is None


def test_reset_to_defaults(panel, qtbot):
    panel.set_values(AnalysisParams(n_fft=512, hop_length=128, n_mels=40, n_mfcc=13),
                     ViewSettings(kind="magnitude", colormap="gray"))
    params_got, view_got = _record(panel.params_edited), _record(panel.view_edited)
    panel.findChild(QPushButton, "reset").click()
    assert params_got == [AnalysisParams()]
    assert view_got == [ViewSettings()]
    assert panel.params() == AnalysisParams()
    assert panel.view() == ViewSettings()
    assert _combo(panel, "n_fft").currentData() == AnalysisParams().n_fft


def test_field_table_round_trips_every_field(panel):
    """Each table entry edits its own attribute: a value differing from the default in
    every shown field comes back unchanged, and no other attribute moves."""
    from dataclasses import fields

    from sonolens.ui.settings_fields import GROUPS

    names = {target: {f.name for g in GROUPS if g.target == target for f in g.fields}
             for target in ("params", "view")}
    assert names["params"] <= {f.name for f in fields(AnalysisParams)}
    assert names["view"] == {f.name for f in fields(ViewSettings)}
    params = AnalysisParams(sr=22050, channel=1, n_fft=1024, hop_length=300, window="hamming",
                            n_mels=64, fmin=50.0, fmax=9000.0, roll_percent=0.9, p=4.0,
                            n_mfcc=30, pyin_fmin=80.0, pyin_fmax=1000.5, cqt_fmin=55.0,
                            cqt_n_bins=72, cqt_bins_per_octave=24, cqt_gamma=12.5)
    assert {n for n in names["params"]
            if getattr(params, n) == getattr(AnalysisParams(), n)} == set()
    view = ViewSettings(kind="mel_db", freq_scale="log", colormap="gray", db_range=70.0,
                        overlays=frozenset({"spectral_rolloff"}), lower_view="chroma",
                        waveform_channel=-1, freq_axis="notes", a4=432.5)
    assert {n for n in names["view"] if getattr(view, n) == getattr(ViewSettings(), n)} == set()
    panel.set_values(params, view)
    assert panel.params() == params
    assert panel.view() == view
