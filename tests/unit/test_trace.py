"""SONOLENS_TRACE milestones (core/trace.py): one line per event, seconds since the process
started, comparable with the launcher's clock; nothing written without the variable."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sonolens.core import trace

APP = Path(__file__).resolve().parents[2] / "app"


def test_without_the_variable_nothing_is_written(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(trace.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    trace.mark("quiet")
    assert not trace.enabled()
    assert list(tmp_path.iterdir()) == []


def test_each_event_once_per_file_in_order(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "trace.txt"
    monkeypatch.setenv(trace.ENV, str(path))
    for event in ("opened", "drawn", "opened", "drawn@2"):
        trace.mark(event)
    lines = path.read_text().splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == ["opened", "drawn", "drawn@2"]
    seconds = [float(line.split(" ", 1)[0]) for line in lines]
    assert seconds == sorted(seconds) and seconds[0] > 0
    assert trace.read(path) == dict(zip(["opened", "drawn", "drawn@2"], seconds,
                                        strict=True))
    other = tmp_path / "other.txt"  # another trace file gets its own first time
    monkeypatch.setenv(trace.ENV, str(other))
    trace.mark("opened")
    assert list(trace.read(other)) == ["opened"]


def test_seconds_count_from_the_process_start_on_the_launchers_clock(tmp_path: Path) -> None:
    """A child that sleeps 0.4 s before importing the module: its mark says at least
    0.4 s, and no more than the launcher saw pass from before Popen to the child's end."""
    path = tmp_path / "trace.txt"
    code = ("import time; time.sleep(0.4)\n"
            "from sonolens.core import trace; trace.mark('late')")
    env = {**os.environ, trace.ENV: str(path), "PYTHONPATH": str(APP)}
    before = time.clock_gettime(time.CLOCK_BOOTTIME)
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    started = trace.process_start(proc.pid)
    assert proc.wait(timeout=60) == 0
    after = time.clock_gettime(time.CLOCK_BOOTTIME)
    seconds = trace.read(path)["late"]
    assert 0.4 <= seconds <= after - before + 0.02  # starttime has 10 ms steps
    assert started is not None and abs(started - before) < 0.5
