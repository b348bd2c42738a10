"""Analysis > Analysis Cache: use it or not, its size limit, and clearing it.

The choices live in the settings (``Settings.cache_enabled`` / ``cache_limit``) and are
handed to the coordinator's cache hook (None: off). SONOLENS_NO_CACHE=1 turns the cache
off whatever the setting says. Clearing and evicting run on a worker.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMainWindow, QMenu

from sonolens.core.progress import Progress
from sonolens.model.settings import CACHE_LIMITS
from sonolens.store.cache import AnalysisCache, default_cache_dir, disabled_by_env

KEY_CLEAR = "cache-clear"
KEY_EVICT = "cache-evict"


def _clear(cache: AnalysisCache):
    yield Progress(0, 1, "clearing the analysis cache")
    size = cache.total_bytes()
    cache.clear()
    return size


def _evict(cache: AnalysisCache):
    yield Progress(0, 1, "trimming the analysis cache")
    cache.evict()


def window_cache(settings) -> AnalysisCache | None:
    """The analysis cache the window's settings ask for (None: off)."""
    on = settings.cache_enabled() and not disabled_by_env()
    return AnalysisCache(default_cache_dir(), settings.cache_limit()) if on else None


class AnalysisCacheMenu(QObject):
    """The Analysis Cache submenu of ``window``'s Analysis menu, wired to its settings,
    coordinator and runner. ``cleared(bytes)`` when a clear is done."""

    cleared = Signal(int)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.settings  # type: ignore[attr-defined]
        self.runner = window.runner  # type: ignore[attr-defined]
        self.hook = window.coordinator.cache  # type: ignore[attr-defined]
        self.menu = _analysis_menu(window).addMenu("Analysis Ca&che")
        self.use = self.menu.addAction("&Use Analysis Cache")
        self.use.setCheckable(True)
        self.use.setChecked(self.settings.cache_enabled())
        self.use.setStatusTip("Keep complete analyses on disk: a file opened again with "
                              "the same settings is shown at once")
        limits = self.menu.addMenu("Size &Limit")
        group = QActionGroup(self)
        self.limits: dict[int, QAction] = {}
        for limit in CACHE_LIMITS:
            act = limits.addAction(f"{limit // 2**30} GB")
            act.setCheckable(True)
            act.setChecked(limit == self.settings.cache_limit())
            group.addAction(act)
            act.triggered.connect(lambda _=False, n=limit: self.set_limit(n))
            self.limits[limit] = act
        self.menu.addSeparator()
        self.clear = self.menu.addAction("C&lear Analysis Cache")
        self.clear.setStatusTip(f"Remove every stored analysis ({default_cache_dir()})")
        if disabled_by_env():
            self.use.setEnabled(False)
            self.use.setToolTip("SONOLENS_NO_CACHE is set")
        self.use.toggled.connect(self.set_enabled)
        self.clear.triggered.connect(self.clear_cache)
        self.runner.finished.connect(self._on_runner_finished)
        self._apply()

    def _apply(self) -> None:
        self.hook.cache = window_cache(self.settings)

    def set_enabled(self, enabled: bool) -> None:
        """Use the cache (or not) from the next analysis on."""
        self.settings.set_cache_enabled(enabled)
        self.use.setChecked(enabled)
        self._apply()

    def set_limit(self, limit: int) -> None:
        """A new size limit; the least recently used entries beyond it go now."""
        self.settings.set_cache_limit(limit)
        self.limits[limit].setChecked(True)
        self._apply()
        if self.hook.cache is not None:
            cache = self.hook.cache
            self.runner.submit(KEY_EVICT, lambda: _evict(cache))

    def clear_cache(self) -> None:
        """Remove every stored analysis (on a worker); ``cleared`` says how many bytes."""
        cache = AnalysisCache(default_cache_dir(), self.settings.cache_limit())
        self.runner.submit(KEY_CLEAR, lambda: _clear(cache))

    def _on_runner_finished(self, key: str, result: object, _token: object) -> None:
        if key == KEY_CLEAR:
            size = int(result)  # type: ignore[call-overload]
            self.window.statusBar().showMessage(
                f"Analysis cache cleared ({size / 2**20:.0f} MB)", 6000)
            self.cleared.emit(size)


def _analysis_menu(window: QMainWindow) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == "Analysis":
            return menu
    return window.menuBar().addMenu("&Analysis")
