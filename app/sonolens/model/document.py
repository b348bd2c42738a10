"""The open recording and everything computed from it (GUI thread only; QtCore).

Setters follow DESIGN §9: return if unchanged -> mutate -> invalidate -> emit one signal.
Results are held by key (``model.results``: features, spectrogram, envelope, ...) and
arrive from workers with the token they were started with through one ``accept(key,
value, token)``; a result whose token no longer matches (another file, other parameters)
is dropped silently. One ``result_changed(key)`` signal says which result landed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from sonolens.audio.playback.mix import ChannelMix
from sonolens.audio.protocol import AudioFile
from sonolens.core.annotations import AnnotationSet
from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams, fit_to_file
from sonolens.core.view_settings import ViewSettings
from sonolens.model.results import (
    ACCEPTANCE,
    DEFAULT_ACCEPTANCE,
    ENVELOPE,
    FEATURES,
    SPECTROGRAM,
    Match,
)


@dataclass(frozen=True)
class Token:
    """What a job was computed for: the document generation, params and (optional) kind."""

    generation: int
    params: AnalysisParams
    kind: str = ""


class Document(QObject):
    """State of the window: the source, parameters, display settings and results."""

    audio_changed = Signal()  # a new source (or none): every result was cleared
    params_changed = Signal()  # analysis parameters edited: results are stale
    view_changed = Signal(object)  # previous ViewSettings
    result_changed = Signal(str)  # the key of a result that landed (or grew: partials)
    warnings_changed = Signal()
    duration_changed = Signal(float)  # the previous duration: a full pass found the real end
    channel_mix_changed = Signal()  # mute/solo of the file's channels (playback only)
    selection_changed = Signal()  # the selected time range (or None)
    cursor_changed = Signal()  # where Play starts when nothing is selected (seconds)
    annotations_changed = Signal()  # tiers or annotations replaced or edited
    annotations_dirty_changed = Signal(bool)  # whether annotations are unsaved, on a change
    # an export or a measurement needs every window feature, not only the shown ones
    all_features_requested = Signal()

    def __init__(self, params: AnalysisParams | None = None,
                 view: ViewSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self.restoring = False  # audio_changed of a kept recording shown again, results kept
        self.source: AudioFile | None = None
        self.params = params or AnalysisParams()
        self.view = view or ViewSettings()
        self.results: dict[str, Any] = {}  # model.results key -> result
        self.warnings: list[str] = []
        self.selection: tuple[float, float] | None = None  # seconds, start < end
        self.cursor = 0.0
        self.annotations = AnnotationSet()  # the user's marks on this recording
        self.channel_mix = ChannelMix()  # mute/solo for playback
        self._annotations_dirty = False  # edited since the file was opened or last saved
        self._loading_annotations = False  # set_source / a saved set: not an edit
        self._frames_known = 0  # source.frames when duration was last announced
        # first slot: any annotations_changed (also from in-place edits) makes them unsaved
        self.annotations_changed.connect(self._on_annotations_changed)

    # -- facts ---------------------------------------------------------------------------
    @property
    def annotations_dirty(self) -> bool:
        """Whether the annotations were edited since opened or last saved."""
        return self._annotations_dirty

    @annotations_dirty.setter
    def annotations_dirty(self, dirty: bool) -> None:
        if dirty != self._annotations_dirty:
            self._annotations_dirty = dirty
            self.annotations_dirty_changed.emit(dirty)

    @property
    def duration(self) -> float:
        if self.source is None:
            return 0.0
        return self.source.frames / float(self.source.samplerate)

    def result(self, key: str) -> Any:
        """The result under ``key`` (see model.results), or None before it lands."""
        return self.results.get(key)

    @property
    def features(self) -> Any:
        """The dsp.table.FeatureTable (``complete`` False: a first-pass snapshot) or None."""
        return self.results.get(FEATURES)

    def missing_features(self) -> tuple[str, ...]:
        """The window's features (catalog defaults and the opt-in ones shown, computed in
        blocks) the complete table lacks: the window computes what its views draw first
        and the rest on demand (:meth:`request_all_features`). All of them while no
        complete table is there."""
        view = self.view
        names = CATALOG.per_block(CATALOG.window_features(view.overlays, view.lower_view))
        table = self.features
        if table is None or not table.complete or table.params != self.params:
            return names
        return tuple(name for name in names if any(
            column not in table.columns for column in CATALOG.columns(name, table.params)))

    def request_all_features(self) -> None:
        """Ask for every window feature (exports, selection statistics): the coordinator
        computes the missing ones and the table is replaced when they are done."""
        if self.source is not None:
            self.all_features_requested.emit()

    @property
    def spectrogram(self) -> Any:
        """The (possibly growing) dsp.spectrogram.Spectrogram of the view's kind, or None."""
        return self.results.get(SPECTROGRAM)

    @property
    def envelope(self) -> Any:
        """The (possibly growing) dsp.envelope.WaveformEnvelope, or None."""
        return self.results.get(ENVELOPE)

    def token(self, kind: str = "") -> Token:
        return Token(self.generation, self.params, kind)

    def is_current(self, token: object, match: Match = "kind") -> bool:
        """Whether ``token`` still fits: the same source and (unless ``match`` is
        "generation") parameters and (for "kind", if the token names one) view kind."""
        if not isinstance(token, Token) or token.generation != self.generation:
            return False
        if match == "generation":
            return True
        if token.params != self.params:
            return False
        return match == "params" or token.kind in ("", self.view.kind)

    # -- setters -------------------------------------------------------------------------
    def set_source(self, source: AudioFile | None) -> None:
        """Replace the open recording (the previous one is closed)."""
        if source is self.source:
            return
        previous = self.source
        self.source = source
        self.generation += 1
        self.results = {}
        self.warnings = list(source.warnings) if source is not None else []
        self.selection = None
        self.cursor = 0.0
        self.annotations = AnnotationSet()
        self.channel_mix = ChannelMix(source.channels if source is not None else 0)
        self._frames_known = source.frames if source is not None else 0
        if source is not None:
            self._fit_params_to(source)
        if previous is not None:
            previous.close()
        self.audio_changed.emit()
        self._emit_loaded_annotations()

    def _fit_params_to(self, source: AudioFile) -> None:
        """Drop choices the new file cannot honour (a missing channel, fmin/fmax past
        Nyquist), saying so in the warnings."""
        self.params, note = fit_to_file(self.params, source.samplerate, source.channels)
        if note is not None:
            self.warnings.append(note)

    def set_params_for_file(self, params: AnalysisParams) -> None:
        """:meth:`set_params`, adapted to the open file as when it was opened (a session's
        params on another recording); what changed is said in the warnings."""
        if self.source is not None:
            params, note = fit_to_file(params.validate(), self.source.samplerate,
                                       self.source.channels)
            if note is not None and note not in self.warnings:
                self.warnings.append(note)
                self.warnings_changed.emit()
        self.set_params(params)

    def set_params(self, params: AnalysisParams) -> None:
        """New analysis parameters; the old results stay drawn until new ones land."""
        if params == self.params:
            return
        self.params = params.validate()
        self.params_changed.emit()

    def set_view(self, view: ViewSettings) -> None:
        if view == self.view:
            return
        previous, self.view = self.view, view.validate()
        self.view_changed.emit(previous)

    def set_channel_mix(self, mix: ChannelMix) -> None:
        """Mute/solo of the open file's channels: what playback lets sound."""
        if mix == self.channel_mix:
            return
        self.channel_mix = mix
        self.channel_mix_changed.emit()

    def set_selection(self, selection: tuple[float, float] | None) -> None:
        """Select [t0, t1] seconds (clamped to the file); None or an empty range clears."""
        if selection is not None:
            t0, t1 = sorted(float(t) for t in selection)
            t0, t1 = max(0.0, t0), min(self.duration, t1)
            selection = (t0, t1) if t1 > t0 else None
        if selection == self.selection:
            return
        self.selection = selection
        self.selection_changed.emit()

    def set_annotations(self, annotations: AnnotationSet, *, saved: bool = False) -> None:
        """Replace the annotations (an import, a session, an edit); they are unsaved
        (``annotations_dirty``) unless ``saved`` (read from a session)."""
        if annotations is self.annotations:
            return
        self.annotations = annotations
        if saved:
            self._emit_loaded_annotations()
        else:
            self.annotations_changed.emit()

    def mark_annotations_saved(self) -> None:
        """The annotations as they are now were saved: nothing unsaved remains."""
        self.annotations_dirty = False

    def _emit_loaded_annotations(self) -> None:
        self._loading_annotations = True
        try:
            self.annotations_dirty = False
            self.annotations_changed.emit()
        finally:
            self._loading_annotations = False

    def _on_annotations_changed(self) -> None:
        if not self._loading_annotations:
            self.annotations_dirty = True

    def set_cursor(self, seconds: float) -> None:
        seconds = min(max(0.0, float(seconds)), self.duration)
        if seconds == self.cursor:
            return
        self.cursor = seconds
        self.cursor_changed.emit()

    def selected_frames(self) -> tuple[int, int] | None:
        """The selection as [start, stop) frames of the source (native rate)."""
        if self.selection is None or self.source is None:
            return None
        sr = self.source.samplerate
        return round(self.selection[0] * sr), round(self.selection[1] * sr)

    # -- results from workers ------------------------------------------------------------
    def accept(self, key: str, value: Any, token: object) -> bool:
        """Take ``value`` under ``key`` if ``token`` is still current, by the key's rule in
        model.results.ACCEPTANCE; emit ``result_changed`` for the key it lands under.
        Returns whether it was taken."""
        rule = ACCEPTANCE.get(key, DEFAULT_ACCEPTANCE)
        if not self.is_current(token, rule.match):
            return False
        into = rule.into or key
        current = self.results.get(into)
        if rule.refuse is not None and rule.refuse(current, value):
            return False
        if rule.merge is not None:
            if not rule.merge(current, value):
                return False
        elif rule.new_only and value is current:
            return False
        else:
            self.results[into] = value
        if rule.warnings:
            self._merge_warnings(getattr(value, "warnings", []))
        self.result_changed.emit(into)
        if rule.duration:
            self._check_duration()
        return True

    def _check_duration(self) -> None:
        """Announce a new duration when a pass over the source found where it really ends
        (a file cut short, a header that promised more); clamps selection and cursor."""
        source = self.source
        if source is None or source.frames == self._frames_known:
            return
        previous = self._frames_known / float(source.samplerate)
        self._frames_known = source.frames
        if self.selection is not None:
            self.set_selection(self.selection)
        if self.cursor > self.duration:
            self.set_cursor(self.duration)
        self.duration_changed.emit(previous)

    def _merge_warnings(self, notes: list[str]) -> None:
        fresh = [n for n in notes if n not in self.warnings]
        if fresh:
            self.warnings += fresh
            self.warnings_changed.emit()

    def close(self) -> None:
        if self.source is not None:
            self.source.close()
