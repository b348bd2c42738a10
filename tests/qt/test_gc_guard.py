"""Cyclic garbage is collected on the GUI thread only: a worker thread that allocates a
lot never runs a collection (which could free Qt objects off the GUI thread and deadlock
against it), and the GUI thread's timer collects the cycle instead."""

from __future__ import annotations

import gc
import threading
import weakref


class Node:
    """A reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_cycles_are_collected_on_the_gui_thread_not_on_workers(qtbot, make_main_window):
    make_main_window()
    assert not gc.isenabled(), "automatic collection would run on any thread"
    gc.collect()  # nothing old pending: the next collection is the timer's or a worker's
    freed_on: list[threading.Thread] = []
    node = Node()
    weakref.finalize(node, lambda: freed_on.append(threading.current_thread()))
    del node

    def allocate() -> None:  # far past generation 0's threshold: with automatic
        kept = [[] for _ in range(50_000)]  # collection on, this thread would collect
        del kept

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert freed_on == [], "collected on the worker thread"
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on == [threading.main_thread()]
