"""View > Theme: the chosen theme ("system", "light", "dark") applied to the application
and the plots, kept in the settings, and followed when the desktop's scheme changes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication

from sonolens.model.settings import Settings
from sonolens.ui import theme
from sonolens.ui.actions import Actions
from sonolens.ui.spectrum_panel import SpectrumPanel


class ThemeSwitcher(QObject):
    """Styles ``time_views`` (their layers) and ``spectrum_panel``; ``theme`` is the
    resolved theme ("light" or "dark") in use."""

    def __init__(self, actions: Actions, settings: Settings, time_views: Sequence[object],
                 spectrum_panel: SpectrumPanel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.actions = actions
        self.settings = settings
        self.time_views = list(time_views)
        self.spectrum_panel = spectrum_panel
        self.choice = "system"
        self.theme = ""
        for name in ("system", "light", "dark"):
            self._action(name).triggered.connect(lambda _=False, n=name: self.set_theme(n))
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            self._on_style_hints_color_scheme_changed)

    def _action(self, choice: str):
        a = self.actions
        return {"system": a.theme_system, "light": a.theme_light, "dark": a.theme_dark}[choice]

    def set_theme(self, choice: str) -> None:
        """"system", "light" or "dark": the widgets' palette and the plots' colours."""
        self.choice = choice
        self._restyle(choice)
        self._action(choice).setChecked(True)
        self.settings.set_theme(choice)

    def close(self) -> None:
        """Stop following the desktop (the window closes)."""
        QGuiApplication.styleHints().colorSchemeChanged.disconnect(
            self._on_style_hints_color_scheme_changed)

    def _on_style_hints_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.choice == "system" and theme.resolve("system", scheme) != self.theme:
            self._restyle("system", scheme)

    def _restyle(self, choice: str, scheme: Qt.ColorScheme | None = None) -> None:
        """Apply the palette of ``choice`` (the desktop's ``scheme`` for "system") to
        the application and the plots' colours to every time view."""
        self.theme = theme.apply_to_application(choice, scheme)
        theme.style_time_views(self.time_views, self.theme)
        theme.style_spectrum_panel(self.spectrum_panel, self.theme)
