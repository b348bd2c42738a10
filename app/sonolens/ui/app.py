"""Starting the window: ``sonolens [AUDIO] [--demo] [--screenshot PNG]``."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

SCREENSHOT_TIMEOUT_S = 600.0
SIGINT_POLL_MS = 200  # how often the interpreter wakes to run a Ctrl+C handler
_POLL_MS = 50


def run_window(path: str | None, *, screenshot: str | None = None) -> int:
    """Open the window (on ``path`` if given); with ``screenshot`` save it when drawn, exit.

    Returns the exit code: 0, 1 (the screenshot failed), 2 (bad usage), 130 (Ctrl+C).
    """
    if screenshot is not None and path is None:
        print("error: --screenshot needs an audio or session file (or --demo)",
              file=sys.stderr)
        return 2
    scratch = None
    if screenshot is not None and not os.environ.get("SONOLENS_SETTINGS"):
        # a screenshot shows the defaults, not whatever this user last chose
        scratch = tempfile.mkdtemp(prefix="sonolens-screenshot-")
    try:
        return _run_window(path, screenshot, scratch)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _run_window(path: str | None, screenshot: str | None, scratch: str | None) -> int:
    from sonolens.ui.qt_setup import make_application
    from sonolens.workers import prefetch

    interrupted: list[int] = []  # Ctrl+C while the window is being built
    previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(1))
    try:
        window, early, splash = _build_window(path, screenshot, scratch)
    finally:
        signal.signal(signal.SIGINT, previous)
    status = {"code": 0}
    restore = quit_on_sigint(window, status)  # before any job starts
    try:
        if interrupted:
            status["code"] = 130
            return 130
        if early:
            window.open_path(path)  # its open job runs while the window is first painted
        window.show()
        if splash is not None:
            splash.finish(window)
        if screenshot is not None:
            _arm_screenshot(window, Path(screenshot), status)
        if path is not None and not early:
            window.open_path(path)
        make_application().exec()
    finally:
        restore()
        prefetch.discard()  # a file the window never asked for
        window.close()  # saves and syncs its settings, stops the workers (idempotent)
    return status["code"]


def _build_window(path: str | None, screenshot: str | None, scratch: str | None):
    """(the main window, whether ``path`` is analysed already, the splash or None): the
    splash first, then the prefetch of ``path``, then the window's imports and widgets."""
    from sonolens.ui.qt_setup import make_application, make_bare_application

    splash = None
    make_bare_application()
    if screenshot is None:  # on screen within ~0.3 s while the rest is imported and built
        from sonolens.ui.splash import show_splash

        splash = show_splash(path)
    from sonolens.model.settings import Settings
    from sonolens.ui.cache_menu import window_cache
    from sonolens.workers import prefetch

    settings = Settings(Path(scratch) / "settings.ini") if scratch is not None else Settings()
    early = path is not None and Path(path).suffix.lower() != ".sonolens"
    if early:  # analysed on the other core while the window is imported and built
        prefetch.start(path, settings.params(), settings.view(), window_cache(settings))
    make_application()  # before the window: the platform, DPI policy, pyqtgraph
    from sonolens.ui.main_window import MainWindow

    return MainWindow(settings), early, splash


def quit_on_sigint(window, status: dict) -> Callable[[], None]:
    """Make Ctrl+C (SIGINT) close ``window`` and quit the event loop, exit code 130.

    Python runs signal handlers only between bytecodes, and Qt's event loop runs none: a
    timer wakes the interpreter every :data:`SIGINT_POLL_MS`. Returns a function that puts
    the previous handler back.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def on_sigint(_signum: int, _frame: object) -> None:
        status["code"] = 130
        window.close()
        QApplication.quit()
        # also once the event loop runs: a quit() before exec() is lost (Ctrl+C while the
        # window was still being shown)
        QTimer.singleShot(0, QApplication.quit)

    previous = signal.signal(signal.SIGINT, on_sigint)
    waker = QTimer(window)
    waker.timeout.connect(lambda: None)
    waker.start(SIGINT_POLL_MS)

    def restore() -> None:
        waker.stop()
        signal.signal(signal.SIGINT, previous)

    return restore


def _arm_screenshot(window, target: Path, status: dict) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from sonolens.core.errors import SonolensError
    from sonolens.ui.render import png_bytes, write_png

    clock = QElapsedTimer()
    clock.start()
    timer = QTimer(window)

    def finish(code: int, message: str = "") -> None:
        timer.stop()
        if message:
            print(message, file=sys.stderr)
        status["code"] = code
        window.close()
        QApplication.quit()

    def failed(path: str, message: str) -> None:
        finish(1, f"error: {message}")

    def poll() -> None:
        if clock.elapsed() > SCREENSHOT_TIMEOUT_S * 1000:
            finish(1, "error: timed out waiting for the analysis to finish")
        elif window.is_settled():
            try:
                write_png(target, png_bytes(window))
            except SonolensError as exc:
                finish(1, f"error: {exc}")
                return
            source = window.document.source
            for note in window.document.warnings:  # as `sonolens extract` says them
                print(f"warning: {source.path}: {note}", file=sys.stderr)
            finish(0)

    window.coordinator.open_failed.connect(failed)
    window.sessions.failed.connect(lambda title, message: finish(1, f"error: {message}"))
    window.coordinator.analysis_failed.connect(lambda key, message: failed(key, message))
    timer.timeout.connect(poll)
    timer.start(_POLL_MS)
