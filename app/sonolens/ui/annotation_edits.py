"""Creating and editing annotations in the window, every edit undoable (QUndoStack).

Edit > Add Annotation (A) marks the selection (or, with none, the cursor as
a point) in the current tier and opens an inline label editor over the spectrogram at
the annotation's start; the last labels are offered for completion. Enter keeps the
label (one edit: Undo removes it), Esc drops the new annotation (no edit).
Edit > Undo / Redo name the edit (``Undo Add "trill"``). :meth:`AnnotationEditor.add`
marks boxes and points made with the mouse; :meth:`AnnotationEditor.relabel` edits a label.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.model.document import Document

DEFAULT_TIER = "labels"
RECENT_LABELS = 20


def with_annotation(annotations: AnnotationSet, added: Annotation) -> AnnotationSet:
    """A copy of ``annotations`` with ``added`` (its tier created if new)."""
    return annotations.with_added(added)


class ReplaceAnnotations(QUndoCommand):
    """An edit: the document's annotations go from ``before`` to ``after`` (and back)."""

    def __init__(self, document: Document, before: AnnotationSet, after: AnnotationSet,
                 text: str) -> None:
        super().__init__(text)
        self.document, self.before, self.after = document, before, after

    def redo(self) -> None:
        self.document.set_annotations(self.after)

    def undo(self) -> None:
        self.document.set_annotations(self.before)


class AnnotationEditor(QObject):
    """Owns the undo stack of annotation edits and the inline label editor.

    ``host``: the widget the label editor floats over (the spectrogram view);
    ``x_of(seconds)``: where a time lies in ``host``'s pixels (None: off screen).
    """

    def __init__(self, document: Document, host: QWidget,
                 x_of: Callable[[float], float | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.stack = QUndoStack(self)
        self.recent: list[str] = []
        self._host = host
        self._x_of = x_of
        # before, the new (or relabelled) annotation, its index when relabelling
        self._pending: tuple[AnnotationSet, Annotation, int | None] | None = None
        self._undo_redo: tuple[QAction, QAction] | None = None
        self.label_edit = QLineEdit(host)
        self.label_edit.setObjectName("annotation_label_edit")
        self.label_edit.setPlaceholderText("label")
        self.label_edit.hide()
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.label_edit.setCompleter(completer)
        self.label_edit.returnPressed.connect(self._on_label_edit_return_pressed)
        self.label_edit.installEventFilter(self)
        document.audio_changed.connect(self._on_document_audio_changed)

    _last_tier = ""
    _pending_tier = ""

    def current_tier(self) -> str:
        """New annotations go to the tier chosen (:meth:`set_current_tier`) or of the last
        one added, else the first tier of spans, else :data:`DEFAULT_TIER`."""
        if self._last_tier and self.document.annotations.tier(self._last_tier) is not None:
            return self._last_tier
        spans = [t for t in self.document.annotations.tiers if not t.points]
        return spans[0].name if spans else DEFAULT_TIER

    def set_current_tier(self, name: str) -> None:
        """New annotations go to tier ``name`` (while it exists)."""
        self._last_tier = name

    # -- adding --------------------------------------------------------------------------
    def add_from_selection(self) -> None:
        """Mark the selection (or the cursor, as a point) and open the label editor; the
        annotation is drawn at once and becomes an edit when its label is confirmed."""
        doc = self.document
        t0, t1 = doc.selection if doc.selection is not None else (doc.cursor, doc.cursor)
        self.add(t0, t1)

    def add(self, t0: float, t1: float, low_hz: float | None = None,
            high_hz: float | None = None) -> None:
        """Mark [t0, t1] s (a point when equal; a box with a band in Hz) in the current
        tier and open the label editor (as :meth:`add_from_selection`)."""
        doc = self.document
        if doc.source is None:
            return
        self._finish_pending(keep=True)
        tier = self.current_tier()
        existing = doc.annotations.tier(tier)
        if t0 == t1 and existing is not None and not existing.points:
            tier = f"{tier} points"  # a point in a tier of its own kind (Praat's TextTier)
        annotation = Annotation(t0, t1, "", tier, low_hz, high_hz)
        before = doc.annotations
        self._pending = (before, annotation, None)
        self._pending_tier = self.current_tier()  # a point's span tier stays current
        doc.set_annotations(with_annotation(before, annotation))  # shown while typing
        self._open_label_edit(t0)

    def relabel(self, index: int) -> None:
        """Open the label editor on ``annotations[index]``; Enter makes the new label one
        edit ('Relabel "x"'), Esc keeps the old one."""
        self._finish_pending(keep=True)
        annotations = self.document.annotations
        if not 0 <= index < len(annotations.annotations):
            return
        annotation = annotations.annotations[index]
        self._pending = (annotations, annotation, index)
        self._open_label_edit(annotation.start, annotation.label)

    def push(self, before: AnnotationSet, after: AnnotationSet, text: str) -> None:
        """The document's annotations go from ``before`` to ``after`` as one undoable
        edit named ``text``. An open label editor is closed first, its label kept (as
        Enter), and the edit is carried over onto that: nothing typed or edited is lost."""
        if self._pending is not None:
            resolved = self._finish_pending(keep=True)
            if resolved is not None:
                old, new = resolved
                after = _substituted(after, old, new)
                before = self.document.annotations
        self.stack.push(ReplaceAnnotations(self.document, before, after, text))

    def close_label_edit(self) -> None:
        """Close the label editor if open, keeping its label (as Enter)."""
        self._finish_pending(keep=True)

    def _open_label_edit(self, t0: float, text: str = "") -> None:
        x = self._x_of(t0)
        width = 180
        left = 8 if x is None else int(min(max(0.0, x), self._host.width() - width))
        self.label_edit.setGeometry(left, 28, width, self.label_edit.sizeHint().height())
        self._completions.setStringList(self.recent)
        self.label_edit.setText(text)
        self.label_edit.selectAll()
        self.label_edit.show()
        self.label_edit.setFocus()

    def _on_label_edit_return_pressed(self) -> None:
        self._finish_pending(keep=True)

    def _finish_pending(self, *, keep: bool) -> tuple[Annotation, Annotation] | None:
        """Close the label editor: ``keep`` makes the labelled annotation an edit (Undo
        removes it); else the new annotation is taken out again (no edit). Works on the
        document's annotations as they are now (found by identity), so edits made while
        the editor was open stay. Returns (annotation, labelled) when an edit was made."""
        pending, self._pending = self._pending, None
        self.label_edit.hide()
        if pending is None:
            return None
        _before, annotation, index = pending
        label = self.label_edit.text()
        current = self.document.annotations
        at = next((k for k, a in enumerate(current.annotations) if a is annotation), None)
        if at is None:  # replaced meanwhile (an import, a session): nothing to finish
            return None
        if index is not None:  # relabelling: the document is as it was while typing
            if not keep or label == annotation.label:
                return None
            relabelled = annotation.replace(label=label)
            self.push(current, current.with_replaced(at, relabelled), f'Relabel "{label}"')
            self._remember(label)
            return annotation, relabelled
        base = current.without([at])
        if not keep:
            self.document.set_annotations(base)
            return None
        labelled = annotation.replace(label=label)  # its band too
        self.push(base, current.with_replaced(at, labelled),
                  f'Add "{label}"' if label else "Add annotation")
        self._last_tier = annotation.tier
        if annotation.tier == f"{self._pending_tier} points":
            self._last_tier = self._pending_tier
        self._remember(label)
        return annotation, labelled

    def _remember(self, label: str) -> None:
        """``label`` first among the completions."""
        if label:
            self.recent = [label] + [r for r in self.recent if r != label]
            del self.recent[RECENT_LABELS:]

    def eventFilter(self, watched: QObject, event) -> bool:
        """Esc in the label editor drops the new annotation (before Esc's shortcut,
        Clear Selection, could take the key)."""
        if watched is self.label_edit and event.type() in (
                QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and (
                event.key() == Qt.Key.Key_Escape):
            event.accept()
            if event.type() == QEvent.Type.KeyPress:
                self._finish_pending(keep=False)
            return True
        return super().eventFilter(watched, event)

    def connect_actions(self, add: QAction, undo: QAction, redo: QAction) -> None:
        """Edit > Add Annotation, Undo and Redo (named after the edit, enabled when they
        apply)."""
        add.triggered.connect(self.add_from_selection)
        undo.triggered.connect(self.stack.undo)
        redo.triggered.connect(self.stack.redo)
        self._undo_redo = (undo, redo)
        self.stack.indexChanged.connect(self._on_stack_index_changed)
        self.stack.cleanChanged.connect(self._on_stack_index_changed)
        self._on_stack_index_changed()

    def _on_stack_index_changed(self, *_args: object) -> None:
        if self._undo_redo is None:
            return
        for action, can, text, name in (
                (self._undo_redo[0], self.stack.canUndo(), self.stack.undoText(), "Undo"),
                (self._undo_redo[1], self.stack.canRedo(), self.stack.redoText(), "Redo")):
            try:
                action.setEnabled(can)
                action.setText(f"&{name} {text}".rstrip())
            except RuntimeError:  # the window is going away: its actions are deleted
                return

    def _on_document_audio_changed(self) -> None:
        self._pending = None
        self.label_edit.hide()
        self.stack.clear()


def _substituted(annotations: AnnotationSet, old: Annotation, new: Annotation
                 ) -> AnnotationSet:
    """``annotations`` with ``old`` (by identity) replaced by ``new``, if it holds it."""
    items = annotations.annotations
    if not any(a is old for a in items):
        return annotations
    return AnnotationSet(list(annotations.tiers), [new if a is old else a for a in items],
                         annotations.duration)
