"""Milestones of a run for benchmarks: ``SONOLENS_TRACE=FILE`` appends one line per event.

Each line is ``<seconds since process start> <event>``. The process start is the kernel's
(``/proc/self/stat`` starttime, clock ticks since boot, 10 ms steps) against
``CLOCK_BOOTTIME`` now -- the clock ``/proc/uptime`` reads -- so the time includes the
interpreter's start-up and compares with a launcher's own CLOCK_BOOTTIME reading taken
just before it started the process (or with that process's starttime). Without /proc the
seconds count from this module's import instead.

Each event is written at most once per process and trace file (suffix it, e.g.
``spectrogram_first@2``, to mark it again); without the variable ``mark`` does nothing.
"""

from __future__ import annotations

import os
import time

ENV = "SONOLENS_TRACE"
_IMPORTED = time.monotonic()
_seen: set[tuple[str, str]] = set()  # (trace file, event) already written
_start: list[float] = []  # the process start on CLOCK_BOOTTIME, seconds (once read)


def process_start(pid: int | str = "self") -> float | None:
    """When process ``pid`` started, seconds on CLOCK_BOOTTIME (10 ms steps), or None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
        ticks = int(text[text.rindex(")") + 2:].split()[19])  # field 22: starttime
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def elapsed() -> float:
    """Seconds since this process started (see the module doc for the clock)."""
    if not _start:
        start = process_start()
        _start.append(start if start is not None else float("nan"))
    if _start[0] == _start[0]:  # not NaN: /proc was readable
        return time.clock_gettime(time.CLOCK_BOOTTIME) - _start[0]
    return time.monotonic() - _IMPORTED


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def mark(event: str) -> None:
    """Append ``<seconds> <event>`` to the file SONOLENS_TRACE names (once per event)."""
    path = os.environ.get(ENV)
    if not path or (path, event) in _seen:
        return
    _seen.add((path, event))
    line = f"{elapsed():.3f} {event}\n"
    try:  # an append of one short line: a log, nothing a user owns is replaced
        with open(path, "a", encoding="utf-8") as out:
            out.write(line)
    except OSError:
        pass  # a trace that cannot be written never disturbs the run


def read(path: str | os.PathLike[str]) -> dict[str, float]:
    """The events of a trace file: {event: seconds} (the first time each was written)."""
    events: dict[str, float] = {}
    with open(path, encoding="utf-8") as trace:
        for line in trace:
            seconds, _, event = line.strip().partition(" ")
            if event:
                events.setdefault(event, float(seconds))
    return events
