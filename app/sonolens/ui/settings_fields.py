"""The settings panel's field table: one entry per AnalysisParams / ViewSettings attribute.

Each :class:`Field` says how its widget is made, how a value is shown in it and read back
from it, and which signal means "edited". :class:`~sonolens.ui.settings_panel.SettingsPanel`
builds its groups, fills them and reads them from :data:`GROUPS`, in this order.
Every input's objectName is its field name (the overlay boxes: ``overlay_<key>``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import signals_blocked

from sonolens.core.catalog import CATALOG
from sonolens.core.notes import A4_RANGE
from sonolens.core.params import MAX_CQT_BINS, MAX_CQT_BINS_PER_OCTAVE, WINDOWS
from sonolens.core.view_settings import (
    COLORMAPS,
    FREQUENCY_AXES,
    FREQUENCY_SCALES,
    LOWER_VIEWS,
    OVERLAYS,
    SPECTROGRAM_KINDS,
    WAVEFORM_MIX,
)

N_FFT_CHOICES: tuple[int, ...] = (256, 512, 1024, 2048, 4096, 8192, 16384)
SAMPLE_RATES: tuple[int, ...] = (8000, 11025, 16000, 22050, 32000, 44100, 48000)
P_CHOICES: tuple[float, ...] = (2.0, 3.0, 4.0)
_WINDOWS_FIRST = ("hann", "hamming", "blackman", "blackmanharris", "rectangular")
WINDOW_CHOICES: tuple[str, ...] = (
    *(w for w in _WINDOWS_FIRST if w in WINDOWS),
    *(w for w in WINDOWS if w not in _WINDOWS_FIRST),
)
#: Spectrogram kinds drawn in dB (the dB range only applies to these).
DB_KINDS = frozenset(k.name for k in CATALOG.kinds if k.db)  # the dB range applies
#: Kinds whose rows fix the frequency scale and labels (constant-Q: log, note names).
FIXED_AXIS_KINDS = frozenset(k.name for k in CATALOG.kinds if k.rows == "cqt")
UNKNOWN_NYQUIST = 96_000.0  # frequency limit before a file (and so a rate) is known
MIX_LABEL = "Mix (mean)"
ALL_CHANNELS_LABEL = "All channels"

W = TypeVar("W", bound=QWidget)


# -- widget helpers -----------------------------------------------------------------------


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


def select(combo: QComboBox, value: object, label: str | None = None) -> None:
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
    select(combo, current if keep else None)
    combo.setEnabled(combo.count() > 1)


def _spin(name: str, lo: int, hi: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(lo, hi)
    spin.setSuffix(suffix)
    return spin


def _double_spin(
    name: str, hi: float, step: float, suffix: str, decimals: int = 1, lo: float = 0.0
) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setDecimals(decimals)
    spin.setRange(lo, hi)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    return spin


class HopEdit(QWidget):
    """``hop_length`` in samples beside the same hop in ms (``hop_ms``) at the analysis rate.

    Typing milliseconds sets the samples; the ms box is disabled ("? ms") while no rate is
    known. The panel tells it the rate and the largest hop (n_fft) with :meth:`set_limits`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.samples = _spin("hop_length", 1, max(N_FFT_CHOICES))
        self.ms = _double_spin("hop_ms", 1.0, 1.0, " ms", decimals=2)
        self.ms.setToolTip("The same hop in milliseconds at the analysis rate")
        self._rate: int | None = None
        self._typing_ms = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.samples, 1)
        layout.addWidget(self.ms, 1)
        self.samples.valueChanged.connect(self.sync_ms)
        self.ms.valueChanged.connect(self._on_ms_value_changed)
        self.ms.editingFinished.connect(self.sync_ms)

    def set_limits(self, maximum: int, rate: int | None) -> None:
        """Largest hop in samples (may clamp the value) and the analysis rate (None: unknown)."""
        self._rate = rate
        self.samples.setMaximum(maximum)
        self.sync_ms()

    def sync_ms(self) -> None:
        """Show the hop in milliseconds (kept while the user types in the ms box)."""
        rate = self._rate
        with signals_blocked(self.ms):
            if rate is None:
                self.ms.setSpecialValueText("? ms")
                self.ms.setRange(0.0, 0.0)
                self.ms.setEnabled(False)
                return
            self.ms.setSpecialValueText("")
            self.ms.setEnabled(True)
            self.ms.setRange(1000.0 / rate, self.samples.maximum() * 1000.0 / rate)
            if not self._typing_ms:
                self.ms.setValue(self.samples.value() * 1000.0 / rate)

    def _on_ms_value_changed(self, ms: float) -> None:
        if self._rate is None:
            return
        self._typing_ms = True  # keep the text being typed in the ms box
        try:
            self.samples.setValue(max(1, round(ms * self._rate / 1000.0)))
        finally:
            self._typing_ms = False


class OverlayChecks(QWidget):
    """An "Overlays" heading over one check box per overlay (objectName ``overlay_<key>``)."""

    toggled = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Overlays"))
        self.boxes: dict[str, QCheckBox] = {}
        for key, label in OVERLAYS.items():
            box = QCheckBox(label)
            box.setObjectName(f"overlay_{key}")
            box.setToolTip(f"Draw {key} over the spectrogram")
            box.toggled.connect(lambda _checked: self.toggled.emit())
            layout.addWidget(box)
            self.boxes[key] = box

    def set_checked(self, keys: frozenset[str]) -> None:
        for key, box in self.boxes.items():
            box.setChecked(key in keys)

    def checked(self) -> frozenset[str]:
        return frozenset(k for k, box in self.boxes.items() if box.isChecked())


# -- the table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field(Generic[W]):
    """One form row: ``name`` is the AnalysisParams / ViewSettings attribute it edits."""

    name: str
    label: str  # "" spans both columns
    tip: str
    make: Callable[[], W]
    show: Callable[[W, Any], None]  # value -> widget
    read: Callable[[W], Any]  # widget -> value
    edited: Callable[[W], SignalInstance]


@dataclass(frozen=True)
class Group:
    """A titled form whose fields all belong to ``target`` ("params" or "view")."""

    title: str
    target: Literal["params", "view"]
    fields: tuple[Field[Any], ...]


def _combo_field(name: str, label: str, tip: str, items: Callable[[], Iterable[tuple[str, object]]],
                 convert: Callable[[Any], Any] = str) -> Field[QComboBox]:
    """A combo whose item data are the values."""
    return Field(name, label, tip, lambda: _combo(name, items()), select,
                 lambda w: convert(w.currentData()), lambda w: w.currentIndexChanged)


def _spin_field(name: str, label: str, tip: str, lo: int, hi: int,
                suffix: str = "") -> Field[QSpinBox]:
    return Field(name, label, tip, lambda: _spin(name, lo, hi, suffix),
                 lambda w, v: w.setValue(v), lambda w: w.value(), lambda w: w.valueChanged)


def _optional_int(data: Any) -> int | None:
    return None if data is None else int(data)


def _show_channel(combo: QComboBox, channel: int | None) -> None:
    select(combo, channel, MIX_LABEL if channel is None else str(channel + 1))
    combo.setEnabled(combo.count() > 1)


def _show_waveform_channel(combo: QComboBox, channel: int | None) -> None:
    label = ALL_CHANNELS_LABEL if channel is None else (
        MIX_LABEL if channel == WAVEFORM_MIX else str(channel + 1))
    select(combo, channel, label)
    combo.setEnabled(combo.count() > 1)


def _make_fmax() -> QDoubleSpinBox:
    spin = _double_spin("fmax", UNKNOWN_NYQUIST, 100.0, " Hz")
    spin.setSpecialValueText("Nyquist")  # the minimum (0) stands for fmax=None
    return spin


def _value_changed(w: QDoubleSpinBox) -> SignalInstance:
    return w.valueChanged


SR = Field[QComboBox](
    "sr", "Rate", "sr: analysis sample rate (resampled with soxr)",
    lambda: _combo("sr", [("Native", None), *((f"{r} Hz", r) for r in SAMPLE_RATES)]),
    lambda w, v: select(w, v, f"{v} Hz"), lambda w: _optional_int(w.currentData()),
    lambda w: w.currentIndexChanged)
CHANNEL = Field[QComboBox](
    "channel", "Channel", "channel: analysed channel, or the mean of all",
    lambda: _combo("channel", [(MIX_LABEL, None)]), _show_channel,
    lambda w: _optional_int(w.currentData()), lambda w: w.currentIndexChanged)
N_FFT = _combo_field("n_fft", "FFT size", "n_fft: samples per FFT frame",
                     lambda: ((str(n), n) for n in N_FFT_CHOICES), int)
HOP_LENGTH = Field[HopEdit](
    "hop_length", "Hop", "hop_length: samples between frames", HopEdit,
    lambda w, v: w.samples.setValue(v), lambda w: w.samples.value(),
    lambda w: w.samples.valueChanged)
WINDOW = _combo_field("window", "Window", "window: STFT window",
                      lambda: ((w, w) for w in WINDOW_CHOICES))
N_MELS = _spin_field("n_mels", "Mel bands", "n_mels: mel filterbank size", 8, 512)
FMIN = Field[QDoubleSpinBox](
    "fmin", "fmin", "fmin: lowest mel frequency (Hz)",
    lambda: _double_spin("fmin", UNKNOWN_NYQUIST, 10.0, " Hz"),
    lambda w, v: w.setValue(v), lambda w: float(w.value()), _value_changed)
FMAX = Field[QDoubleSpinBox](
    "fmax", "fmax", "fmax: highest mel frequency (Hz); Nyquist = sr / 2", _make_fmax,
    lambda w, v: w.setValue(v if v is not None else w.minimum()),
    lambda w: None if w.value() <= w.minimum() else float(w.value()), _value_changed)

KIND = _combo_field("kind", "Kind", "Spectrogram kind",
                    lambda: ((label, k) for k, label in SPECTROGRAM_KINDS.items()))
FREQ_SCALE = _combo_field("freq_scale", "Scale", "Frequency axis scale",
                          lambda: ((label, k) for k, label in FREQUENCY_SCALES.items()))
FREQ_AXIS = _combo_field("freq_axis", "Axis", "Frequency axis labels: Hz, or note names "
                         "(C of each octave, semitones where there is room)",
                         lambda: ((label, k) for k, label in FREQUENCY_AXES.items()))
A4 = Field[QDoubleSpinBox](
    "a4", "A4", "a4: reference pitch of the note names (axis and readout)",
    lambda: _double_spin("a4", A4_RANGE[1], 1.0, " Hz", lo=A4_RANGE[0]),
    lambda w, v: w.setValue(v), lambda w: float(w.value()), _value_changed)
COLORMAP = _combo_field("colormap", "Colours", "Colormap", lambda: ((c, c) for c in COLORMAPS))
DB_RANGE = Field[QSpinBox](
    "db_range", "Range", "dB shown below the maximum (dB kinds only)",
    lambda: _spin("db_range", 10, 160, " dB"),
    lambda w, v: w.setValue(round(v)), lambda w: float(w.value()), lambda w: w.valueChanged)
LOWER_VIEW = _combo_field("lower_view", "Lower", "Plot under the spectrogram",
                          lambda: ((label, k) for k, label in LOWER_VIEWS.items()))
WAVEFORM_CHANNEL = Field[QComboBox](
    "waveform_channel", "Waveform", "Channel drawn in the waveform",
    lambda: _combo("waveform_channel", [(ALL_CHANNELS_LABEL, None)]), _show_waveform_channel,
    lambda w: _optional_int(w.currentData()), lambda w: w.currentIndexChanged)
OVERLAY_CHECKS = Field[OverlayChecks](
    "overlays", "", "Feature curves drawn over the spectrogram", OverlayChecks,
    lambda w, v: w.set_checked(v), lambda w: w.checked(), lambda w: w.toggled)

ROLL_PERCENT = Field[QDoubleSpinBox](
    "roll_percent", "Rolloff", "roll_percent: energy fraction below the rolloff",
    lambda: _double_spin("roll_percent", 99.0, 1.0, " %", lo=1.0),
    lambda w, v: w.setValue(v * 100.0), lambda w: round(w.value() / 100.0, 6), _value_changed)
P = Field[QComboBox](
    "p", "Bandwidth p", "p: spectral bandwidth order",
    lambda: _combo("p", ((f"{p:g}", p) for p in P_CHOICES)),
    lambda w, v: select(w, float(v), f"{v:g}"), lambda w: float(w.currentData()),
    lambda w: w.currentIndexChanged)
N_MFCC = _spin_field("n_mfcc", "MFCCs", "n_mfcc: number of coefficients (at most n_mels)",
                     1, 512)


def _pitch_field(name: str, label: str, tip: str) -> Field[QDoubleSpinBox]:
    """A pYIN frequency limit (Hz); the exact value (C2 = 65.40639... Hz) survives the
    box's 3 decimals unless the user edits it."""
    def show(w: QDoubleSpinBox, v: float) -> None:
        w.setProperty("exact", float(v))
        w.setValue(v)

    def read(w: QDoubleSpinBox) -> float:
        exact = w.property("exact")
        if exact is not None and abs(float(w.value()) - exact) < 0.0005:
            return float(exact)
        return float(w.value())

    return Field[QDoubleSpinBox](
        name, label, tip, lambda: _double_spin(name, UNKNOWN_NYQUIST, 10.0, " Hz", 3, 1.0),
        show, read, _value_changed)


PYIN_FMIN = _pitch_field("pyin_fmin", "Pitch fmin", "pyin_fmin: lowest pitch searched (Hz)")
PYIN_FMAX = _pitch_field("pyin_fmax", "Pitch fmax",
                         "pyin_fmax: highest pitch searched (Hz; clamped to Nyquist)")

CQT_FMIN = _pitch_field("cqt_fmin", "fmin", "cqt_fmin: lowest constant-Q bin (Hz; C1 = 32.703)")
CQT_N_BINS = _spin_field("cqt_n_bins", "Bins", "cqt_n_bins: number of constant-Q bins", 1,
                         MAX_CQT_BINS)
CQT_BINS_PER_OCTAVE = _spin_field("cqt_bins_per_octave", "Per octave",
                                  "cqt_bins_per_octave: bins per octave (12: semitones)", 1,
                                  MAX_CQT_BINS_PER_OCTAVE)
CQT_GAMMA = Field[QDoubleSpinBox](
    "cqt_gamma", "gamma", "cqt_gamma: variable-Q bandwidth offset (Hz; 0 = constant-Q)",
    lambda: _double_spin("cqt_gamma", 1000.0, 1.0, " Hz"),
    lambda w, v: w.setValue(v), lambda w: float(w.value()), _value_changed)

#: The panel's groups, top to bottom.
GROUPS: tuple[Group, ...] = (
    Group("Spectrogram", "params",
          (SR, CHANNEL, N_FFT, HOP_LENGTH, WINDOW, N_MELS, FMIN, FMAX)),
    Group("Display", "view",
          (KIND, FREQ_SCALE, FREQ_AXIS, A4, COLORMAP, DB_RANGE, LOWER_VIEW, WAVEFORM_CHANNEL,
           OVERLAY_CHECKS)),
    Group("Features", "params", (ROLL_PERCENT, P, N_MFCC, PYIN_FMIN, PYIN_FMAX)),
    Group("Constant-Q (kind cqt)", "params",
          (CQT_FMIN, CQT_N_BINS, CQT_BINS_PER_OCTAVE, CQT_GAMMA)),
)
