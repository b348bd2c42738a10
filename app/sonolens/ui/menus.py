"""The window's menu bar (File, Edit, View, Audio, Analysis, Help) and File > Open Recent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from sonolens.model.settings import Settings
from sonolens.ui.actions import Actions


@dataclass(frozen=True)
class Menus:
    """The menus the window fills later."""

    recent: QMenu
    device: QMenu


def build_menus(window: QMainWindow, a: Actions, docks: Sequence[QDockWidget]) -> Menus:
    """Every menu of ``window``; ``docks`` are listed under View > Panels."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(a.open)
    recent = file_menu.addMenu("Open &Recent")
    file_menu.addAction(a.open_demo)
    for act in (a.open_session, a.save_session, a.save_session_as):
        file_menu.addAction(act)
    file_menu.addAction(a.import_annotations)
    file_menu.addSeparator()
    export_menu = file_menu.addMenu("&Export")
    for act in (a.export_features, a.export_selected_features, a.export_image,
                a.export_matrix, a.export_annotations, a.export_annotation_features):
        export_menu.addAction(act)
    file_menu.addAction(a.batch_export)
    file_menu.addSeparator()
    file_menu.addAction(a.quit)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addAction(a.undo)
    edit_menu.addAction(a.redo)
    edit_menu.addSeparator()
    for act in (a.add_annotation, a.relabel_annotation, a.delete_annotation,
                a.next_annotation, a.previous_annotation):
        edit_menu.addAction(act)
    snap_menu = edit_menu.addMenu("S&nap Edges To")
    snaps = QActionGroup(window)
    for act in (a.snap_none, a.snap_zero_crossings, a.snap_frames):
        snaps.addAction(act)
        snap_menu.addAction(act)
    edit_menu.addSeparator()
    edit_menu.addAction(a.select_all)
    edit_menu.addAction(a.clear_selection)
    edit_menu.addSeparator()
    edit_menu.addAction(a.copy_python)
    view_menu = bar.addMenu("&View")
    for act in (a.zoom_fit, a.zoom_in, a.zoom_out, a.zoom_selection, None,
                a.fit_frequencies, a.fit_on_open, None,
                a.go_start, a.go_end, a.pan_left, a.pan_right, None, a.show_settings):
        if act is None:
            view_menu.addSeparator()
        else:
            view_menu.addAction(act)
    measure = view_menu.addMenu("&Measure")
    for act in (a.ruler, a.harmonic_cursor, a.crosshair, a.copy_measurement):
        measure.addAction(act)
    panels = view_menu.addMenu("&Panels")
    for dock in docks:
        panels.addAction(dock.toggleViewAction())
    theme_menu = view_menu.addMenu("&Theme")
    themes = QActionGroup(window)
    for act in (a.theme_system, a.theme_light, a.theme_dark):
        themes.addAction(act)
        theme_menu.addAction(act)
    audio_menu = bar.addMenu("&Audio")
    for act in (a.play_pause, a.stop, a.loop):
        audio_menu.addAction(act)
    audio_menu.addSeparator()
    for act in (a.follow_page, a.follow_scroll, a.follow_off):
        audio_menu.addAction(act)
    audio_menu.addSeparator()
    device = audio_menu.addMenu("Output &Device")
    export_menu.addSeparator()
    export_menu.addAction(a.export_selection_float)
    export_menu.addAction(a.export_selection_pcm16)
    analysis_menu = bar.addMenu("&Analysis")
    analysis_menu.addAction(a.cancel)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a.show_shortcuts)
    help_menu.addAction(a.about)
    return Menus(recent, device)


class RecentFiles(QObject):
    """File > Open Recent from ``settings``; choosing one calls ``open_path(path)``."""

    def __init__(self, menu: QMenu, settings: Settings, open_path: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.menu = menu
        self.settings = settings
        self._open = open_path
        self.fill()

    def add(self, path: str | Path) -> None:
        """Put ``path`` first in the list (settings and menu)."""
        self.settings.add_recent(path)
        self.fill()

    def fill(self) -> None:
        self.menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            action = self.menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self._open(p))
        if recent:
            self.menu.addSeparator()
            self.menu.addAction("Clear Recent", self._clear)
        self.menu.setEnabled(bool(recent))

    def _clear(self) -> None:
        self.settings.clear_recent()
        self.fill()
