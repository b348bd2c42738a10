"""Import a slow module on a thread of its own while the main work goes on."""

from __future__ import annotations

import contextlib
import importlib
import threading


def prefetch(module: str) -> threading.Thread:
    """Start importing ``module`` on a new thread; return it (join it to wait).

    Not a daemon: an exit while it runs waits for it. A failed import is left for the real
    ``import`` to report (during interpreter shutdown, modules that register exit hooks
    cannot be imported: no traceback is printed then).
    """
    thread = threading.Thread(target=_quietly, args=(module,), name=f"sonolens-import-{module}")
    thread.start()
    return thread


def _quietly(module: str) -> None:
    with contextlib.suppress(BaseException):  # reported by the import that needs it
        importlib.import_module(module)
