"""Throttled progress and partial results of one running job (the runner's workers).

``worker`` has ``progressed(ticket, fraction, stage)`` and ``partial_ready(ticket,
payload)`` signals; ``ticket`` has ``cancelled``. Signals may be emitted from the worker's
thread or from the one-shot timer thread; receivers in the GUI thread get them queued.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sonolens.core.progress import Progress

_NOTHING = object()


class Reporter:
    """Throttles one job's progress and partial results (latest partial wins).

    A partial held back by the throttle is sent once the interval has passed even when
    no newer report comes (a job waiting for its source still shows what it has): a
    one-shot timer thread sends it unless a report, the end or the cancel came first.
    """

    def __init__(self, worker: Any, ticket: Any, interval: float) -> None:
        self._worker = worker
        self._ticket = ticket
        self._interval = interval
        self._last: float | None = None
        self._partial: Any = _NOTHING
        self._stage = ""
        self._fraction = 0.0
        self._sent: tuple[float, str] | None = None  # the last (fraction, stage) emitted
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._closed = False

    def offer(self, item: Progress) -> None:
        with self._lock:
            self._stage, self._fraction = item.stage, item.fraction
            if item.partial is not None:
                self._partial = item.partial
            now = time.monotonic()
            if self._last is not None and now - self._last < self._interval:
                if self._partial is not _NOTHING and self._timer is None:
                    self._timer = threading.Timer(self._interval - (now - self._last),
                                                  self._send_held)
                    self._timer.daemon = True
                    self._timer.start()
                return
            self._last = now
            self._emit(item.fraction)

    def _send_held(self) -> None:
        with self._lock:
            self._timer = None
            if self._closed or self._ticket.cancelled or self._partial is _NOTHING:
                return
            self._last = time.monotonic()
            self._emit(self._fraction)

    def finish(self) -> None:
        """Flush the latest partial and report 1.0 (unless exactly that was the last report)."""
        with self._lock:
            if self._partial is not _NOTHING or self._sent != (1.0, self._stage):
                self._emit(1.0)

    def close(self) -> None:
        """No report after this (the job ended, failed or was cancelled)."""
        with self._lock:
            self._closed = True
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            timer.join()

    def _emit(self, fraction: float) -> None:
        if self._partial is not _NOTHING:
            self._worker.partial_ready.emit(self._ticket, self._partial)
            self._partial = _NOTHING
        self._sent = (fraction, self._stage)
        self._worker.progressed.emit(self._ticket, fraction, self._stage)
