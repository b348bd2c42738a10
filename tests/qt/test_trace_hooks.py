"""The window's SONOLENS_TRACE milestones (ui/trace_hooks.py) on a short file: every one
written once, in an order that makes sense, each no later than the window settled; a
second file's events carry ``@2``."""

from __future__ import annotations

from pathlib import Path

import pytest

from sonolens.core import trace
from tests.qt.conftest import wait_settled, write_rich

FILE_EVENTS = ["spectrogram_first", "spectrogram_complete", "envelope_complete",
               "features_complete", "settled"]


def test_milestones_in_order(make_main_window, qtbot, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "trace.txt"
    monkeypatch.setenv(trace.ENV, str(path))
    window = make_main_window()
    seen: dict[str, tuple] = {}  # what the window held as each event was marked
    real_mark = trace.mark

    def mark(event: str) -> None:
        spec, view = window.document.spectrogram, window.spectrogram_view
        envelope = window.document.envelope
        seen[event] = (view.drawn_filled, spec.filled if spec else None,
                       bool(spec and spec.complete), bool(envelope and envelope.complete),
                       window.waveform.drawn, window.is_settled())
        real_mark(event)

    monkeypatch.setattr(trace, "mark", mark)
    qtbot.waitExposed(window)
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=4.0))
    wait_settled(qtbot, window)
    qtbot.waitUntil(lambda: "settled" in trace.read(path), timeout=5000)
    events = trace.read(path)
    assert sorted(events) == sorted(["window_built", "window_shown", *FILE_EVENTS])
    lines = path.read_text().splitlines()
    assert len(lines) == len(events)  # each once
    assert events["window_built"] <= events["window_shown"] <= events["spectrogram_first"]
    assert events["spectrogram_first"] <= events["spectrogram_complete"]
    for name in FILE_EVENTS:
        assert events[name] <= events["settled"]
    assert events["settled"] <= trace.elapsed()
    drawn, filled, spec_done, _, _, _ = seen["spectrogram_first"]
    assert drawn > 0
    drawn, filled, spec_done, _, _, _ = seen["spectrogram_complete"]
    assert spec_done and drawn == filled > 0
    _, _, _, envelope_done, wave_drawn, _ = seen["envelope_complete"]
    assert envelope_done and wave_drawn
    assert seen["settled"][-1]
    # what the trace said is what is seen: the view shows every column of the spectrogram
    assert window.spectrogram_view.drawn_filled == window.document.spectrogram.filled > 0

    window.open_path(write_rich(tmp_path / "again.wav", seconds=2.0))
    wait_settled(qtbot, window)
    qtbot.waitUntil(lambda: "settled@2" in trace.read(path), timeout=5000)
    again = trace.read(path)
    assert {f"{name}@2" for name in FILE_EVENTS} <= set(again)
    assert again["spectrogram_first@2"] > events["settled"]
    assert "window_shown@2" not in again
