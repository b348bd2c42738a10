"""The compare window's File menu: the comparison CSV (as ``sonolens compare -o OUT.csv``)
and the difference spectrogram image (as ``-o OUT.png``), written atomically, never over
A or B."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from sonolens.core.errors import SonolensError

KEY_EXPORT = "compare.export"  # the CSV
KEY_EXPORT_IMAGE = f"{KEY_EXPORT}:image"


class CompareExports(QObject):
    """Adds File > Export Comparison CSV… / Export Difference Image… / Close to
    ``window`` (a CompareWindow); ``export_csv_to`` / ``export_image_to`` do the work."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        menu = window.menuBar().addMenu("&File")
        self.csv_action = menu.addAction("Export Comparison &CSV…")
        self.csv_action.setShortcut(QKeySequence("Ctrl+E"))
        self.csv_action.triggered.connect(self._ask_csv)
        self.image_action = menu.addAction("Export Difference &Image…")
        self.image_action.triggered.connect(self._ask_image)
        menu.addSeparator()
        close = menu.addAction("&Close")
        close.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        close.triggered.connect(window.close)
        self.saved: Path | None = None
        window.runner.finished.connect(self._on_finished)

    def _ask(self, title: str, suffix: str, file_filter: str) -> Path | None:
        paths = self.window.paths
        if paths is None or self.window.offset is None:
            return None
        suggestion = str(paths[0].with_name(f"{paths[0].stem}_vs_{paths[1].stem}{suffix}"))
        name, _ = QFileDialog.getSaveFileName(self.window, title, suggestion, file_filter)
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def _ask_csv(self) -> None:
        path = self._ask("Export comparison CSV", ".csv", "CSV (*.csv)")
        if path is not None:
            self.export_csv_to(path)

    def _ask_image(self) -> None:
        path = self._ask("Export difference image", ".png", "PNG image (*.png)")
        if path is not None:
            self.export_image_to(path)

    def export_csv_to(self, path: str | Path) -> None:
        """Write the comparison CSV (every default feature) on a worker."""
        from sonolens.export.compare_table import write_comparison_csv

        window = self.window
        a, b = window.paths
        offset, params = window.offset, window.a.document.params
        window.runner.submit(KEY_EXPORT, lambda: write_comparison_csv(
            path, a, b, offset, params), token=Path(path))

    def export_image_to(self, path: str | Path, size: tuple[int, int] = (1200, 600)) -> bool:
        """Draw the difference spectrogram at ``size`` px (GUI thread), then encode and
        write it to ``path`` on a worker (``saved`` when done); False: refused."""
        from sonolens.export.own_input import refuse_own_inputs
        from sonolens.ui.render import difference_image, image_file_job, image_format

        window = self.window
        if window.difference is None:
            return False
        try:
            refuse_own_inputs([path], list(window.paths))
            fmt = image_format(path)
            image = difference_image(window.difference, window.difference_view.range_db, size)
        except SonolensError as exc:
            window.show_error(str(exc))
            return False
        target = Path(path)
        window.runner.submit(KEY_EXPORT_IMAGE, lambda: image_file_job(image, target, fmt),
                             token=target)
        return True

    def _on_finished(self, key: str, result: object, token: object) -> None:
        if key in (KEY_EXPORT, KEY_EXPORT_IMAGE):
            self.saved = Path(token)
            self.window.statusBar().showMessage(f"Saved {token}", 8000)
