"""Order-preserving map over a thread pool with a bounded number of items in flight.

numpy and scipy.fft release the GIL, so two threads use both cores; the bound keeps
memory flat. Closing the consuming generator cancels what has not started.

The pool is the parallelism: BLAS (numpy's matrix products) is limited to one thread per
process the first time a pool starts, because 2 workers x N BLAS threads oversubscribe the
cores (measured: ~5 s lost on a 60-minute file with 2 cores).

BLAS libraries loaded after numpy start with one thread (``OPENBLAS_NUM_THREADS``, set when
this module is imported): scipy brings its own OpenBLAS, loaded with ``scipy.special`` when
``scipy.fft`` or ``scipy.signal`` is first imported, e.g. by pass 2 on a job's thread.
OpenBLAS starts its server threads when it loads (one per extra core); started from a job's
thread they carried its name ("sonolens-job-th"), outlived the window (closing it cannot stop
them) and escaped the limit above, which reaches only the libraries loaded when it is set.
The app calls no BLAS routine through scipy (fft, signal, ndimage, stats); numpy's BLAS,
loaded before, keeps its threads until a pool starts. Processes started later inherit the
variable (the dataset workers limit their BLAS to one thread anyway).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import numpy  # noqa: F401  (numpy's BLAS is loaded first: the line below is for later ones)
import threadpoolctl

# read by OpenBLAS once, when it loads: scipy's, loaded later, starts no idle threads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # a value the user set is kept

T = TypeVar("T")
R = TypeVar("R")

_blas_limited = False


def limit_blas_threads() -> None:
    """Make numpy's BLAS single-threaded for the rest of the process (idempotent)."""
    global _blas_limited
    if not _blas_limited:
        threadpoolctl.threadpool_limits(limits=1, user_api="blas")
        _blas_limited = True


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], *, workers: int = 2, ahead: int = 4
) -> Iterator[tuple[T, R]]:
    """Yield ``(item, fn(item))`` in input order, computing up to ``ahead`` items at once."""
    if workers <= 1:
        for item in items:
            yield item, fn(item)
        return
    limit_blas_threads()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sonolens-dsp")
    pending: deque[tuple[T, Future[R]]] = deque()
    try:
        for item in items:
            pending.append((item, pool.submit(fn, item)))
            if len(pending) >= ahead:
                done_item, future = pending.popleft()
                yield done_item, future.result()
        while pending:
            done_item, future = pending.popleft()
            yield done_item, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
