"""Light and dark looks: a Fusion QPalette for the widgets and matching plot colours.

The user's choices (``model.settings.THEMES``); "system" follows the desktop's colour scheme
(``QStyleHints.colorScheme``, Qt >= 6.5; unknown counts as light) and is re-resolved when
the desktop switches (``colorSchemeChanged``). Plots get a background, axis and text
colours and curve colours that read well on it; the spectrogram image keeps its colormap.
Exports (``sonolens render``, File > Export image) are drawn by fresh views and keep the
default (dark) plot look, so they do not depend on the window's theme.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)


@dataclass(frozen=True)
class PlotColors:
    """Colours of the plots for one look (``#rrggbb``)."""

    background: str
    axis: str
    text: str
    cursor: str  # the play cursor over curves (over images it stays white)
    curves: tuple[str, ...]  # waveform channels, then feature curves, in order


PLOT_COLORS: dict[str, PlotColors] = {
    "dark": PlotColors(
        background="#121212", axis="#8c8c8c", text="#d4d4d4", cursor="#ffffff",
        curves=("#4fc3f7", "#ffb74d", "#81c784", "#e57373", "#ba68c8", "#fff176")),
    "light": PlotColors(
        background="#fcfcfc", axis="#505050", text="#202020", cursor="#202020",
        curves=("#0277bd", "#e65100", "#2e7d32", "#c62828", "#6a1b9a", "#9e9d24")),
}


def resolve(choice: str, scheme: Qt.ColorScheme | None = None) -> str:
    """``"light"`` or ``"dark"`` for a user ``choice`` (``scheme``: the desktop's)."""
    if choice in ("light", "dark"):
        return choice
    if scheme is None:
        hints = QGuiApplication.styleHints()
        scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else None
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


_PALETTES: dict[str, dict[str, str]] = {  # role -> colour (all groups); Fusion's light one
    "light": {
        "Window": "#efefef", "WindowText": "#000000", "Base": "#ffffff",
        "AlternateBase": "#f7f7f7", "ToolTipBase": "#ffffdc", "ToolTipText": "#000000",
        "PlaceholderText": "#808080", "Text": "#000000", "Button": "#efefef",
        "ButtonText": "#000000", "BrightText": "#ffffff", "Light": "#ffffff",
        "Midlight": "#cacaca", "Mid": "#b8b8b8", "Dark": "#9f9f9f", "Shadow": "#767676",
        "Highlight": "#308cc6", "HighlightedText": "#ffffff", "Link": "#0000ff",
        "LinkVisited": "#ff00ff",
    },
    "dark": {
        "Window": "#2b2b2b", "WindowText": "#e4e4e4", "Base": "#1f1f1f",
        "AlternateBase": "#262626", "ToolTipBase": "#363636", "ToolTipText": "#e4e4e4",
        "PlaceholderText": "#8a8a8a", "Text": "#e4e4e4", "Button": "#353535",
        "ButtonText": "#e4e4e4", "BrightText": "#ff6e6e", "Light": "#4a4a4a",
        "Midlight": "#3e3e3e", "Mid": "#2a2a2a", "Dark": "#191919", "Shadow": "#0a0a0a",
        "Highlight": "#3a76c4", "HighlightedText": "#ffffff", "Link": "#6cb4ff",
        "LinkVisited": "#b49cff",
    },
}
_DISABLED: dict[str, dict[str, str]] = {  # greyed-out text of disabled widgets
    "light": {"WindowText": "#bebebe", "Text": "#bebebe", "ButtonText": "#bebebe",
              "Base": "#efefef", "Highlight": "#919191"},
    "dark": {"WindowText": "#7a7a7a", "Text": "#7a7a7a", "ButtonText": "#7a7a7a",
             "Base": "#262626", "Highlight": "#505050"},
}


def palette(look: str) -> QPalette:
    """The widgets' palette for ``look``: every role of every group set explicitly, so
    the desktop's own palette (a dark system theme) cannot leak into the light look or
    the other way round."""
    pal = QPalette()
    groups = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive,
              QPalette.ColorGroup.Disabled)
    for role, color in _PALETTES[look].items():
        for group in groups:
            pal.setColor(group, getattr(QPalette.ColorRole, role), QColor(color))
    if hasattr(QPalette.ColorRole, "Accent"):  # Qt >= 6.6: checkboxes, sliders
        for group in groups:
            pal.setColor(group, QPalette.ColorRole.Accent, QColor(_PALETTES[look]["Highlight"]))
    for role, color in _DISABLED[look].items():
        pal.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role),
                     QColor(color))
    return pal


OUTLINE_TEXT_SHARE = 0.55
"""Check box outlines are drawn in Text mixed with Base at this share of Text."""


class Style(QProxyStyle):
    """Fusion with a clearly visible check box outline.

    Fusion outlines check boxes in ``Window.darker(140)``: on the dark palette that is
    within 10 levels of the background and the fill, so an unchecked box all but vanishes
    (on the light one it is a pale grey). The outline is redrawn over Fusion's in Text
    mixed with Base (:data:`OUTLINE_TEXT_SHARE`), from the option's palette and colour
    group: readable on both looks, dimmer when disabled. Keyboard focus keeps Fusion's
    highlighted outline. Check boxes in item views and menus are drawn the same way.
    """

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element != QStyle.PrimitiveElement.PE_IndicatorCheckBox:
            return
        state = option.state
        if state & QStyle.StateFlag.State_HasFocus and (
                state & QStyle.StateFlag.State_KeyboardFocusChange):
            return
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(outline_color(option.palette), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            rect = QRectF(option.rect)
            painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        finally:
            painter.restore()


def outline_color(pal: QPalette) -> QColor:
    """Text mixed with Base (current colour group of ``pal``)."""
    text, base = pal.color(QPalette.ColorRole.Text), pal.color(QPalette.ColorRole.Base)
    share = OUTLINE_TEXT_SHARE
    return QColor.fromRgbF(*(share * a + (1 - share) * b for a, b in zip(
        text.getRgbF()[:3], base.getRgbF()[:3], strict=True)))


def apply_to_application(choice: str, scheme: Qt.ColorScheme | None = None) -> str:
    """Fusion (:class:`Style`) and the palette of ``choice`` for the whole application; returns the
    look ("light"/"dark"). Tells Qt (>= 6.8) which scheme the app uses, so title bars and
    native dialogs can match; "system" withdraws that request first, then reads the
    desktop's scheme (or takes ``scheme``, from ``colorSchemeChanged``)."""
    hints = QGuiApplication.styleHints()
    if choice == "system" and hasattr(hints, "unsetColorScheme"):
        hints.unsetColorScheme()
    look = resolve(choice, scheme)
    if choice != "system" and hasattr(hints, "setColorScheme"):
        wanted = Qt.ColorScheme.Dark if look == "dark" else Qt.ColorScheme.Light
        if hints.colorScheme() != wanted:
            hints.setColorScheme(wanted)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        if not isinstance(app.style(), Style):
            app.setStyle(Style())
        app.setPalette(palette(look))
    return look


def style_plot(widget: pg.GraphicsView, plot: pg.PlotItem, colors: PlotColors) -> None:
    """Background of ``widget``; axis lines, tick labels and titles of ``plot``."""
    widget.setBackground(colors.background)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(colors.axis)
        axis.setTextPen(colors.text)


def style_colorbar(colorbar: pg.ColorBarItem, colors: PlotColors) -> None:
    colorbar.axis.setPen(colors.axis)
    colorbar.axis.setTextPen(colors.text)


def style_spectrum_panel(panel, look: str) -> None:
    """The Spectrum dock's plot in the colours of ``look`` (background, axes, curve and
    peak marks as the lower view's first two curves)."""
    colors = PLOT_COLORS[look]
    style_plot(panel.plot_widget, panel.plot, colors)
    panel.set_colors(colors.curves[0], colors.curves[1])


def style_time_views(views: list, look: str) -> None:
    """Give the window's time views the plot colours of ``look``: each view's background
    and axes, then every layer of its stack restyles itself (curves take
    ``PlotColors.curves`` in order, images style their colorbars, cursors pick a colour
    that shows over what lies under them; spectrogram overlays keep their colours), and
    legend strips take the text colour.
    """
    colors = PLOT_COLORS[look]
    for view in views:
        style_plot(view, view.plot, colors)
        for layer in view.layers:
            layer.restyle(colors)
        if view.legend is not None:
            view.legend.set_text_color(colors.text)
        view.update_legend()
