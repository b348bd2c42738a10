"""Analysis > Detect Onsets and Beats: onsets, beats and tempo of the open file.

Runs ``dsp.events.detect_events`` on a worker (progress and Cancel in the status bar),
then puts the point tiers ``onsets`` and ``beats`` into the document's annotations as one
undoable edit (``AnnotationEditor.push``), so they are drawn, edited, exported and
measured like any annotation. The tempo is shown in the status bar and the Selection dock
(``Tempo 117.5 BPM``) and the lower view switches to the onset strength curve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow

if TYPE_CHECKING:  # scipy.signal (~0.6 s to import): not on the window's start-up path
    from sonolens.dsp.events import Events

KEY = "onsets_beats"
EDIT_TEXT = "Detect onsets and beats"


def tempo_text(tempo: float) -> str:
    return f"Tempo {tempo:.1f} BPM"


class OnsetDetection(QObject):
    """The action, its job and what it shows (``tempo_label``; ``events``: the last)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window: Any = window  # the MainWindow (typed loosely: it imports this module)
        self.events: Events | None = None
        self.action = QAction("Detect &Onsets and Beats", window)
        self.action.setObjectName("detect_onsets_beats")
        self.action.setStatusTip("Find onsets, beats and the tempo (as librosa's onset_detect "
                                 "and beat_track); adds the tiers 'onsets' and 'beats'")
        self.action.triggered.connect(self.detect)
        menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Analysis")
        menu.insertAction(menu.actions()[0] if menu.actions() else None, self.action)
        self.tempo_label = QLabel("")
        self.tempo_label.setObjectName("tempo")
        window.statusBar().addPermanentWidget(self.tempo_label)
        self.dock_tempo_label = QLabel("")  # the Selection dock, under the range
        self.dock_tempo_label.setObjectName("selection_tempo")
        self.dock_tempo_label.setToolTip("Tempo of the whole file (Analysis > Detect Onsets "
                                         "and Beats; librosa.beat.beat_track)")
        self.dock_tempo_label.hide()
        window.selection_panel.layout().insertWidget(1, self.dock_tempo_label)
        self._token: object | None = None
        window.runner.finished.connect(self._on_finished)
        window.runner.failed.connect(self._on_failed)
        window.document.audio_changed.connect(self._forget)

    def detect(self) -> None:
        doc = self.window.document
        if doc.source is None:
            self.window.show_error("Detect onsets and beats", "Open an audio file first.")
            return
        source, channel = doc.source, doc.params.channel
        self._token = token = object()

        def job() -> Any:
            from sonolens.dsp.events import detect_events, event_tiers

            events = yield from detect_events(source, channel)
            return events, event_tiers(events)

        self.window.runner.submit(KEY, job, token=token)

    def _on_finished(self, key: str, result: object, token: object) -> None:
        if key != KEY or token is not self._token:
            return
        from sonolens.dsp.events import with_event_tiers

        events, tiers = result  # type: ignore[misc]
        doc = self.window.document
        before = doc.annotations
        self.window.annotation_editor.push(before, with_event_tiers(before, tiers), EDIT_TEXT)
        self.events = events
        self.tempo_label.setText(tempo_text(events.tempo))
        self.dock_tempo_label.setText(tempo_text(events.tempo))
        self.dock_tempo_label.show()
        self.window.statusBar().showMessage(
            f"{len(events.onsets)} onsets, {len(events.beats)} beats, "
            f"{tempo_text(events.tempo)}", 8000)
        if doc.view.lower_view != "onsets":
            doc.set_view(doc.view.replace(lower_view="onsets"))
            self.window.settings_panel.set_values(doc.params, doc.view)

    def _on_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY and token is self._token:
            self.window.show_error("Detect onsets and beats failed", message)

    def _forget(self) -> None:
        self._token, self.events = None, None
        self.tempo_label.setText("")
        self.dock_tempo_label.setText("")
        self.dock_tempo_label.hide()
