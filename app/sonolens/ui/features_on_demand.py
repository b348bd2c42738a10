"""Run an action once the table holds every window feature, computing the missing ones.

The window computes first what its views draw; the catalog's other default features (MFCC,
chroma, contrast... when not shown) are computed when something needs them: an export of
features, per-annotation statistics, the Selection dock's statistics.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from sonolens.model.document import Document
from sonolens.model.results import FEATURES
from sonolens.workers.registry import KEY_FEATURES


class FeaturesOnDemand(QObject):
    """Holds at most one waiting action per owner; a new file drops it."""

    def __init__(self, document: Document, parent: QObject | None = None,
                 runner: Any = None) -> None:
        super().__init__(parent)
        self.document = document
        self._waiting: Callable[[], None] | None = None
        document.result_changed.connect(self._on_result_changed)
        document.audio_changed.connect(self.cancel)
        if runner is not None:  # the user's Cancel of the features drops what waits on them
            runner.cancelled.connect(self._on_runner_cancelled)
        document.params_changed.connect(self._on_params_changed)

    @property
    def waiting(self) -> bool:
        return self._waiting is not None

    def ready_or_request(self, action: Callable[[], None] | None = None) -> bool:
        """True when every window feature is in the complete table. Otherwise ask for the
        missing ones and, with ``action``, run it (once) when they have arrived."""
        missing = self.document.missing_features()
        if not missing:
            return True
        self._waiting = action
        self.document.request_all_features()
        window = self.parent().parent() if self.parent() is not None else None
        status = getattr(window, "statusBar", None)
        if action is not None and status is not None:  # the user sees why nothing is saved yet
            status().showMessage(f"Computing the {len(missing)} feature(s) not shown so "
                                 "far; the export follows", 0)
        return False

    def _on_runner_cancelled(self, key: str) -> None:
        if key == KEY_FEATURES:
            self.cancel()

    def cancel(self) -> None:
        self._waiting = None

    def _on_params_changed(self) -> None:
        """New parameters restart the analysis with what is shown only: a waiting action
        asks again (after the coordinator has handled the change), else it waited forever."""
        if self._waiting is not None:
            QTimer.singleShot(0, self._ask_again)

    def _ask_again(self) -> None:
        if self._waiting is not None:
            self.document.request_all_features()

    def _on_result_changed(self, key: str) -> None:
        if key != FEATURES or self._waiting is None or self.document.missing_features():
            return
        action, self._waiting = self._waiting, None
        action()
