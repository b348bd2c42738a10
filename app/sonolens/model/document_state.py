"""What one open recording is, apart from the window: kept while another one is shown.

The window shows one :class:`~sonolens.model.document.Document` at a time; switching to
another open file :func:`detach`-es the shown one into a :class:`DocumentState` (its source
stays open, its results, settings, selection, cursor and annotations stay in memory) and
:func:`restore`-s the other's, so nothing is computed again. ``results`` may be dropped to
stay within a memory budget (:meth:`DocumentState.forget_results`): the file is then
opened again and analysed (or served from the analysis cache) when shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sonolens.core.annotations import AnnotationSet
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import ViewSettings


@dataclass
class DocumentState:
    """One open recording that is not shown (``source`` None once its results are
    forgotten: it is opened again from ``path``)."""

    path: Path
    source: Any
    params: AnalysisParams
    view: ViewSettings
    results: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    selection: tuple[float, float] | None = None
    cursor: float = 0.0
    annotations: AnnotationSet = field(default_factory=AnnotationSet)
    annotations_dirty: bool = False
    frames_known: int = 0
    x_range: tuple[float, float] | None = None  # the time range the views showed (s)
    channel_mix: Any = None  # mute/solo of its channels (playback)
    session_path: Path | None = None  # the session file it was opened from or saved to

    def nbytes(self) -> int:
        """A rough count of the bytes its results hold (numpy arrays reachable one or two
        attributes deep: spectrogram columns and tiles, envelope levels, table columns)."""
        return sum(_nbytes(value) for value in self.results.values())

    def forget_results(self) -> None:
        """Drop the results and close the source (the file opens again when shown)."""
        self.results = {}
        if self.source is not None:
            self.source.close()
            self.source = None


def _nbytes(value: Any, depth: int = 0) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if depth >= 2 or value is None or isinstance(value, (str, bytes, int, float)):
        return 0
    if isinstance(value, dict):
        return sum(_nbytes(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_nbytes(v, depth + 1) for v in value)
    attributes = getattr(value, "__dict__", None)
    if attributes is None:
        return 0
    return sum(_nbytes(v, depth + 1) for v in attributes.values())


def detach(document, x_range: tuple[float, float] | None = None) -> DocumentState | None:
    """Take the shown recording out of ``document`` (None if nothing is open): the
    document is left empty, without signals (the caller shows another one next), and the
    source is not closed."""
    source = document.source
    if source is None:
        return None
    state = DocumentState(
        path=Path(source.path), source=source, params=document.params, view=document.view,
        results=document.results, warnings=list(document.warnings),
        selection=document.selection, cursor=document.cursor,
        annotations=document.annotations, annotations_dirty=document.annotations_dirty,
        frames_known=document._frames_known, x_range=x_range,
        channel_mix=getattr(document, "channel_mix", None))
    document.source = None
    document.generation += 1  # running jobs' results for it are stale now
    document.results = {}
    document.selection = None
    document.cursor = 0.0
    document._loading_annotations = True
    try:
        document.annotations = AnnotationSet()
        document.annotations_dirty = False
    finally:
        document._loading_annotations = False
    return state


def restore(document, state: DocumentState) -> None:
    """Show ``state`` in ``document`` (which :func:`detach` left empty) with its results:
    ``audio_changed`` (with ``document.restoring`` True: the coordinator keeps the
    results), then ``result_changed`` per result, the view, selection and cursor."""
    previous_view = document.view
    document.source = state.source
    document.generation += 1
    document.results = dict(state.results)
    document.warnings = list(state.warnings)
    document.params = state.params
    document.view = state.view
    document.selection = state.selection
    document.cursor = state.cursor
    document._frames_known = state.frames_known
    document.annotations = state.annotations
    if state.channel_mix is not None:
        document.channel_mix = state.channel_mix
    document.restoring = True
    try:
        document.audio_changed.emit()
    finally:
        document.restoring = False
    document._loading_annotations = True
    try:
        document.annotations_dirty = state.annotations_dirty
        document.annotations_changed.emit()
    finally:
        document._loading_annotations = False
    document.annotations_dirty = state.annotations_dirty  # the slot above may not run
    if state.view != previous_view:
        document.view_changed.emit(previous_view)
    for key in list(document.results):
        document.result_changed.emit(key)
    document.warnings_changed.emit()
    document.selection_changed.emit()
    document.cursor_changed.emit()
    if state.channel_mix is not None:
        document.channel_mix_changed.emit()
