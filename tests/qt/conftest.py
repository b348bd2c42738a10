"""Fixtures for window tests: isolated settings, a main window that always shuts down."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio.source import BLOCK_FRAMES, FileSource

# PortAudio plays into an ALSA `file` PCM (DESIGN §11) so the window can really play here;
# TAP_FILE (default /dev/null) says where the played samples go. Must precede sounddevice.
TAP_CONF = Path(__file__).resolve().parents[1] / "unit" / "alsa_tap.conf"
os.environ.setdefault("ALSA_CONFIG_PATH", f"/usr/share/alsa/alsa.conf:{TAP_CONF}")


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings" / "sonolens.ini"


@pytest.fixture
def make_main_window(qtbot, settings_path: Path) -> Iterator[Callable[..., object]]:
    """Build MainWindow instances on isolated settings; every one is closed afterwards."""
    import pyqtgraph as pg

    from sonolens.model.settings import Settings
    from sonolens.ui.main_window import MainWindow

    pg.setConfigOptions(useOpenGL=False, imageAxisOrder="row-major")
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(Settings(settings_path))
        # closing with unsaved annotations asks (a modal box): tests that do not test the
        # question answer Discard; the ones that do replace this
        window.sessions.ask_unsaved = lambda: "discard"
        window.documents.ask_discard = lambda count: "discard"  # other tabs' annotations
        qtbot.addWidget(window)
        window.resize(1100, 760)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def fail_on_unhandled_exceptions(monkeypatch) -> Iterator[list[BaseException]]:
    """Record exceptions reaching Qt's event loop (sys.excepthook); the test asserts none."""
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda t, e, tb: seen.append(e))
    yield seen
    assert not seen, f"exception reached the event loop: {seen[0]!r}"


def faded_in(samples: np.ndarray, sr: int, *at: int) -> np.ndarray:
    """``samples`` as playback plays them when a play starts inside the file: the 10 ms
    raised-cosine fade-in, 0.5 - 0.5 cos(pi n / (L + 1)) for n = 1..L, from each index in
    ``at`` (computed here from its definition)."""
    length = round(0.01 * sr)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, length + 1) / (length + 1))
    out = np.array(samples, dtype=np.float64)
    for first in at:
        part = out[first:first + length]
        part *= ramp[:len(part)].reshape((-1,) + (1,) * (part.ndim - 1))
    return out


def faded_out(samples: np.ndarray, sr: int) -> np.ndarray:
    """``samples`` as playback plays a region that ends inside the file: its last 10 ms
    under the falling fade (:func:`faded_in`'s ramp reversed)."""
    length = round(0.01 * sr)
    ramp = (0.5 - 0.5 * np.cos(np.pi * np.arange(1, length + 1) / (length + 1)))[::-1]
    out = np.array(samples, dtype=np.float64)
    k = min(length, len(out))
    if k:
        out[len(out) - k:] *= ramp[length - k:].reshape((-1,) + (1,) * (out.ndim - 1))
    return out


def write_tone(path: Path, *, freq: float = 1000.0, seconds: float = 2.0, sr: int = 22050,
               channels: int = 1, amplitude: float = 0.5) -> Path:
    t = np.arange(int(seconds * sr)) / sr
    y = (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    data = np.stack([y * (1 - 0.3 * c) for c in range(channels)], axis=1)
    sf.write(path, data, sr, subtype="PCM_16")
    return path


def write_rich(path: Path, *, seconds: float = 3.0, sr: int = 22050) -> Path:
    """Harmonic tone with vibrato over noise: every feature is non-trivial."""
    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * sr)) / sr
    f0 = 220 * (1 + 0.01 * np.sin(2 * np.pi * 5 * t))
    phase = 2 * np.pi * np.cumsum(f0) / sr
    y = sum(np.sin(k * phase) / k for k in range(1, 7)) * 0.3
    y = y + 0.02 * rng.standard_normal(len(t))
    sf.write(path, y.astype(np.float32), sr, subtype="FLOAT")
    return path


def wait_settled(qtbot, window, timeout: int = 30000) -> None:
    qtbot.waitUntil(window.is_settled, timeout=timeout)


@pytest.fixture
def permits(monkeypatch) -> Iterator[threading.Semaphore]:
    """Paced decoding: full-size blocks of every source wait for a permit, which the test
    hands out (``permits.release(k)``), so "k blocks analysed" is a fact the test controls.
    At the end every waiting job is let through."""
    gate = threading.Semaphore(0)
    original = FileSource.blocks

    def paced(self, blocksize: int = BLOCK_FRAMES, start: int = 0):
        for block in original(self, blocksize, start):
            if blocksize == BLOCK_FRAMES:
                gate.acquire(timeout=60)
            yield block

    monkeypatch.setattr(FileSource, "blocks", paced)
    # paced blocks are the stream's: analyses read that, not segments on several threads
    monkeypatch.setattr(FileSource, "reads_spans", property(lambda self: False))
    yield gate
    gate.release(100000)


@pytest.fixture
def count_passes(monkeypatch) -> Callable[[], list[int]]:
    """``start()`` counts, from then on, the feature passes run (every analysis job runs
    one): returns the list that grows by one per pass."""
    import sonolens.dsp.engine as engine

    def start() -> list[int]:
        count: list[int] = []
        original = engine.extract_features

        def counted(*args, **kwargs):
            count.append(1)
            return (yield from original(*args, **kwargs))

        monkeypatch.setattr(engine, "extract_features", counted)
        return count

    return start


@pytest.fixture
def passes(count_passes) -> list[int]:
    """The feature passes run during the test (see count_passes)."""
    return count_passes()
