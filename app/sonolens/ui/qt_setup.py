"""One Qt set-up for the window and ``sonolens render``: the platform (offscreen without
a display), the high-DPI policy, the QApplication with its names and icon, and
pyqtgraph's configuration. Qt is imported inside the functions: ``cli`` imports this
module only when it draws."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

#: pyqtgraph's options for every drawing (no OpenGL: offscreen has none).
PYQTGRAPH_OPTIONS = {"useOpenGL": False, "antialias": False, "imageAxisOrder": "row-major"}


def make_application(argv: list[str] | None = None) -> QApplication:
    """The configured QApplication (created on the first call with ``argv``, default
    ``sys.argv[:1]``); pyqtgraph configured for it."""
    import pyqtgraph as pg

    pg.setConfigOptions(**PYQTGRAPH_OPTIONS)
    return make_bare_application(argv)


def make_bare_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with its names, DPI policy and icon, without importing pyqtgraph
    (the splash shows before it is imported)."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        set_high_dpi_policy()
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Sonolens")
    app.setOrganizationName("Sonolens")
    app.setDesktopFileName("sonolens")  # packaging/sonolens.desktop (Wayland app id)
    app.setWindowIcon(app_icon())
    return app  # type: ignore[return-value]


def set_high_dpi_policy() -> None:
    """Before the QApplication exists: keep fractional scale factors (1.25, 1.5) as they
    are instead of rounding them, so text and lines stay the size the desktop asks for;
    the views draw images at device pixels (``TimeView.visible_span``), so they stay sharp."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)


def app_icon() -> QIcon:
    """The window icon: resources/sonolens.svg as a QIcon (null if the file is missing)."""
    from PySide6.QtGui import QIcon

    from sonolens.resources import resource_path

    try:
        return QIcon(str(resource_path("sonolens.svg")))
    except FileNotFoundError:
        return QIcon()


_gc_guard: list[object] = []  # the one GarbageCollector of the process, once started


def collect_garbage_on_gui_thread() -> None:
    """Cyclic garbage is collected on the GUI thread only (once per process; call it with
    the QApplication running): automatic collection is switched off and pyqtgraph's
    GarbageCollector collects on a 1 s timer, by the same generation thresholds.

    Automatic collection runs on whichever thread allocates: on a worker thread it could
    free a closed window's pyqtgraph items while the GUI thread deletes their menus, and
    the two threads then wait for each other (Qt's mutex vs the GIL) for ever."""
    if _gc_guard:
        return
    from pyqtgraph.util.garbage_collector import GarbageCollector

    _gc_guard.append(GarbageCollector(interval=1.0))
