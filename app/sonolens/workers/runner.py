"""Run generator jobs on a small pool of QThreads; deliver only the latest result per key.

A *job* is a zero-argument callable returning a plain generator (no Qt) that yields
:class:`~sonolens.core.progress.Progress` after each block and returns its result.
Every ``yield`` is a cancel checkpoint: cancelling sets a flag the worker checks before
resuming the generator, then the worker calls ``gen.close()`` on its own thread, so the
job's ``finally`` blocks run there. A job that never yields cannot be interrupted: it runs
to its end and its result is dropped.

Threading: the :class:`JobRunner` lives in the GUI thread; each worker lives in its own
QThread. Workers' signals are queued to the runner, which filters them (stale serial,
cancelled, shut down) and re-emits its public signals, so every public signal is emitted
from the GUI thread. Progress and partial results are throttled on the worker side.

At most one generator per key is alive at a time: a job submitted for a key whose
superseded job is still closing waits for that job's ``finally`` before it starts.

Lifetime: parent the runner to the window (its ``destroyed`` triggers :meth:`shutdown`)
or call :meth:`shutdown` explicitly, e.g. from ``closeEvent``. Threads whose job did not
stop within the timeout are kept referenced and awaited at interpreter exit
(``workers.leftover_threads``), so Qt never destroys a running QThread.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from sonolens.core.errors import SonolensError
from sonolens.core.progress import Progress, Steps
from sonolens.workers import leftover_threads
from sonolens.workers.reporter import Reporter

Job = Generator[Progress, None, Any]
JobFactory = Callable[[], Job]

_DONE = "done"
_FAILED = "failed"
_CANCELLED = "cancelled"


@dataclass(eq=False)
class _Ticket:
    """One submitted job, shared by the GUI thread and the worker that runs it."""

    key: str
    serial: int
    make_job: JobFactory
    token: object
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def error_message(exc: BaseException) -> str:
    """The one-line ``failed`` message for ``exc``; prints a traceback for unexpected ones."""
    detail = _one_line(str(exc))
    if isinstance(exc, SonolensError | ValueError):
        return detail or type(exc).__name__
    traceback.print_exception(exc, file=sys.stderr)
    name = type(exc).__name__
    return f"internal error: {name}: {detail}" if detail else f"internal error: {name}"


def _close_quietly(gen: Job) -> None:
    """Close ``gen`` (its ``finally`` runs here); errors while closing go to stderr."""
    try:
        gen.close()
    except Exception as exc:  # a job whose cleanup fails must not kill the worker
        traceback.print_exception(exc, file=sys.stderr)


class _Worker(QObject):
    """Lives in a worker QThread and drives one generator at a time."""

    start_requested = Signal(object)  # _Ticket, emitted from the GUI thread
    progressed = Signal(object, float, str)  # ticket, fraction, stage
    partial_ready = Signal(object, object)  # ticket, payload
    ended = Signal(object, str, object)  # ticket, _DONE/_FAILED/_CANCELLED, result or message

    def __init__(self, interval: float) -> None:
        super().__init__()
        self._interval = interval
        self.current: _Ticket | None = None
        self.start_requested.connect(self._on_start_requested)

    @Slot(object)
    def _on_start_requested(self, ticket: _Ticket) -> None:
        self.current = ticket
        try:
            kind, value = self._drive(ticket)
        finally:
            self.current = None
        self.ended.emit(ticket, kind, value)

    def _drive(self, ticket: _Ticket) -> tuple[str, object]:
        if ticket.cancelled:
            return _CANCELLED, None
        try:
            gen = ticket.make_job()
            if not isinstance(gen, Generator):
                raise TypeError(f"job {ticket.key!r} returned {type(gen).__name__}, "
                                "not a generator")
        except Exception as exc:
            return _FAILED, error_message(exc)
        try:
            return self._loop(ticket, gen)
        except Exception as exc:
            return _FAILED, error_message(exc)
        finally:
            _close_quietly(gen)  # no-op when the generator already ended

    def _loop(self, ticket: _Ticket, gen: Job) -> tuple[str, object]:
        reporter = Reporter(self, ticket, self._interval)
        try:
            steps = Steps(gen)
            if ticket.cancelled:
                return _CANCELLED, None
            for item in steps:
                if isinstance(item, Progress):
                    reporter.offer(item)
                if ticket.cancelled:
                    return _CANCELLED, None
            result = steps.result
            if ticket.cancelled:
                return _CANCELLED, None
            reporter.finish()
            return _DONE, result
        finally:
            reporter.close()


class JobRunner(QObject):
    """Runs keyed generator jobs on ``threads`` QThreads; see the module doc.

    Signals (all emitted from the GUI thread, never after :meth:`shutdown`):
    ``progressed(key, fraction, stage)`` throttled per job (first and a final 1.0 always),
    ``partial(key, payload, token)`` for ``Progress.partial`` (same throttle, latest wins,
    flushed before ``finished``), ``finished(key, result, token)``,
    ``failed(key, message, token)``, ``cancelled(key)`` (explicit cancel of live work only;
    superseding a job by a newer submit does not emit it) and ``busy_changed(bool)``.
    """

    progressed = Signal(str, float, str)
    partial = Signal(str, object, object)
    finished = Signal(str, object, object)
    failed = Signal(str, str, object)
    cancelled = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, threads: int = 2,
                 progress_interval: float = 0.2) -> None:
        super().__init__(parent)
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        self._max_threads = threads
        self._interval = progress_interval
        self._threads: list[QThread] = []
        self._workers: list[_Worker] = []
        self._slots: list[_Ticket | None] = []  # the ticket each worker runs
        self._queue: list[_Ticket] = []
        self._latest: dict[str, int] = {}
        self._serial = 0
        self._busy = False
        self._closed = False
        self._quiet: tuple[str, ...] = ()  # key prefixes of background jobs
        if parent is not None:
            parent.destroyed.connect(self._on_parent_destroyed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_app_about_to_quit)

    # -- public API ----------------------------------------------------------------------
    def submit(self, key: str, make_job: JobFactory, *, token: object = None) -> int:
        """Queue ``make_job`` under ``key``, superseding that key's job; return its serial.

        After :meth:`shutdown` the job is ignored (never run) and a serial is still returned.
        """
        self._serial += 1
        ticket = _Ticket(key, self._serial, make_job, token)
        if self._closed:
            return ticket.serial
        self._latest[key] = ticket.serial
        position, _ = self._drop(key)
        if position is None:
            self._queue.append(ticket)
        else:
            self._queue.insert(position, ticket)
        self._pump()
        self._update_busy()
        return ticket.serial

    def cancel(self, key: str) -> None:
        """Cancel ``key``'s queued or running job; emits ``cancelled(key)`` if there was one."""
        if self._closed:
            return
        _, had_work = self._drop(key)
        if had_work:
            self.cancelled.emit(key)
        if not self._closed:
            self._update_busy()

    def cancel_all(self) -> None:
        """Cancel every queued and running job (one ``cancelled`` per key) but the quiet
        ones (:meth:`run_quietly`): housekeeping the user was not shown."""
        for key in dict.fromkeys(ticket.key for ticket in self._live()
                                 if not ticket.key.startswith(self._quiet)):
            self.cancel(key)

    def run_quietly(self, prefix: str) -> None:
        """Jobs under keys starting with ``prefix`` are housekeeping (the cache's writes):
        they emit no ``progressed`` and do not count in ``busy_changed`` (nothing to show
        or cancel); :meth:`is_busy` and :meth:`is_idle` still count them."""
        if prefix not in self._quiet:
            self._quiet += (prefix,)

    def is_busy(self, key: str | None = None) -> bool:
        """Whether a job (for ``key``, or any) is queued or running and not cancelled."""
        return any(key is None or ticket.key == key for ticket in self._live())

    def is_idle(self) -> bool:
        """Whether no generator is alive (cancelled ones still closing count) and none queued."""
        return not self._queue and all(ticket is None for ticket in self._slots)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel everything, close running generators, stop the threads; idempotent.

        Waits up to ``timeout_ms`` in total; a thread whose job does not yield in time is
        reported on stderr and awaited at interpreter exit. No signal is emitted afterwards.
        """
        if self._closed:
            return
        self._closed = True
        for ticket in self._queue:
            ticket.cancel.set()
        self._queue.clear()
        for ticket in self._slots:
            if ticket is not None:
                ticket.cancel.set()
        threads = [thread for thread in self._threads if leftover_threads.exists(thread)]
        for thread in threads:
            thread.quit()
        deadline = time.monotonic() + timeout_ms / 1000.0
        for thread in threads:
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            if thread.wait(remaining):
                leftover_threads.forget(thread)
            else:
                print(f"sonolens: {thread.objectName()} did not stop within {timeout_ms} ms "
                      "(its job does not yield); it will be awaited at exit", file=sys.stderr)
        self._slots = [None] * len(self._slots)

    # -- scheduling ----------------------------------------------------------------------
    def _live(self) -> list[_Ticket]:
        running = [t for t in self._slots if t is not None and not t.cancelled]
        return [t for t in self._queue if not t.cancelled] + running

    def _drop(self, key: str) -> tuple[int | None, bool]:
        """Cancel ``key``'s work: (queue position freed or None, whether live work existed)."""
        position = next((i for i, t in enumerate(self._queue) if t.key == key), None)
        had_work = False
        if position is not None:
            self._queue.pop(position).cancel.set()
            had_work = True
        for ticket in self._slots:
            if ticket is not None and ticket.key == key and not ticket.cancelled:
                ticket.cancel.set()
                had_work = True
        return position, had_work

    def _pump(self) -> None:
        """Start queued jobs (FIFO) on idle workers, one generator per key at a time."""
        while self._queue and not self._closed:
            occupied = {t.key for t in self._slots if t is not None}
            ticket = next((t for t in self._queue if t.key not in occupied), None)
            if ticket is None:
                return
            index = self._free_slot()
            if index is None:
                return
            self._queue.remove(ticket)
            self._slots[index] = ticket
            self._workers[index].start_requested.emit(ticket)

    def _free_slot(self) -> int | None:
        for index, ticket in enumerate(self._slots):
            if ticket is None:
                return index
        if len(self._threads) >= self._max_threads:
            return None
        thread = QThread()  # unparented: its lifetime is managed by shutdown / atexit
        thread.setObjectName(f"sonolens-job-thread-{len(self._threads)}")
        worker = _Worker(self._interval)
        worker.moveToThread(thread)
        worker.progressed.connect(self._on_worker_progressed)
        worker.partial_ready.connect(self._on_worker_partial_ready)
        worker.ended.connect(self._on_worker_ended)
        self._threads.append(thread)
        self._workers.append(worker)
        self._slots.append(None)
        leftover_threads.remember(thread, worker)
        thread.start()
        return len(self._slots) - 1

    def _deliverable(self, ticket: _Ticket) -> bool:
        return (not self._closed and not ticket.cancelled
                and self._latest.get(ticket.key) == ticket.serial)

    def _update_busy(self) -> None:
        busy = any(not ticket.key.startswith(self._quiet) for ticket in self._live())
        if busy != self._busy and not self._closed:
            self._busy = busy
            self.busy_changed.emit(busy)

    # -- worker events (queued into the GUI thread) ----------------------------------------
    @Slot(object, float, str)
    def _on_worker_progressed(self, ticket: _Ticket, fraction: float, stage: str) -> None:
        if self._deliverable(ticket) and not ticket.key.startswith(self._quiet):
            self.progressed.emit(ticket.key, fraction, stage)

    @Slot(object, object)
    def _on_worker_partial_ready(self, ticket: _Ticket, payload: object) -> None:
        if self._deliverable(ticket):
            self.partial.emit(ticket.key, payload, ticket.token)

    @Slot(object, str, object)
    def _on_worker_ended(self, ticket: _Ticket, kind: str, value: object) -> None:
        self._slots = [None if t is ticket else t for t in self._slots]
        if self._closed:
            return
        deliver = self._deliverable(ticket)
        self._pump()
        if deliver and kind == _DONE:
            self.finished.emit(ticket.key, value, ticket.token)
        elif deliver and kind == _FAILED:
            self.failed.emit(ticket.key, str(value), ticket.token)
        self._update_busy()

    @Slot()
    def _on_parent_destroyed(self) -> None:
        self.shutdown()

    @Slot()
    def _on_app_about_to_quit(self) -> None:
        self.shutdown()
