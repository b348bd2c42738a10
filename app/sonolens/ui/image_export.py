"""File > Export Image off the GUI thread: the picture is laid out and grabbed on the GUI
thread (drawing needs it); a kind drawn from the audio (reassigned) first has its image
computed by a job, and the PNG is encoded and written by another (encoding a large one
takes up to a second; a reassigned image of a few minutes, several).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from sonolens.core.catalog import CATALOG
from sonolens.model.document import Document
from sonolens.ui.render import Picture, image_file_job, spectrogram_image, spectrogram_picture
from sonolens.workers.export_jobs import KEY_EXPORT, KEY_EXPORT_IMAGE
from sonolens.workers.runner import JobRunner

KEY_PICTURE_IMAGE = f"{KEY_EXPORT}-picture"  # the reassigned image of a picture


def file_key(path: Path) -> str:
    """The runner key of the job writing the picture at ``path`` (one per file: exports
    to other files run side by side, a newer one to the same file replaces the older)."""
    return f"{KEY_EXPORT_IMAGE}:{path}"


class ImageExport(QObject):
    """Draws ``document``'s spectrogram picture and has ``runner`` write it. A failed
    image job emits ``failed(message)``; the written file comes as the runner's
    ``finished`` under :func:`file_key` (the exporter says it was saved)."""

    failed = Signal(str)

    def __init__(self, document: Document, runner: JobRunner, parent: QObject) -> None:
        super().__init__(parent)
        self.document = document
        self.runner = runner
        self._waiting: dict[str, Picture] = {}  # image job key -> picture waiting for it
        runner.finished.connect(self._on_finished)
        runner.failed.connect(self._on_failed)
        runner.cancelled.connect(self._on_cancelled)

    def start(self, path: Path, size: tuple[int, int]) -> None:
        """Draw the picture at ``size`` px; raises SonolensError (a bad size)."""
        doc = self.document
        spec = doc.spectrogram
        key = f"{KEY_PICTURE_IMAGE}:{path}"
        self._discard(key)  # a newer export to the same file replaces one still waiting
        if not CATALOG.kind(spec.kind).image or doc.source is None:
            self._write(spectrogram_image(spec, doc.features, doc.view, size), path)
            return
        picture = spectrogram_picture(spec, doc.features, doc.view, size)
        if not picture.requests:  # too long for the image: the stored columns and a note
            self._write(picture.finish(), path)
            return
        request, source = picture.requests[-1], doc.source
        n_samples = round(source.frames * request.sr / source.samplerate)
        self._waiting[key] = picture

        def image_job():
            from sonolens.dsp.reassigned_image import range_image

            return range_image(source, request.params, request.sr, request.grid, n_samples)

        self.runner.submit(key, image_job, token=(request, path))

    @property
    def waiting(self) -> int:
        """Pictures still waiting for their image."""
        return len(self._waiting)

    def _write(self, image, path: Path) -> None:
        self.runner.submit(file_key(path), lambda: image_file_job(image, path), token=path)

    def _on_finished(self, key: str, result: object, token: object) -> None:
        picture = self._waiting.pop(key, None)
        if picture is None:
            return
        request, path = token  # type: ignore[misc]
        picture.layer.set_image(request, result)  # type: ignore[arg-type]
        self._write(picture.finish(), path)

    def _on_failed(self, key: str, message: str, _token: object) -> None:
        if key in self._waiting:
            self._discard(key)
            self.failed.emit(message)

    def _on_cancelled(self, key: str) -> None:
        self._discard(key)

    def _discard(self, key: str) -> None:
        picture = self._waiting.pop(key, None)
        if picture is not None:
            picture.discard()
