"""View > Theme (light, dark, follow the system) and the window layout, each remembered
across a restart on the same settings file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QPointF, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from sonolens.model.settings import Settings
from sonolens.ui.theme import PLOT_COLORS
from tests.qt.conftest import wait_settled, write_rich


def window_lightness() -> int:
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness()


def plot_colours(window) -> list[tuple[int, int, int]]:
    """(background, axis line, axis text) lightness of every time view."""
    views = (window.waveform, window.spectrogram_view, window.feature_plot, window.matrix_view)
    return [(v.backgroundBrush().color().lightness(),
             v.plot.getAxis("left").pen().color().lightness(),
             v.plot.getAxis("left").textPen().color().lightness()) for v in views]


def spectrogram_pixel(window) -> tuple[int, int, int]:
    """Colour of the drawn spectrogram image in the middle of its plot."""
    view = window.spectrogram_view
    centre = view.viewbox.mapViewToScene(QPointF(1.0, 2000.0))
    image = view.grab().toImage()
    dpr = image.devicePixelRatio()
    color = image.pixelColor(int(view.mapFromScene(centre).x() * dpr),
                             int(view.mapFromScene(centre).y() * dpr))
    return color.red(), color.green(), color.blue()


def spectrum_dock_background(window) -> int:
    """Lightness of the Spectrum dock's plot area, read from a corner of its pixels."""
    panel = window.spectrum_panel
    panel.plot_widget.resize(300, 200)
    box = panel.plot.getViewBox()
    corner = panel.plot_widget.mapFromScene(box.mapToScene(box.rect().topRight()))
    image = panel.plot_widget.grab().toImage()
    return image.pixelColor(corner.x() - 3, corner.y() + 3).lightness()


def legend_sample_colour(view, index: int) -> str:
    """The most common colour drawn in the middle of a legend entry's line sample (the
    strip above the plot), read from the view's pixels."""
    strip = view.legend
    rect = strip.mapRectToScene(strip.entry_rects()[index])
    box = view.mapFromScene(rect).boundingRect()
    image = view.grab(box).toImage()
    counts: dict[str, int] = {}
    y = image.height() // 2
    for x in range(2, 14):  # the 18 px sample's line, not its ends or the text
        for dy in (-1, 0, 1):
            colour = image.pixelColor(x, y + dy).name()
            counts[colour] = counts.get(colour, 0) + 1
    return max(counts, key=counts.get)


def test_theme_switch_restyles_widgets_and_plots(qtbot, make_main_window, tmp_path: Path):
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=2.0))
    wait_settled(qtbot, window)
    window.actions.theme_dark.trigger()
    assert window.actions.theme_dark.isChecked() and window.theme == "dark"
    assert QApplication.style().baseStyle().name().lower() == "fusion"  # theme.Style
    assert window_lightness() < 80
    assert QApplication.palette().color(QPalette.ColorRole.Text).lightness() > 180
    for background, axis, text in plot_colours(window):
        assert background < 40 and axis > background + 80 and text > 180
    assert legend_sample_colour(window.feature_plot, 0) == PLOT_COLORS["dark"].curves[0]
    dark_curve = window.waveform.curves[0].opts["pen"].color().name()
    assert dark_curve == PLOT_COLORS["dark"].curves[0]
    dark_pixel = spectrogram_pixel(window)
    assert spectrum_dock_background(window) < 40

    window.actions.theme_light.trigger()
    assert window.actions.theme_light.isChecked() and not window.actions.theme_dark.isChecked()
    assert window_lightness() > 200
    assert QApplication.palette().color(QPalette.ColorRole.Text).lightness() < 80
    for background, axis, text in plot_colours(window):
        assert background > 230 and axis < background - 120 and text < 80
    assert window.waveform.curves[0].opts["pen"].color().name() == PLOT_COLORS["light"].curves[0]
    pens = [c.line.opts["pen"].color().name() for c in window.feature_plot.curves.values()]
    assert pens == list(PLOT_COLORS["light"].curves[:3])
    assert legend_sample_colour(window.feature_plot, 0) == PLOT_COLORS["light"].curves[0]
    # the play cursor stays visible: dark over curves, white over the spectrogram image
    by_view = dict(zip(window.markers.views, window.markers.cursors, strict=True))
    assert by_view[window.waveform].pen.color().lightness() < 80
    assert by_view[window.spectrogram_view].pen.color().name() == "#ffffff"
    # the spectrogram itself keeps its colormap
    assert spectrogram_pixel(window) == dark_pixel
    assert spectrum_dock_background(window) > 230  # the Spectrum dock follows the theme


def test_theme_choice_survives_a_restart(qtbot, make_main_window, settings_path: Path):
    window = make_main_window()
    assert window.actions.theme_system.isChecked()  # the default
    window.actions.theme_dark.trigger()
    window.close()
    again = make_main_window()
    assert again.actions.theme_dark.isChecked() and again.theme == "dark"
    assert window_lightness() < 80
    assert again.waveform.backgroundBrush().color().lightness() < 40
    again.actions.theme_light.trigger()
    again.close()
    assert "theme=light" in settings_path.read_text()  # the value, not an index
    third = make_main_window()
    assert third.actions.theme_light.isChecked() and window_lightness() > 200


@pytest.mark.parametrize("stored", ["purple", "2", "@ByteArray(dark)", "", "DARK"])
def test_unknown_stored_theme_falls_back_to_following_the_system(qtbot, make_main_window,
                                                                  settings_path, stored):
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    settings_path.write_text(f"[view]\ntheme={stored}\n")
    assert Settings(settings_path).theme() == "system"
    window = make_main_window()
    assert window.actions.theme_system.isChecked()


def test_follow_system_reacts_to_the_desktop_colour_scheme(qtbot, make_main_window):
    window = make_main_window()
    window.actions.theme_system.trigger()
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the desktop turned dark
    assert window.theme == "dark" and window_lightness() < 80
    assert window.spectrogram_view.backgroundBrush().color().lightness() < 40
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window.theme == "light" and window_lightness() > 200
    window.actions.theme_light.trigger()  # a fixed choice ignores the desktop
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window.theme == "light" and window_lightness() > 200


def test_docks_toolbar_and_view_sizes_survive_a_restart(qtbot, make_main_window,
                                                        settings_path: Path):
    window = make_main_window()
    qtbot.waitExposed(window)
    left = Qt.DockWidgetArea.LeftDockWidgetArea
    window.addDockWidget(left, window.spectrum_dock)  # moved out of the tabs, to the left
    window.selection_dock.close()
    window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, window.transport)
    window.splitter.setSizes([260, 140, 200])
    sizes = window.splitter.sizes()
    assert sizes != window.splitter.widget(0).sizeHint()  # not simply the default
    window.close()

    again = make_main_window()
    qtbot.waitExposed(again)
    assert again.dockWidgetArea(again.spectrum_dock) == left
    assert again.selection_dock.isHidden() and not again.spectrum_dock.isHidden()
    assert again.dockWidgetArea(again.settings_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert again.toolBarArea(again.transport) == Qt.ToolBarArea.BottomToolBarArea
    assert again.splitter.sizes() == sizes
    # View > Panels brings the closed dock back
    view_menu = next(a.menu() for a in again.menuBar().actions() if a.text() == "&View")
    panels = next(a.menu() for a in view_menu.actions() if a.text() == "&Panels")
    toggles = {a.text(): a for a in panels.actions()}
    assert set(toggles) == {"Settings", "Selection", "Spectrum", "Annotations"}
    toggles["Selection"].trigger()
    assert not again.selection_dock.isHidden()
    again.close()
    raw = QSettings(str(settings_path), QSettings.Format.IniFormat).value("window/splitter")
    assert isinstance(raw, QByteArray) and raw.size() > 0


def test_damaged_layout_values_are_ignored(qtbot, make_main_window, settings_path: Path):
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    settings_path.write_text("[window]\nstate=garbage\nsplitter=12\ngeometry=@ByteArray(xx)\n")
    window = make_main_window()
    assert not window.settings_dock.isHidden()
    assert all(size > 0 for size in window.splitter.sizes())
