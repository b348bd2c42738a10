"""Worker processes for batch work (``dataset --jobs``, ``render --jobs``, Batch Export).

Workers fork from a fork server that has imported the engine once: each starts in
milliseconds with numpy, scipy.fft and the decoders loaded, and the fork server is a fresh
single-threaded interpreter, so this is safe from a threaded process such as the window.
Where there is no fork server (Windows) workers are spawned. Standard library only, so a
command can start the server before it imports anything heavy itself.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

#: What the fork server imports before it forks any worker.
PRELOAD = ("sonolens.export.dataset_batch",)


def worker_context() -> BaseContext:
    """The multiprocessing context worker pools use."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def start_fork_server() -> None:
    """Start the fork server now (it imports :data:`PRELOAD` while the caller goes on)."""
    context = worker_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
