"""Edit > Copy as Python: the current analysis as a runnable librosa script, to the clipboard."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMainWindow

from sonolens.export.python_snippet import python_snippet
from sonolens.model.document import Document


def snippet_for(document: Document) -> str:
    """The script reproducing what ``document`` shows ('' when no file is open)."""
    source = document.source
    if source is None:
        return ""
    return python_snippet(source.path, document.params, document.view,
                          native_sr=source.samplerate, backend=source.backend,
                          selection=document.selection)


def copy_as_python(window: QMainWindow, document: Document) -> str:
    """Put :func:`snippet_for` on the clipboard and say so in the status bar; return it."""
    text = snippet_for(document)
    if not text:
        window.statusBar().showMessage("Open a sound first: nothing to copy", 4000)
        return ""
    QApplication.clipboard().setText(text)
    window.statusBar().showMessage(
        "Copied a Python script (soundfile + librosa) that reproduces this view", 4000)
    return text
