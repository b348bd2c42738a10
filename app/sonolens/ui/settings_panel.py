"""Settings dock: analysis parameters (emitted debounced, validated) and display choices.

The panel never owns defaults: it shows the :class:`AnalysisParams` / :class:`ViewSettings`
it is given and emits new frozen values. Its fields come from one table
(:data:`sonolens.ui.settings_fields.GROUPS`: widget, value -> widget, widget -> value);
every input's objectName is its field name. A preset row on top applies named settings
(:mod:`sonolens.ui.preset_bar`) in one step: one ``view_edited`` then one ``params_edited``,
so the analysis restarts once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import signals_blocked

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.presets import Preset
from sonolens.core.view_settings import ViewSettings
from sonolens.ui.preset_bar import PresetBar
from sonolens.ui.settings_fields import (
    ALL_CHANNELS_LABEL,
    CHANNEL,
    DB_KINDS,
    DB_RANGE,
    FIXED_AXIS_KINDS,
    FMAX,
    FMIN,
    FREQ_AXIS,
    FREQ_SCALE,
    GROUPS,
    HOP_LENGTH,
    KIND,
    MIX_LABEL,
    N_FFT,
    N_MELS,
    N_MFCC,
    SR,
    UNKNOWN_NYQUIST,
    WAVEFORM_CHANNEL,
    Field,
    Group,
    fill_channels,
)

#: Milliseconds between the last analysis edit and ``params_edited``.
DEBOUNCE_MS = 150
#: Fields whose values bound others (hop <= n_fft, n_mfcc <= n_mels, fmin/fmax <= Nyquist).
_BOUNDING = (SR, N_FFT, N_MELS)

W = TypeVar("W", bound=QWidget)


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
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._widgets: dict[str, QWidget] = {}
        self._fields: dict[str, list[Field[Any]]] = {"params": [], "view": []}
        self._build()
        self._inputs: list[QWidget] = [  # each field's widget and the inputs inside it
            child for widget in self._widgets.values()
            for child in (widget, *widget.findChildren(QWidget))
            if child is widget or isinstance(child, (QComboBox, QAbstractSpinBox, QCheckBox))
        ]
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
            for field in _BOUNDING:  # first, so that no value is clamped to a stale range
                self._show(field, params)
            self._update_limits()
            for field in self._fields["params"]:
                self._show(field, params)
            self._hop_edit.sync_ms()
            for field in self._fields["view"]:
                self._show(field, view)
            self._update_db_range_enabled()
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
            channel = self._widget(CHANNEL)
            fill_channels(channel, MIX_LABEL, channels, channel.currentData())
            waveform = self._widget(WAVEFORM_CHANNEL)
            fill_channels(waveform, ALL_CHANNELS_LABEL, channels, waveform.currentData(),
                          mix=True)
            self._update_limits()
        try:
            changed = self._widget_params() != self._params
        except ParameterError:
            changed = True
        if changed:
            self._timer.start()
        self._on_view_edited()
        self.presets.show_matching()  # built-ins are sized for the rate

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 4, 4, 4)
        groups = [self._form(group) for group in GROUPS]
        self._sr, self._hop_edit = self._widget(SR), self._widget(HOP_LENGTH)
        self._hop = self._hop_edit.samples
        self.presets = PresetBar(lambda: (self.params(), self.view(), self._rate()))
        preset_box = QGroupBox("Preset")
        QVBoxLayout(preset_box).addWidget(self.presets)
        preset_box.layout().setContentsMargins(6, 6, 6, 6)
        for box in (preset_box, *groups):
            column.addWidget(box)
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

    def _form(self, group: Group) -> QGroupBox:
        box = QGroupBox(group.title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setContentsMargins(6, 6, 6, 6)
        for field in group.fields:
            widget = field.make()
            widget.setToolTip(field.tip)
            if field.label:
                form.addRow(field.label, widget)
            else:
                form.addRow(widget)  # spans both columns (long labels)
            self._widgets[field.name] = widget
            self._fields[group.target].append(field)
        return box

    def _widget(self, field: Field[W]) -> W:
        return cast(W, self._widgets[field.name])

    def _connect(self) -> None:
        for field in self._fields["params"]:
            field.edited(self._widgets[field.name]).connect(self._on_analysis_edited)
        for field in self._fields["view"]:
            field.edited(self._widgets[field.name]).connect(self._on_view_edited)
        for field in _BOUNDING:
            field.edited(self._widgets[field.name]).connect(self._update_limits)
        self._sr.currentIndexChanged.connect(self.presets.show_matching)
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

    def _show(self, field: Field[Any], values: AnalysisParams | ViewSettings) -> None:
        field.show(self._widgets[field.name], getattr(values, field.name))

    def _show_error(self, message: str | None) -> None:
        self._error.setText(message or "")
        self._error.setVisible(bool(message))

    def _rate(self) -> int | None:
        rate = self._sr.currentData()
        return int(rate) if rate else self._native_sr

    def _update_limits(self) -> None:
        """Bound hop_length by n_fft, n_mfcc by n_mels, fmin/fmax by the current Nyquist
        (each may clamp a value), and refresh the hop in ms."""
        rate = self._rate()
        self._hop_edit.set_limits(int(self._widget(N_FFT).currentData()), rate)
        self._widget(N_MFCC).setMaximum(self._widget(N_MELS).value())
        nyquist = rate / 2 if rate else UNKNOWN_NYQUIST
        self._widget(FMIN).setMaximum(nyquist)
        self._widget(FMAX).setMaximum(nyquist)

    def _update_db_range_enabled(self) -> None:
        kind = self._widget(KIND).currentData()
        self._widget(DB_RANGE).setEnabled(kind in DB_KINDS)
        for field in (FREQ_SCALE, FREQ_AXIS):  # constant-Q rows fix both (log, notes)
            self._widget(field).setEnabled(kind not in FIXED_AXIS_KINDS)

    # -- reading values ---------------------------------------------------------------------

    def _read(self, target: str) -> dict[str, Any]:
        return {f.name: f.read(self._widgets[f.name]) for f in self._fields[target]}

    def _widget_params(self) -> AnalysisParams:
        """AnalysisParams from the widgets; raises ParameterError when invalid."""
        params = self._params.replace(**self._read("params"))
        rate = self._rate()
        if rate is not None:
            params.validate_for_rate(rate)
        return params

    def _widget_view(self) -> ViewSettings:
        return self._view.replace(**self._read("view"))

    # -- slots ------------------------------------------------------------------------------

    def _on_analysis_edited(self) -> None:
        self._timer.start()  # (re)start: only the last edit of a burst is emitted

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
        self._update_db_range_enabled()
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


__all__ = ["ALL_CHANNELS_LABEL", "DEBOUNCE_MS", "SettingsPanel", "fill_channels"]
