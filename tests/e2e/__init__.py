"""End-to-end tests: `sonolens` run as users run it; helpers shared by these tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[2]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a headless user: no display, Sonolens from this checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "SONOLENS_DEBUG")}
    env["PYTHONPATH"] = str(ROOT / "app")
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``sonolens ARGS`` in a new process; text output captured."""
    return subprocess.run([sys.executable, "-m", "sonolens", *args], capture_output=True,
                          text=True, env=env or cli_env(), timeout=timeout)


def write_chirp(path: Path, seconds: float = 1.5, sr: int = 22050, seed: int = 0) -> Path:
    """A rising chirp in light noise: structure in time and frequency, many colours."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    y = 0.4 * np.sin(2 * np.pi * (200.0 + 600.0 * t) * t) + 0.01 * rng.standard_normal(len(t))
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, y.astype(np.float32), sr)
    return path


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def load_rgb(source: Path | bytes) -> np.ndarray:
    """Decoded pixels (height, width, 3) uint8 of a PNG file or PNG bytes (via QImage)."""
    from PySide6.QtGui import QImage

    image = QImage()
    ok = image.loadFromData(source if isinstance(source, bytes) else source.read_bytes(), "PNG")
    assert ok, "not a decodable PNG"
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return rows.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def distinct_colours(pixels: np.ndarray) -> int:
    flat = pixels.reshape(-1, 3).astype(np.uint32)
    return len(np.unique((flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]))
