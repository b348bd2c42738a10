"""Settings dock: analysis parameters (emitted debounced, validated) and display choices.

The panel never owns defaults: it shows the :class:`AnalysisParams` / :class:`ViewSettings`
it is given and emits new frozen values. Every input's objectName is its field name.
A preset row on top applies named settings (:mod:`sonolens.ui.preset_bar`) in one step:
one ``view_edited`` then one ``params_edited``, so the analysis restarts once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import signals_blocked

from sonolens.core.errors import ParameterError
from sonolens.core.params import WINDOWS, AnalysisParams
from sonolens.core.presets import Preset
from sonolens.core.view_settings import (
    COLORMAPS,
    FREQUENCY_SCALES,
    LOWER_VIEWS,
    OVERLAYS,
    SPECTROGRAM_KINDS,
    WAVEFORM_MIX,
    ViewSettings,
)
from sonolens.ui.preset_bar import PresetBar

#: Milliseconds between the last analysis edit and ``params_edited``.
DEBOUNCE_MS = 150
N_FFT_CHOICES: tuple[int, ...] = (256, 512, 1024, 2048, 4096, 8192, 16384)
SAMPLE_RATES: tuple[int, ...] = (8000, 11025, 16000, 22050, 32000, 44100, 48000)
P_CHOICES: tuple[float, ...] = (2.0, 3.0, 4.0)
_WINDOWS_FIRST = ("hann", "hamming", "blackman", "blackmanharris", "rectangular")
WINDOW_CHOICES: tuple[str, ...] = (
    *(w for w in _WINDOWS_FIRST if w in WINDOWS),
    *(w for w in WINDOWS if w not in _WINDOWS_FIRST),
)
#: Spectrogram kinds drawn in dB (the dB range only applies to these).
DB_KINDS = frozenset(k for k in SPECTROGRAM_KINDS if k == "db" or k.endswith("_db"))
_UNKNOWN_NYQUIST = 96_000.0  # frequency limit before a file (and so a rate) is known
MIX_LABEL = "Mix (mean)"
ALL_CHANNELS_LABEL = "All channels"


def _combo(name: str, items: Iterable[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    for label, data in items:
        combo.addItem(label, data)
    return combo


def _index_of(combo: QComboBox, value: object) -> int:
    for index in range(combo.count()):
        data = combo.itemData(index)
        if data == value and (data is None) == (value is None):
            return index
    return -1


def _select(combo: QComboBox, value: object, label: str | None = None) -> None:
    """Select the item whose data equals ``value``, appending one if it is missing."""
    index = _index_of(combo, value)
    if index < 0:
        combo.addItem(label if label is not None else str(value), value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def fill_channels(combo: QComboBox, none_label: str, count: int, current: int | None,
                  *, mix: bool = False, name: str = "{}") -> None:
    """Offer ``none_label`` (None), [a mix item (-1)], then channels 1..count named by
    ``name`` (e.g. "Channel {}"; 0-based data). Keeps ``current`` if the file has it."""
    combo.clear()
    combo.addItem(none_label, None)
    if mix and count > 1:
        combo.addItem(MIX_LABEL, WAVEFORM_MIX)
    for channel in range(count if count > 1 else 0):
        combo.addItem(name.format(channel + 1), channel)
    keep = current is not None and combo.findData(current) >= 0
    _select(combo, current if keep else None)
    combo.setEnabled(combo.count() > 1)


def _spin(name: str, lo: int, hi: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(lo, hi)
    spin.setSuffix(suffix)
    return spin


def _double_spin(
    name: str, hi: float, step: float, suffix: str, decimals: int = 1
) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setDecimals(decimals)
    spin.setRange(0.0, hi)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    return spin


class SettingsPanel(QWidget):
    """Compact form for the right dock: "Spectrogram", "Display" and "Features" groups.

    ``params_edited(AnalysisParams)`` fires :data:`DEBOUNCE_MS` after the last analysis edit,
    only with a valid value that differs from the last one; otherwise the ParameterError
    message is shown in red. ``view_edited(ViewSettings)`` fires on every display edit.
    """

    params_edited = Signal(object)
    view_edited = Signal(object)

    def __init__(
        self, params: AnalysisParams, view: ViewSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._params = params  # last valid params (set or emitted)
        self._view = view
        self._native_sr: int | None = None
        self._typing_ms = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._inputs: list[QWidget] = []
        self._build()
        self.set_values(params, view)
        self._connect()

    # -- public API -------------------------------------------------------------------------

    def params(self) -> AnalysisParams:
        """Parameters shown now, or the last valid ones while the form is invalid."""
        try:
            return self._widget_params()
        except ParameterError:
            return self._params

    def view(self) -> ViewSettings:
        """Display settings shown now."""
        return self._widget_view()

    def set_values(self, params: AnalysisParams, view: ViewSettings) -> None:
        """Show ``params`` and ``view`` without emitting anything."""
        self._timer.stop()
        self._params, self._view = params, view
        with self._blocked():
            self._show_params(params)
            self._show_view(view)
        self._show_error(None)
        self.presets.show_matching()

    def set_user_presets(self, presets: list[Preset]) -> None:
        """The user's presets, listed after the built-ins."""
        self.presets.set_presets(presets)

    def apply_preset(self, preset: Preset) -> None:
        """Show ``preset``'s settings and emit them at once: the view first (it may change
        the spectrogram kind), then the parameters, each only if it changed."""
        try:
            params, view = preset.apply(self._params, self._view, self._rate())
            if self._rate() is not None:
                params.validate_for_rate(self._rate())
        except ParameterError as exc:
            self._show_error(str(exc))
            return
        old_params, old_view = self._params, self._view
        self.set_values(params, view)
        if view != old_view:
            self.view_edited.emit(view)
        if params != old_params:
            self.params_edited.emit(params)

    def set_audio(self, native_sr: int | None, channels: int) -> None:
        """Adapt rate and channel choices to the open file (None/0: no file).

        Values the file cannot honour (a missing channel, fmax above Nyquist) fall back to
        valid ones, which are then emitted like an edit.
        """
        self._native_sr = native_sr
        with self._blocked():
            self._sr.setItemText(0, f"Native ({native_sr} Hz)" if native_sr else "Native")
            fill_channels(self._channel, MIX_LABEL, channels, self._channel.currentData())
            fill_channels(
                self._waveform_channel, ALL_CHANNELS_LABEL, channels,
                self._waveform_channel.currentData(), mix=True,
            )
            self._update_rate_ranges()
        try:
            changed = self._widget_params() != self._params
        except ParameterError:
            changed = True
        if changed:
            self._timer.start()
        self._on_view_edited()
        self.presets.show_matching()  # built-ins are sized for the rate

    def hop_ms(self) -> float | None:
        """Hop in milliseconds at the current analysis rate (None before a rate is known)."""
        rate = self._rate()
        return None if rate is None else self._hop.value() * 1000.0 / rate

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 4, 4, 4)
        groups = [self._build_spectrogram_group(), self._build_display_group(),
                  self._build_features_group()]
        self.presets = PresetBar(lambda: (self.params(), self.view(), self._rate()))
        preset_box = QGroupBox("Preset")
        QVBoxLayout(preset_box).addWidget(self.presets)
        preset_box.layout().setContentsMargins(6, 6, 6, 6)
        for group in (preset_box, *groups):
            column.addWidget(group)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)

        self._error = QLabel()
        self._error.setObjectName("error_label")
        self._error.setWordWrap(True)
        self._error.setStyleSheet("color: #c62828;")
        self._error.setVisible(False)
        self._reset = QPushButton("Reset to defaults")
        self._reset.setObjectName("reset")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addWidget(self._error)
        outer.addWidget(self._reset)
        self.setMinimumWidth(220)

    def _form(self, title: str, rows: Iterable[tuple[str, QWidget, str]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setContentsMargins(6, 6, 6, 6)
        for label, field, tip in rows:
            field.setToolTip(tip)
            if label:
                form.addRow(label, field)
            else:
                form.addRow(field)  # spans both columns (long labels)
        return box

    def _build_spectrogram_group(self) -> QGroupBox:
        self._sr = _combo("sr", [("Native", None), *((f"{r} Hz", r) for r in SAMPLE_RATES)])
        self._channel = _combo("channel", [(MIX_LABEL, None)])
        self._n_fft = _combo("n_fft", ((str(n), n) for n in N_FFT_CHOICES))
        self._hop = _spin("hop_length", 1, max(N_FFT_CHOICES))
        self._hop_ms = _double_spin("hop_ms", 1.0, 1.0, " ms", decimals=2)
        self._window = _combo("window", ((w, w) for w in WINDOW_CHOICES))
        self._n_mels = _spin("n_mels", 8, 512)
        self._fmin = _double_spin("fmin", _UNKNOWN_NYQUIST, 10.0, " Hz")
        self._fmax = _double_spin("fmax", _UNKNOWN_NYQUIST, 100.0, " Hz")
        self._fmax.setSpecialValueText("Nyquist")
        hop_row = QWidget()
        hop_layout = QHBoxLayout(hop_row)
        hop_layout.setContentsMargins(0, 0, 0, 0)
        hop_layout.addWidget(self._hop, 1)
        hop_layout.addWidget(self._hop_ms, 1)
        self._hop_ms.setToolTip("The same hop in milliseconds at the analysis rate")
        self._inputs += [self._sr, self._channel, self._n_fft, self._hop, self._hop_ms,
                         self._window, self._n_mels, self._fmin, self._fmax]
        return self._form("Spectrogram", [
            ("Rate", self._sr, "sr: analysis sample rate (resampled with soxr)"),
            ("Channel", self._channel, "channel: analysed channel, or the mean of all"),
            ("FFT size", self._n_fft, "n_fft: samples per FFT frame"),
            ("Hop", hop_row, "hop_length: samples between frames"),
            ("Window", self._window, "window: STFT window"),
            ("Mel bands", self._n_mels, "n_mels: mel filterbank size"),
            ("fmin", self._fmin, "fmin: lowest mel frequency (Hz)"),
            ("fmax", self._fmax, "fmax: highest mel frequency (Hz); Nyquist = sr / 2"),
        ])

    def _build_display_group(self) -> QGroupBox:
        self._kind = _combo("kind", ((label, k) for k, label in SPECTROGRAM_KINDS.items()))
        self._freq_scale = _combo(
            "freq_scale", ((label, k) for k, label in FREQUENCY_SCALES.items())
        )
        self._colormap = _combo("colormap", ((c, c) for c in COLORMAPS))
        self._db_range = _spin("db_range", 10, 160, " dB")
        self._lower_view = _combo("lower_view", ((label, k) for k, label in LOWER_VIEWS.items()))
        self._waveform_channel = _combo("waveform_channel", [(ALL_CHANNELS_LABEL, None)])
        self._overlays: dict[str, QCheckBox] = {}
        for key, label in OVERLAYS.items():
            box = QCheckBox(label)
            box.setObjectName(f"overlay_{key}")
            self._overlays[key] = box
        self._inputs += [self._kind, self._freq_scale, self._colormap, self._db_range,
                         self._lower_view, self._waveform_channel, *self._overlays.values()]
        return self._form("Display", [
            ("Kind", self._kind, "Spectrogram kind"),
            ("Scale", self._freq_scale, "Frequency axis scale"),
            ("Colours", self._colormap, "Colormap"),
            ("Range", self._db_range, "dB shown below the maximum (dB kinds only)"),
            ("Lower", self._lower_view, "Plot under the spectrogram"),
            ("Waveform", self._waveform_channel, "Channel drawn in the waveform"),
            ("", QLabel("Overlays"), "Feature curves drawn over the spectrogram"),
            *(("", box, f"Draw {key} over the spectrogram") for key, box in self._overlays.items()),
        ])

    def _build_features_group(self) -> QGroupBox:
        self._roll_percent = _double_spin("roll_percent", 99.0, 1.0, " %")
        self._roll_percent.setMinimum(1.0)
        self._p = _combo("p", ((f"{p:g}", p) for p in P_CHOICES))
        self._n_mfcc = _spin("n_mfcc", 1, 512)
        self._inputs += [self._roll_percent, self._p, self._n_mfcc]
        return self._form("Features", [
            ("Rolloff", self._roll_percent, "roll_percent: energy fraction below the rolloff"),
            ("Bandwidth p", self._p, "p: spectral bandwidth order"),
            ("MFCCs", self._n_mfcc, "n_mfcc: number of coefficients (at most n_mels)"),
        ])

    def _connect(self) -> None:
        self._sr.currentIndexChanged.connect(self._on_sr_changed)
        self._n_fft.currentIndexChanged.connect(self._on_n_fft_changed)
        self._hop.valueChanged.connect(self._on_hop_changed)
        self._hop_ms.valueChanged.connect(self._on_hop_ms_changed)
        self._hop_ms.editingFinished.connect(self._update_hop_ms)
        self._n_mels.valueChanged.connect(self._on_n_mels_changed)
        for combo in (self._channel, self._window, self._p):
            combo.currentIndexChanged.connect(self._on_analysis_edited)
        for spin in (self._fmin, self._fmax, self._roll_percent, self._n_mfcc):
            spin.valueChanged.connect(self._on_analysis_edited)
        for combo in (self._kind, self._freq_scale, self._colormap, self._lower_view,
                      self._waveform_channel):
            combo.currentIndexChanged.connect(self._on_view_edited)
        self._db_range.valueChanged.connect(self._on_view_edited)
        for box in self._overlays.values():
            box.toggled.connect(self._on_view_edited)
        self._reset.clicked.connect(self._on_reset_clicked)
        self.presets.chosen.connect(self.apply_preset)
        self.presets.failed.connect(self._show_error)

    # -- showing values ---------------------------------------------------------------------

    @contextmanager
    def _blocked(self) -> Iterator[None]:
        with ExitStack() as stack:
            for widget in self._inputs:
                stack.enter_context(signals_blocked(widget))
            yield

    def _show_params(self, params: AnalysisParams) -> None:
        _select(self._sr, params.sr, f"{params.sr} Hz")
        channel = params.channel
        _select(self._channel, channel, MIX_LABEL if channel is None else str(channel + 1))
        self._channel.setEnabled(self._channel.count() > 1)
        _select(self._n_fft, params.n_fft)
        self._hop.setMaximum(params.n_fft)
        self._hop.setValue(params.hop_length)
        _select(self._window, params.window)
        self._n_mels.setValue(params.n_mels)
        self._n_mfcc.setMaximum(self._n_mels.value())
        self._n_mfcc.setValue(params.n_mfcc)
        self._update_rate_ranges()
        self._fmin.setValue(params.fmin)
        self._fmax.setValue(params.fmax if params.fmax is not None else self._fmax.minimum())
        self._roll_percent.setValue(params.roll_percent * 100.0)
        _select(self._p, float(params.p), f"{params.p:g}")

    def _show_view(self, view: ViewSettings) -> None:
        _select(self._kind, view.kind)
        _select(self._freq_scale, view.freq_scale)
        _select(self._colormap, view.colormap)
        self._db_range.setValue(round(view.db_range))
        self._db_range.setEnabled(view.kind in DB_KINDS)
        for key, box in self._overlays.items():
            box.setChecked(key in view.overlays)
        _select(self._lower_view, view.lower_view)
        channel = view.waveform_channel
        label = ALL_CHANNELS_LABEL if channel is None else (
            MIX_LABEL if channel == WAVEFORM_MIX else str(channel + 1))
        _select(self._waveform_channel, channel, label)
        self._waveform_channel.setEnabled(self._waveform_channel.count() > 1)

    def _show_error(self, message: str | None) -> None:
        self._error.setText(message or "")
        self._error.setVisible(bool(message))

    def _rate(self) -> int | None:
        rate = self._sr.currentData()
        return int(rate) if rate else self._native_sr

    def _update_rate_ranges(self) -> None:
        """Clamp fmin/fmax to the current Nyquist and refresh the hop in ms."""
        rate = self._rate()
        nyquist = rate / 2 if rate else _UNKNOWN_NYQUIST
        self._fmin.setMaximum(nyquist)
        self._fmax.setMaximum(nyquist)
        self._update_hop_ms()

    def _update_hop_ms(self) -> None:
        rate = self._rate()
        with signals_blocked(self._hop_ms):
            if rate is None:
                self._hop_ms.setSpecialValueText("? ms")
                self._hop_ms.setRange(0.0, 0.0)
                self._hop_ms.setEnabled(False)
                return
            self._hop_ms.setSpecialValueText("")
            self._hop_ms.setEnabled(True)
            self._hop_ms.setRange(1000.0 / rate, self._hop.maximum() * 1000.0 / rate)
            if not self._typing_ms:
                self._hop_ms.setValue(self._hop.value() * 1000.0 / rate)

    # -- reading values ---------------------------------------------------------------------

    def _widget_params(self) -> AnalysisParams:
        """AnalysisParams from the widgets; raises ParameterError when invalid."""
        fmax = self._fmax.value()
        sr = self._sr.currentData()
        channel = self._channel.currentData()
        params = self._params.replace(
            sr=None if sr is None else int(sr),
            channel=None if channel is None else int(channel),
            n_fft=int(self._n_fft.currentData()),
            hop_length=self._hop.value(),
            window=str(self._window.currentData()),
            n_mels=self._n_mels.value(),
            fmin=float(self._fmin.value()),
            fmax=None if fmax <= self._fmax.minimum() else float(fmax),
            n_mfcc=self._n_mfcc.value(),
            roll_percent=round(self._roll_percent.value() / 100.0, 6),
            p=float(self._p.currentData()),
        )
        rate = self._rate()
        if rate is not None:
            params.validate_for_rate(rate)
        return params

    def _widget_view(self) -> ViewSettings:
        channel = self._waveform_channel.currentData()
        return self._view.replace(
            kind=str(self._kind.currentData()),
            freq_scale=str(self._freq_scale.currentData()),
            colormap=str(self._colormap.currentData()),
            db_range=float(self._db_range.value()),
            overlays=frozenset(k for k, box in self._overlays.items() if box.isChecked()),
            lower_view=str(self._lower_view.currentData()),
            waveform_channel=None if channel is None else int(channel),
        )

    # -- slots ------------------------------------------------------------------------------

    def _on_analysis_edited(self) -> None:
        self._timer.start()  # (re)start: only the last edit of a burst is emitted

    def _on_sr_changed(self) -> None:
        self._update_rate_ranges()
        self._on_analysis_edited()
        self.presets.show_matching()

    def _on_n_fft_changed(self) -> None:
        self._hop.setMaximum(int(self._n_fft.currentData()))  # may clamp hop_length
        self._update_hop_ms()
        self._on_analysis_edited()

    def _on_hop_changed(self) -> None:
        self._update_hop_ms()
        self._on_analysis_edited()

    def _on_hop_ms_changed(self, ms: float) -> None:
        rate = self._rate()
        if rate is None:
            return
        self._typing_ms = True  # keep the text being typed in the ms box
        try:
            self._hop.setValue(max(1, round(ms * rate / 1000.0)))
        finally:
            self._typing_ms = False

    def _on_n_mels_changed(self, n_mels: int) -> None:
        self._n_mfcc.setMaximum(n_mels)  # may clamp n_mfcc
        self._on_analysis_edited()

    def _on_timer_timeout(self) -> None:
        try:
            params = self._widget_params()
        except ParameterError as exc:
            self._show_error(str(exc))
            return
        self._show_error(None)
        if params != self._params:
            self._params = params
            self.params_edited.emit(params)
        self.presets.show_matching()

    def _on_view_edited(self) -> None:
        self._db_range.setEnabled(self._kind.currentData() in DB_KINDS)
        view = self._widget_view()
        if view != self._view:
            self._view = view
            self.view_edited.emit(view)
        self.presets.show_matching()

    def _on_reset_clicked(self) -> None:
        params, view = AnalysisParams(), ViewSettings()
        self.set_values(params, view)
        self.params_edited.emit(params)
        self.view_edited.emit(view)


__all__ = ["DEBOUNCE_MS", "SettingsPanel"]
