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


class ImageExport(QObject):
    """Draws ``document``'s spectrogram picture and has ``runner`` write it. A failed
    image job emits ``failed(message)``; the written file comes as the runner's
    ``finished`` under ``KEY_EXPORT_IMAGE`` (the exporter says it was saved)."""

    failed = Signal(str)

    def __init__(self, document: Document, runner: JobRunner, parent: QObject) -> None:
        super().__init__(parent)
        self.document = document
        self.runner = runner
        self._waiting: tuple[Picture, Path] | None = None  # a picture for its image
        runner.finished.connect(self._on_finished)
        runner.failed.connect(self._on_failed)
        runner.cancelled.connect(self._on_cancelled)

    def start(self, path: Path, size: tuple[int, int]) -> None:
        """Draw the picture at ``size`` px; raises SonolensError (a bad size)."""
        doc = self.document
        spec = doc.spectrogram
        self._discard()  # a newer export replaces one still waiting for its image
        if not CATALOG.kind(spec.kind).image or doc.source is None:
            self._write(spectrogram_image(spec, doc.features, doc.view, size), path)
            return
        picture = spectrogram_picture(spec, doc.features, doc.view, size)
        if not picture.requests:  # too long for the image: the stored columns and a note
            self._write(picture.finish(), path)
            return
        request, source = picture.requests[-1], doc.source
        n_samples = round(source.frames * request.sr / source.samplerate)
        self._waiting = (picture, path)

        def image_job():
            from sonolens.dsp.reassigned_image import range_image

            return range_image(source, request.params, request.sr, request.grid, n_samples)

        self.runner.submit(KEY_PICTURE_IMAGE, image_job, token=request)

    def _write(self, image, path: Path) -> None:
        self.runner.submit(KEY_EXPORT_IMAGE, lambda: image_file_job(image, path), token=path)

    def _on_finished(self, key: str, result: object, token: object) -> None:
        if key != KEY_PICTURE_IMAGE or self._waiting is None:
            return
        picture, path = self._waiting
        self._waiting = None
        picture.layer.set_image(token, result)  # type: ignore[arg-type]
        self._write(picture.finish(), path)

    def _on_failed(self, key: str, message: str, _token: object) -> None:
        if key == KEY_PICTURE_IMAGE:
            self._discard()
            self.failed.emit(message)

    def _on_cancelled(self, key: str) -> None:
        if key == KEY_PICTURE_IMAGE:
            self._discard()

    def _discard(self) -> None:
        if self._waiting is not None:
            self._waiting[0].discard()
            self._waiting = None
