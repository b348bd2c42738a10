"""Progress reports yielded by long computations, and the one driver of such jobs (no Qt).

A *job* is a plain generator that yields :class:`Progress` after each block (a cancel
checkpoint) and returns its result. :class:`Steps` iterates one and keeps what it returns;
:func:`run_to_end`, :func:`drive` and :func:`relay` are built on it, so the
``next()``/``StopIteration`` dance is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` units finished; ``stage`` names the step; ``partial`` is optional."""

    done: int
    total: int
    stage: str = ""
    partial: Any = None

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total > 0 else 0.0


Job = Generator[Progress, None, T]


class Steps(Generic[T]):
    """Iterate the Progress of ``job`` (an exception from the job propagates out of the
    ``for`` loop); once the iteration ends, ``result`` is what the job returned. Leaving
    the loop early does not close the job: its owner does."""

    def __init__(self, job: Job[T]) -> None:
        self.job = job
        self.result: T | None = None

    def __iter__(self) -> Steps[T]:
        return self

    def __next__(self) -> Progress:
        try:
            return next(self.job)
        except StopIteration as stop:
            self.result = stop.value
            raise StopIteration from None


def drive(job: Job[T], on_progress: Callable[[Progress], object]) -> T:
    """Run ``job`` to its end, calling ``on_progress`` with each Progress; return its result.
    The job is closed on the way out (its ``finally`` blocks run if anything raised)."""
    steps = Steps(job)
    with closing(job):
        for progress in steps:
            on_progress(progress)
    return steps.result  # type: ignore[return-value]


def run_to_end(job: Job[T]) -> T:
    """Run ``job`` to its end and return its result (its Progress is dropped)."""
    return drive(job, _ignore)


def relay(job: Job[T], convert: Callable[[Progress], U]) -> Generator[U, None, T]:
    """Yield ``convert(progress)`` for each Progress of ``job`` and return its result: for
    ``result = yield from relay(...)`` inside another job. Closing this closes ``job``."""
    steps = Steps(job)
    with closing(job):
        for progress in steps:
            yield convert(progress)
    return steps.result  # type: ignore[return-value]


def _ignore(_progress: Progress) -> None:
    return None
