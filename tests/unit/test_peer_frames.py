"""The peer benchmark's frame reader (tests/benchmarks/test_peers.py XwdLayout): pixels
of an XWD image in either row layout Xvfb writes, against a real `xwd` file if present."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.benchmarks.test_peers import XwdLayout

NAME = b"xwdump\0"


def xwd_bytes(rgb: np.ndarray, *, packed: bool) -> np.ndarray:
    """An XWD file of ``rgb`` (24-bit TrueColor, 32 bits per pixel in the header), rows
    stored B, G, R, X -- or packed B, G, R as some Xvfb builds write them."""
    height, width, _ = rgb.shape
    bgr = rgb[:, :, ::-1]
    if packed:
        rows = bgr.reshape(height, width * 3)
    else:
        rows = np.concatenate([bgr, np.zeros((height, width, 1), np.uint8)], axis=2)
        rows = rows.reshape(height, width * 4)
    ncolors = 2
    fields = [100 + len(NAME), 7, 2, 24, width, height, 0, 0, 32, 0, 32, 32, width * 4, 4,
              0xFF0000, 0xFF00, 0xFF, 8, 256, ncolors, width, height, 0, 0, 0]
    head = struct.pack(">25I", *fields) + NAME + bytes(12 * ncolors)
    return np.frombuffer(head + rows.tobytes(), dtype=np.uint8)


@pytest.mark.parametrize("packed", [False, True])
def test_rgb_back_from_either_layout(packed: bool) -> None:
    rgb = np.random.default_rng(5).integers(0, 256, (7, 11, 3), dtype=np.uint8)
    data = xwd_bytes(rgb, packed=packed)
    layout = XwdLayout.of(data)
    assert (layout.height, layout.width, layout.depth) == (7, 11, 3 if packed else 4)
    np.testing.assert_array_equal(layout.rgb(layout.raw(data)), rgb)


@pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xwd")),
                    reason="needs Xvfb and xwd")
def test_a_real_xwd_of_xvfb(tmp_path: Path) -> None:
    """`xwd -root` of a fresh Xvfb screen (white, as -wr makes it) reads as all white of
    the screen's size."""
    display = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "64x48x24", "-wr",
                                "-nolisten", "tcp"], stdout=subprocess.PIPE, text=True)
    try:
        number = display.stdout.readline().strip()
        shot = subprocess.run(["xwd", "-root", "-silent", "-display", f":{number}"],
                              capture_output=True, check=True, timeout=30).stdout
    finally:
        display.terminate()
        display.wait(10)
    data = np.frombuffer(shot, dtype=np.uint8)
    layout = XwdLayout.of(data)
    rgb = layout.rgb(layout.raw(data))
    assert rgb.shape == (48, 64, 3) and (rgb == 255).all()
