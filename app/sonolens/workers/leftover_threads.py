"""Worker threads that may outlive their JobRunner, stopped before the interpreter ends.

A runner that is never shut down, or whose job did not stop in time, leaves its QThreads
running. They are remembered here and stopped when the main thread ends: before
``concurrent.futures`` refuses new work (a job still running would fail in its thread pool
and print a traceback) and before PySide's own exit handler deletes the QThreads (Qt must
never destroy a running QThread).
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread

# Threads not yet known to be finished, with their worker (its ``current`` ticket, if
# any, is cancelled before the thread is asked to quit).
_LIVE: list[tuple[QThread, Any]] = []


def remember(thread: QThread, worker: Any) -> None:
    _LIVE.append((thread, worker))


def forget(thread: QThread) -> None:
    _LIVE[:] = [pair for pair in _LIVE if pair[0] is not thread]


def exists(thread: QThread) -> bool:
    """False once Qt deleted the thread object (at interpreter exit, after
    :func:`stop_leftover_threads` stopped it, PySide's exit handler deletes it)."""
    try:
        thread.isRunning()
    except RuntimeError:
        return False
    return True


def stop_leftover_threads() -> None:
    """Cancel the jobs of the remembered threads and wait until each thread has ended."""
    for thread, worker in list(_LIVE):
        ticket = worker.current
        if ticket is not None:
            ticket.cancel.set()
        if exists(thread):
            thread.quit()
            thread.wait()
    _LIVE.clear()


def _at_interpreter_exit(function: Callable[[], None]) -> None:
    """Call ``function`` when the main thread ends, before ``concurrent.futures``' exit hook.

    ``threading._register_atexit`` hooks run in ``threading._shutdown``, before the
    ``atexit`` handlers and last-registered first; importing ``concurrent.futures.thread``
    first registers its hook (no new futures after it) earlier, so this one runs before.
    Falls back to :func:`atexit.register` where that hook does not exist.
    """
    import concurrent.futures.thread  # noqa: F401  (registers its exit hook first)

    register = getattr(threading, "_register_atexit", None)
    if register is None:
        atexit.register(function)
        return
    register(function)
    atexit.register(function)  # a no-op by then; covers exits that skip threading's hook


_at_interpreter_exit(stop_leftover_threads)
