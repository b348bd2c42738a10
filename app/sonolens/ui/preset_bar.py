"""The preset row of the Settings dock: a combo of built-in and user presets, Save, Delete.

The combo shows the preset that matches the current settings ("Custom" when none does).
Choosing one emits ``chosen(Preset)`` (the panel applies it); Save asks for a name in a
window-modal dialog and stores the current settings under it; Delete removes the chosen
user preset. ``presets_changed(list[Preset])`` carries the user presets after each change.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import signals_blocked

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.presets import BUILTIN_NAMES, Preset, builtin_presets
from sonolens.core.view_settings import ViewSettings

CUSTOM_LABEL = "Custom"
Current = Callable[[], tuple[AnalysisParams, ViewSettings, int | None]]


class PresetBar(QWidget):
    """``current()`` gives the shown (params, view, analysis rate) when saving/matching."""

    chosen = Signal(object)  # Preset
    presets_changed = Signal(object)  # list[Preset]: the user's presets
    failed = Signal(str)  # a name that cannot be used

    def __init__(self, current: Current, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._current = current
        self.user: list[Preset] = []
        self.combo = QComboBox()
        self.combo.setObjectName("preset")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(10)
        self.combo.setToolTip("Named spectrogram settings: FFT size, hop, window, mel bands, "
                              "frequency range, kind, scale, colours and dB range")
        self.save_button = QPushButton("Save…")
        self.save_button.setObjectName("save_preset")
        self.save_button.setToolTip("Save the current settings as a preset")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("delete_preset")
        self.delete_button.setToolTip("Delete the chosen user preset")
        self.name_dialog: QInputDialog | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.combo)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(self.delete_button)
        column.addLayout(row)
        self.combo.activated.connect(self._on_combo_activated)
        self.save_button.clicked.connect(self.ask_name)
        self.delete_button.clicked.connect(self.delete_current)
        self._fill()

    # -- contents ------------------------------------------------------------------------
    def set_presets(self, presets: list[Preset]) -> None:
        self.user = list(presets)
        self._fill()

    def presets(self) -> list[Preset]:
        """Built-ins (sized for the current rate), then the user's."""
        return [*builtin_presets(self._current()[2]), *self.user]

    def find(self, name: str) -> Preset | None:
        return next((p for p in self.presets() if p.name == name), None)

    def _fill(self) -> None:
        with signals_blocked(self.combo):
            self.combo.clear()
            self.combo.addItem(CUSTOM_LABEL, None)
            for name in BUILTIN_NAMES:
                self.combo.addItem(name, name)
            if self.user:
                self.combo.insertSeparator(self.combo.count())
            for preset in self.user:
                self.combo.addItem(preset.name, preset.name)
        self.show_matching()

    def show_matching(self) -> None:
        """Select the first preset the current settings match, else "Custom"."""
        params, view, sr = self._current()
        match = next((p for p in self.presets() if p.matches(params, view, sr)), None)
        index = self.combo.findData(match.name) if match is not None else 0
        with signals_blocked(self.combo):
            self.combo.setCurrentIndex(max(0, index))
        self.delete_button.setEnabled(match is not None and not match.builtin)

    # -- user actions --------------------------------------------------------------------
    def _on_combo_activated(self, index: int) -> None:
        name = self.combo.itemData(index)
        preset = self.find(name) if isinstance(name, str) else None
        if preset is not None:
            self.chosen.emit(preset)
        self.show_matching()

    def ask_name(self) -> None:
        """Ask for a name (window-modal, not blocking); Save stores the current settings."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Save Preset")
        dialog.setLabelText("Name of the preset (an existing user preset is replaced):")
        current = self.combo.currentData()
        dialog.setTextValue(current if isinstance(current, str) and current not in
                            BUILTIN_NAMES else "")
        dialog.textValueSelected.connect(self.save_as)
        dialog.finished.connect(dialog.deleteLater)
        self.name_dialog = dialog
        dialog.open()

    def save_as(self, name: str) -> None:
        """Store the current settings as user preset ``name`` (replacing one so named)."""
        params, view, _sr = self._current()
        try:
            preset = Preset.capture(name, params, view)
        except ParameterError as exc:
            self.failed.emit(str(exc))
            return
        if preset.name in BUILTIN_NAMES:
            self.failed.emit(f"{preset.name!r} is a built-in preset: choose another name")
            return
        self.user = [p for p in self.user if p.name != preset.name] + [preset]
        self._fill()
        self.presets_changed.emit(list(self.user))

    def delete_current(self) -> None:
        name = self.combo.currentData()
        if not any(p.name == name for p in self.user):
            return
        self.user = [p for p in self.user if p.name != name]
        self._fill()
        self.presets_changed.emit(list(self.user))
