"""Opening a compare window the way a user does: A in the main window, then B."""

from __future__ import annotations

from pathlib import Path


def open_compare(qtbot, make_main_window, a: Path, b: Path, offset: float | None = None):
    """The compare window of ``b`` against ``a`` (opened in a new main window), settled;
    ``offset`` None lets the window find it."""
    window = make_main_window()
    window.open_path(a)
    qtbot.waitUntil(window.is_settled, timeout=30000)
    assert window.compare.action.isEnabled()
    compare = window.compare.compare(b, offset=offset)
    qtbot.waitUntil(compare.is_settled, timeout=60000)
    return compare
