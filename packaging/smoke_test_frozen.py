"""Smoke test of the frozen app: ``python packaging/smoke_test_frozen.py dist/sonolens/sonolens``.

Runs the built binary as a user would (no PYTHONPATH, offscreen, fresh settings):
1. ``--demo --screenshot X.png``: the window on the bundled demo sound, saved once drawn;
   the PNG must have a window's size and a plot area with many colours (not blank).
2. ``extract demo.flac -o X.csv``: must equal, byte for byte, what ``python -m sonolens``
   from this checkout writes for the same file.
3. ``render --demo -o X.png``: the same PNG bytes as ``python -m sonolens render``.
4. ``extract missing.wav``: one ``error:`` line on stderr, exit code 1, no traceback.
Prints one line per check; exits non-zero with the reason on the first failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo.flac"
TIMEOUT_S = 300


def user_env(scratch: Path) -> dict[str, str]:
    """A headless user's environment: no display, no Python paths leaking into the app."""
    drop = ("DISPLAY", "WAYLAND_DISPLAY", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV",
            "SONOLENS_DEBUG")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(QT_QPA_PLATFORM="offscreen", SONOLENS_SETTINGS=str(scratch / "settings.ini"),
               HOME=str(scratch), XDG_CACHE_HOME=str(scratch / "cache"))
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=TIMEOUT_S)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"smoke test failed: {message}")


def picture_facts(png: Path) -> tuple[int, int, int]:
    """(width, height, distinct colours in the spectrogram band) of a PNG (QImage)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6.QtGui import QImage

    image = QImage()
    check(image.load(str(png)), f"{png} is not a readable PNG")
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    pixels = rows.reshape(height, stride)[:, : width * 3].reshape(height, width, 3)
    band = pixels[int(height * 0.25): int(height * 0.6), int(width * 0.1): int(width * 0.7)]
    flat = band.reshape(-1, 3).astype(np.uint32)
    colours = len(np.unique((flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]))
    return width, height, colours


def main(binary: str) -> int:
    exe = Path(binary).resolve()
    check(exe.is_file() and os.access(exe, os.X_OK), f"{exe} is not an executable")
    with tempfile.TemporaryDirectory(prefix="sonolens-smoke-") as tmp:
        scratch = Path(tmp)
        env = user_env(scratch)

        result = run([str(exe), "--version"], env)
        check(result.returncode == 0 and result.stdout.startswith("sonolens "),
              f"--version: {result.stdout!r} {result.stderr!r}")
        print(f"ok  --version: {result.stdout.strip()}")

        png = scratch / "window.png"
        result = run([str(exe), "--demo", "--screenshot", str(png)], env)
        check(result.returncode == 0, f"--screenshot exited {result.returncode}: {result.stderr}")
        check("Traceback" not in result.stderr, result.stderr)
        check(png.is_file(), "--screenshot wrote no PNG")
        width, height, colours = picture_facts(png)
        check(800 <= width <= 3000 and 500 <= height <= 2000, f"odd size {width}x{height}")
        check(colours > 100, f"the plot area looks blank ({colours} colours)")
        print(f"ok  --demo --screenshot: {width}x{height} PNG, {colours} colours in the plot")

        frozen_csv, reference_csv = scratch / "frozen.csv", scratch / "reference.csv"
        result = run([str(exe), "-q", "extract", str(DEMO), "-o", str(frozen_csv)], env)
        check(result.returncode == 0, f"extract exited {result.returncode}: {result.stderr}")
        reference_env = dict(env, PYTHONPATH=str(ROOT / "app"))
        result = run([sys.executable, "-m", "sonolens", "-q", "extract", str(DEMO), "-o",
                      str(reference_csv)], reference_env)
        check(result.returncode == 0, f"reference extract failed: {result.stderr}")
        frozen, reference = frozen_csv.read_text(), reference_csv.read_text()
        check(frozen == reference, "the frozen app's CSV differs from the checkout's")
        rows = frozen.count("\n") - 1
        print(f"ok  extract: {rows} rows x {frozen.splitlines()[0].count(',') + 1} columns, "
              "identical to `python -m sonolens extract`")

        frozen_png, reference_png = scratch / "frozen.png", scratch / "reference.png"
        result = run([str(exe), "-q", "render", "--demo", "-o", str(frozen_png)], env)
        check(result.returncode == 0, f"render exited {result.returncode}: {result.stderr}")
        result = run([sys.executable, "-m", "sonolens", "-q", "render", "--demo", "-o",
                      str(reference_png)], reference_env)
        check(result.returncode == 0, f"reference render failed: {result.stderr}")
        check(frozen_png.read_bytes() == reference_png.read_bytes(),
              "the frozen app's render differs from the checkout's")
        print("ok  render: identical to `python -m sonolens render`")

        result = run([str(exe), "extract", str(scratch / "missing.wav"), "-o",
                      str(scratch / "never.csv")], env)
        lines = result.stderr.strip().splitlines()
        check(result.returncode == 1 and len(lines) == 1 and lines[0].startswith("error:"),
              f"bad input: exit {result.returncode}, stderr {result.stderr!r}")
        print(f"ok  bad input: {lines[0]}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python packaging/smoke_test_frozen.py dist/sonolens/sonolens")
    raise SystemExit(main(sys.argv[1]))
