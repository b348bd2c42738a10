"""`sonolens SESSION.sonolens --screenshot PNG`: the session's recording drawn with its
annotations, as File > Open shows it; a bad session is one `error:` line, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.e2e import cli_env, load_rgb, run_cli

SR = 22050
SECONDS = 3.0
SPAN = (1.0, 1.75)  # seconds: the session's one annotation


def window_env(tmp_path: Path, name: str = "s") -> dict[str, str]:
    """Offscreen, on fresh settings (a window restores the layout of the last one)."""
    return cli_env(QT_QPA_PLATFORM="offscreen",
                   SONOLENS_SETTINGS=str(tmp_path / "settings" / name / "s.ini"))


@pytest.fixture
def noise(tmp_path: Path) -> Path:
    """White noise: the spectrogram is coloured over the whole file."""
    folder = tmp_path / "rec"
    folder.mkdir()
    y = 0.3 * np.random.default_rng(3).standard_normal(int(SECONDS * SR))
    sf.write(folder / "noise.wav", y.astype(np.float32), SR, subtype="PCM_16")
    return folder / "noise.wav"


def write_session_json(path: Path, audio: str, **more: object) -> Path:
    """A session as the format documents it (export/session.py), written by hand."""
    data = {"format": "sonolens-session", "version": 1, "audio": audio,
            "tiers": [{"name": "calls", "points": False}],
            "annotations": [{"tier": "calls", "start": SPAN[0], "end": SPAN[1],
                             "label": "call"}], **more}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def coloured_run(row: np.ndarray) -> tuple[int, int]:
    """[first, last] columns of the longest run of coloured or dark pixels in ``row``
    (the spectrogram image; the window's greys and whites are not in it)."""
    rgb = row.astype(int)
    inside = (rgb.max(axis=1) - rgb.min(axis=1) > 30) | (rgb.sum(axis=1) < 450)
    best, start = (0, -1), None
    for x, flag in enumerate([*inside, False]):
        if flag and start is None:
            start = x
        elif not flag and start is not None:
            if x - start > best[1] - best[0] + 1:
                best = (start, x - 1)
            start = None
    return best


def test_session_screenshot_shows_its_annotation(tmp_path, noise):
    session = write_session_json(tmp_path / "work.sonolens", "rec/noise.wav")
    with_notes, alone = tmp_path / "session.png", tmp_path / "alone.png"
    result = run_cli(str(session), "--screenshot", str(with_notes), env=window_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "error" not in result.stderr
    result = run_cli(str(noise), "--screenshot", str(alone), env=window_env(tmp_path, "b"))
    assert result.returncode == 0, result.stderr

    a, b = load_rgb(with_notes), load_rgb(alone)
    assert a.shape == b.shape
    height = a.shape[0]
    rows = range(int(height * 0.4), int(height * 0.5))  # inside the spectrogram
    # the image spans the whole file (zoomed to fit): its columns map time to pixels
    runs = {coloured_run(b[y]) for y in rows}
    assert len(runs) <= 2, runs  # one extent (± a pixel of antialiasing)
    left, right = min(r[0] for r in runs), max(r[1] for r in runs)
    assert right - left > 300, (left, right)
    seconds_per_px = SECONDS / (right - left + 1)
    differs = (np.abs(a[rows.start:rows.stop].astype(int) - b[rows.start:rows.stop])
               .max(axis=2) > 20).any(axis=0)
    columns = np.flatnonzero(differs)
    assert columns.size, "the annotation is not drawn"
    shown = ((columns[0] - left) * seconds_per_px, (columns[-1] + 1 - left) * seconds_per_px)
    assert np.count_nonzero(differs) >= 0.9 * (columns[-1] - columns[0] + 1)  # one block
    assert shown == pytest.approx(SPAN, abs=2.5 * seconds_per_px), (shown, SPAN)


@pytest.mark.parametrize("make,needle", [
    (lambda d: d / "gone.sonolens", "cannot read"),
    (lambda d: (d / "bad.sonolens").write_text("{not json", encoding="utf-8")
     and d / "bad.sonolens", "not a session"),
    (lambda d: write_session_json(d / "lost.sonolens", "rec/missing.wav"), "missing"),
    (lambda d: write_session_json(d / "new.sonolens", "rec/noise.wav", version=99), "newer"),
])
def test_a_bad_session_is_one_error_line(tmp_path, noise, make, needle):
    session = make(tmp_path)
    out = tmp_path / "never.png"
    result = run_cli(str(session), "--screenshot", str(out), env=window_env(tmp_path))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert session.name in lines[0] and needle in lines[0], lines[0]
    assert not out.exists()


def test_screenshot_over_the_session_is_refused(tmp_path, noise):
    session = write_session_json(tmp_path / "work.sonolens", "rec/noise.wav")
    before = session.read_bytes()
    result = run_cli(str(session), "--screenshot", str(session), env=window_env(tmp_path))
    assert result.returncode == 2 and "error:" in result.stderr, result.stderr
    assert "refusing" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert session.read_bytes() == before


def test_a_session_that_does_not_fit_is_adapted_with_a_warning(tmp_path, noise):
    session = write_session_json(tmp_path / "high.sonolens", "rec/noise.wav",
                                 params={"fmax": 20000.0})  # the file's Nyquist: 11025 Hz
    out = tmp_path / "high.png"
    result = run_cli(str(session), "--screenshot", str(out), env=window_env(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = [n for n in result.stderr.splitlines() if "propagateSizeHints" not in n]  # Qt's
    assert lines == [f"warning: {noise}: settings adapted to this file: fmax reset to default"]
    assert out.exists()
