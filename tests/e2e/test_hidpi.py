"""HiDPI: at devicePixelRatio 2 (QT_SCALE_FACTOR=2) the window's picture has twice the
pixels, and the spectrogram fills them with real detail instead of being upscaled."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.e2e import cli_env, load_rgb, png_size, run_cli


def screenshot(tmp_path: Path, factor: int) -> np.ndarray:
    out = tmp_path / f"demo@{factor}x.png"
    env = cli_env(QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=str(factor),
                  SONOLENS_SETTINGS=str(tmp_path / f"s{factor}.ini"))
    result = run_cli("--demo", "--screenshot", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr
    pixels = load_rgb(out)
    assert pixels.shape[:2] == png_size(out)[::-1]
    return pixels


def spectrogram_area(pixels: np.ndarray) -> np.ndarray:
    """The middle of the spectrogram plot (same fraction of the window at any scale)."""
    height, width, _ = pixels.shape
    return pixels[int(height * 0.25): int(height * 0.6), int(width * 0.1): int(width * 0.6)]


def vertical_variation(area: np.ndarray) -> float:
    """Sum over each column of |row k+1 - row k| (RGB), averaged over the columns."""
    steps = np.abs(np.diff(area.astype(np.int32), axis=0)).sum(axis=(0, 2))
    return float(steps.mean())


def test_screenshot_at_scale_2_has_twice_the_pixels_and_is_sharp(tmp_path):
    once, twice = screenshot(tmp_path, 1), screenshot(tmp_path, 2)
    assert twice.shape[0] == 2 * once.shape[0] and twice.shape[1] == 2 * once.shape[1]
    small, large = spectrogram_area(once), spectrogram_area(twice)
    # drawn at device pixels: neighbouring device rows differ as much as pairs of them do
    # (an image drawn at 1x and scaled up repeats each row: no difference inside pairs)
    rows = large.astype(np.int32)[: large.shape[0] // 2 * 2]
    inside = np.abs(rows[0::2] - rows[1::2]).mean()
    across = np.abs(rows[1:-1:2] - rows[2::2]).mean()
    assert inside > 0.5 * across, (inside, across)
    # finer detail than any upscaling of the 1x picture: scaling (nearest or smooth) never
    # adds variation along a column, and each 1x column becomes two 2x columns
    assert vertical_variation(large) > 1.2 * vertical_variation(small), (
        vertical_variation(large), vertical_variation(small))
    # not smeared across time: frames (wider than a pixel) keep hard edges
    columns = large.astype(np.int32)[:, : large.shape[1] // 2 * 2]
    textured = np.abs(np.diff(columns, axis=0)).sum(axis=2)[:, ::2] > 30
    same = np.all(columns[1:, 0::2] == columns[1:, 1::2], axis=2)
    assert same[textured].mean() > 0.5, same[textured].mean()
