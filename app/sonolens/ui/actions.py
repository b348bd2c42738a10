"""Every QAction of the window, with its shortcut, in one place (DESIGN §9)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass
class Actions:
    open: QAction
    open_demo: QAction
    export_features: QAction
    export_selected_features: QAction
    export_image: QAction
    export_matrix: QAction
    batch_export: QAction
    quit: QAction
    cancel: QAction
    zoom_fit: QAction
    zoom_in: QAction
    zoom_out: QAction
    show_settings: QAction
    clear_selection: QAction
    select_all: QAction
    copy_python: QAction
    play_pause: QAction
    stop: QAction
    loop: QAction
    follow_page: QAction
    follow_scroll: QAction
    follow_off: QAction
    export_selection_float: QAction
    export_selection_pcm16: QAction


def make_actions(parent: QWidget) -> Actions:
    def action(text: str, shortcut: QKeySequence | str | None = None, tip: str = "") -> QAction:
        act = QAction(text, parent)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
        parent.addAction(act)
        return act

    def checkable(act: QAction) -> QAction:
        act.setCheckable(True)
        return act

    return Actions(
        open=action("&Open…", QKeySequence.StandardKey.Open, "Open an audio file"),
        open_demo=action("Open &Demo Sound", None, "Open the bundled demo recording"),
        export_features=action("Export &Features (CSV)…", "Ctrl+E",
                               "Per-frame features as CSV, as `sonolens extract` writes"),
        export_selected_features=action("Export Features of the &Selection (CSV)…", None,
                                        "Only the frames whose centre lies in the selection"),
        export_image=action("Export Spectrogram &Image (PNG)…", "Ctrl+Shift+E",
                            "The spectrogram with axes and colorbar as PNG"),
        export_matrix=action("Export Spectrogram &Matrix (NPZ)…", None,
                             "times, freqs and values at full resolution, with parameters"),
        batch_export=action("&Batch Export…", None,
                            "A folder of recordings to one table, as `sonolens dataset`"),
        quit=action("&Quit", QKeySequence.StandardKey.Quit),
        cancel=action("&Cancel Analysis", "Ctrl+.", "Stop the running analysis"),
        zoom_fit=action("Zoom to &Fit", "Ctrl+0"),
        zoom_in=action("Zoom &In", QKeySequence.StandardKey.ZoomIn),
        zoom_out=action("Zoom &Out", QKeySequence.StandardKey.ZoomOut),
        show_settings=action("&Settings Panel", "Ctrl+,"),
        clear_selection=action("Clear Selection", "Esc", "Forget the selected time range"),
        select_all=action("Select &All", QKeySequence.StandardKey.SelectAll),
        copy_python=action("Copy as &Python", None,
                           "A runnable soundfile/librosa script that reproduces the spectrogram "
                           "and features shown (and the selection)"),
        play_pause=action("&Play / Pause", "Space",
                          "Play the selection (or from the cursor); pause; resume"),
        stop=action("&Stop", "Shift+Space", "Stop and return to the start"),
        loop=checkable(action("&Loop Selection", "L", "Repeat the selection seamlessly")),
        follow_page=checkable(action("Follow: &Page")),
        follow_scroll=checkable(action("Follow: &Scroll")),
        follow_off=checkable(action("Follow: &Off")),
        export_selection_float=action("Selection Audio as &WAV (32-bit float)…"),
        export_selection_pcm16=action("Selection Audio as WAV (&16-bit)…"),
    )
