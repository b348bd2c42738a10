"""Every QAction of the window, with its shortcut, in one place (DESIGN §9).

Shortcuts follow desktop conventions (Ctrl+O, Ctrl+Q, Ctrl+= / Ctrl+- ...); the
Help > Keyboard Shortcuts dialog lists them from here (:func:`shortcut_actions`), so a
shortcut added here is documented there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Shortcut = QKeySequence | QKeySequence.StandardKey | str


@dataclass
class Actions:
    open: QAction
    open_demo: QAction
    export_features: QAction
    export_selected_features: QAction
    export_image: QAction
    export_matrix: QAction
    import_annotations: QAction
    export_annotations: QAction
    export_annotation_features: QAction
    batch_export: QAction
    quit: QAction
    cancel: QAction
    zoom_fit: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_selection: QAction
    go_start: QAction
    go_end: QAction
    pan_left: QAction
    pan_right: QAction
    show_settings: QAction
    fit_frequencies: QAction
    fit_on_open: QAction
    ruler: QAction
    harmonic_cursor: QAction
    crosshair: QAction
    copy_measurement: QAction
    clear_selection: QAction
    add_annotation: QAction
    next_annotation: QAction
    previous_annotation: QAction
    relabel_annotation: QAction
    delete_annotation: QAction
    snap_none: QAction
    snap_zero_crossings: QAction
    snap_frames: QAction
    undo: QAction
    redo: QAction
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
    theme_system: QAction
    theme_light: QAction
    theme_dark: QAction
    show_shortcuts: QAction
    about: QAction
    open_session: QAction
    save_session: QAction
    save_session_as: QAction


def shortcut_actions(actions: Actions) -> list[QAction]:
    """Every action that has at least one shortcut, in declaration order."""
    found = (getattr(actions, f.name) for f in fields(Actions))
    return [act for act in found if any(not s.isEmpty() for s in act.shortcuts())]


def make_actions(parent: QWidget) -> Actions:
    def action(text: str, shortcut: Shortcut | Sequence[Shortcut] | None = None,
               tip: str = "") -> QAction:
        act = QAction(text, parent)
        if isinstance(shortcut, list | tuple):
            act.setShortcuts([QKeySequence(s) for s in shortcut])
        elif shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
        parent.addAction(act)
        return act

    def checkable(act: QAction) -> QAction:
        act.setCheckable(True)
        return act

    return Actions(
        open=action("&Open…", "Ctrl+O", "Open an audio file"),
        open_demo=action("Open &Demo Sound", None, "Open the bundled demo recording"),
        export_features=action("Export &Features (CSV)…", "Ctrl+E",
                               "Per-frame features as CSV, as `sonolens extract` writes"),
        export_selected_features=action("Export Features of the &Selection (CSV)…", None,
                                        "Only the frames whose centre lies in the selection"),
        export_image=action("Export Spectrogram &Image (PNG)…", "Ctrl+Shift+E",
                            "The spectrogram with axes and colorbar as PNG"),
        export_matrix=action("Export Spectrogram &Matrix (NPZ)…", None,
                             "times, freqs and values at full resolution, with parameters"),
        import_annotations=action("&Import Annotations…", None,
                                  "Label files of Audacity, Raven, Praat, Sonic Visualiser "
                                  "or Sonolens, drawn over the waveform and spectrogram"),
        export_annotations=action("&Annotations…", None,
                                  "The annotations as Audacity labels, a Raven selection "
                                  "table, a Praat TextGrid, a Sonic Visualiser or Sonolens CSV"),
        export_annotation_features=action(
            "Annotation F&eatures (CSV)…", None,
            "One row per annotation: feature means and std (as `sonolens extract "
            "--annotations`) and the levels of the Selection dock"),
        batch_export=action("&Batch Export…", None,
                            "A folder of recordings to one table, as `sonolens dataset`"),
        quit=action("&Quit", "Ctrl+Q"),
        cancel=action("&Cancel Analysis", "Ctrl+.", "Stop the running analysis"),
        zoom_fit=action("Zoom to &Fit", "Ctrl+0", "Show the whole file (and every frequency)"),
        zoom_in=action("Zoom &In", ["Ctrl+=", "Ctrl++"], "Halve the time span shown"),
        zoom_out=action("Zoom &Out", "Ctrl+-", "Double the time span shown"),
        zoom_selection=action("Zoom to &Selection", "F", "Fit the time axis to the selection"),
        go_start=action("Go to S&tart", "Home", "Show the file's start; play from there"),
        go_end=action("Go to &End", "End", "Show the file's end and put the cursor there"),
        pan_left=action("Scroll &Left", "Left", "Move the view a tenth of its width back"),
        pan_right=action("Scroll &Right", "Right",
                         "Move the view a tenth of its width forward"),
        show_settings=action("Show &Settings Panel", "Ctrl+,", "Show and raise the Settings"),
        fit_frequencies=action("Fit Fre&quencies to Content", "Ctrl+Shift+F",
                               "Show the spectrogram from 0 Hz to just above its content"),
        fit_on_open=checkable(action("Fit Frequencies o&n Open", None,
                                     "Fit the frequency axis to each file's content on open")),
        ruler=checkable(action("&Ruler", "R", "Drag to measure Δt, Δf, the interval and Δ "
                               "level (Shift+drag still pans)")),
        harmonic_cursor=checkable(action("&Harmonic Cursor", "H",
                                         "Mark the harmonics of the frequency under the "
                                         "mouse; Ctrl+Shift+wheel tunes it")),
        crosshair=checkable(action("&Crosshair", "X", "Lines at the mouse across the views")),
        copy_measurement=action("Co&py Measurement", "Ctrl+C",
                                "The ruler's readout (or the harmonic cursor's) as text"),
        clear_selection=action("Clear Selection", "Esc", "Forget the selected time range"),
        select_all=action("Select &All", "Ctrl+A"),
        add_annotation=action("Add &Annotation", "A",
                              "Mark the selection (or the cursor, as a point) and type its "
                              "label"),
        next_annotation=action("&Next Annotation", "Alt+Right",
                               "Select the next annotation after the cursor (shown tiers)"),
        previous_annotation=action("Pre&vious Annotation", "Alt+Left",
                                   "Select the annotation before the cursor (shown tiers)"),
        relabel_annotation=action("&Relabel Annotation", "F2",
                                  "Type a new label for the selected annotation (also Enter "
                                  "or a double-click)"),
        delete_annotation=action("&Delete Annotation", ["Delete", "Backspace"],
                                 "Delete the selected annotation"),
        snap_none=checkable(action("&None", None, "Edges go where the mouse is")),
        snap_zero_crossings=checkable(action(
            "&Zero Crossings", None, "Edges snap to the nearest sign change of the samples")),
        snap_frames=checkable(action(
            "&Frames", None, "Edges snap to the nearest analysis frame centre (hop length)")),
        undo=action("&Undo", "Ctrl+Z"),
        redo=action("&Redo", "Ctrl+Shift+Z"),
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
        theme_system=checkable(action("Follow &System", None,
                                      "Light or dark as the desktop is")),
        theme_light=checkable(action("&Light")),
        theme_dark=checkable(action("&Dark")),
        show_shortcuts=action("&Keyboard Shortcuts…", "F1",
                              "Every keyboard shortcut and mouse gesture"),
        about=action("&About Sonolens"),
        open_session=action("Open Sess&ion…", None,
                            "A .sonolens session: the recording as it was left"),
        save_session=action("&Save Session", "Ctrl+S",
                            "The recording's path, settings, view and annotations (.sonolens)"),
        save_session_as=action("Save Session &As…", "Ctrl+Shift+S",
                               "Save the session under another name"),
    )
