"""A file cut short shows what was decoded, not what its header promised (issue 14, defect 7).

The status bar and the fitted time axis say the decoded length once it is known (a FLAC's
cut is found by the first full pass, i.e. during the analysis); the warning says what the
header promised.
"""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from tests.qt.conftest import wait_settled
from tests.unit.hostile import make

SR = make.SR
PROMISED_S = 2.81


def frames_ffmpeg_decodes(path: Path) -> int:
    """FFmpeg's own count of the complete frames (independent of Sonolens' decoder)."""
    complete = 0
    with av.open(str(path)) as container:
        try:
            for frame in container.decode(audio=0):
                complete += frame.samples
        except av.error.FFmpegError:
            pass
    return complete


@pytest.fixture
def cut_flac(tmp_path) -> tuple[Path, int]:
    good = make.write(tmp_path / "whole.flac", make.rich(PROMISED_S), SR, format="FLAC",
                      subtype="PCM_16")
    raw = good.read_bytes()
    path = tmp_path / "cut.flac"
    path.write_bytes(raw[: int(len(raw) * 0.56)])
    complete = frames_ffmpeg_decodes(path)
    assert 0 < complete < round(PROMISED_S * SR) * 0.7
    return path, complete


def test_truncated_flac_shows_the_decoded_duration(qtbot, make_main_window, cut_flac):
    path, complete = cut_flac
    decoded_s = complete / SR
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    doc = window.document
    assert doc.duration == pytest.approx(decoded_s, abs=1e-9)
    info = window.info_label.text()
    assert f"{decoded_s:.2f} s" in info and f"{PROMISED_S:.2f} s" not in info, info
    assert f"file ends early: decoded {decoded_s:.2f} s of {PROMISED_S:.2f} s" in (
        window.warning_label.text())
    # the fitted time axis ends where the data ends, not at the promised end
    (t0, t1), _ = window.waveform.plot.getViewBox().viewRange()
    assert t0 == pytest.approx(0.0, abs=1e-6) and t1 == pytest.approx(decoded_s, rel=1e-3), (
        t0, t1)
    window.actions.select_all.trigger()
    assert doc.selection == (0.0, pytest.approx(decoded_s))


def test_zoomed_view_is_kept_when_the_cut_is_found(qtbot, make_main_window, cut_flac):
    """Only a view that showed the whole file is refitted; a zoom the user chose stays."""
    path, complete = cut_flac
    window = make_main_window()
    window.open_path(path)
    qtbot.waitUntil(lambda: window.document.source is not None, timeout=10000)
    window.waveform.plot.setXRange(0.2, 0.6, padding=0)
    wait_settled(qtbot, window)
    assert window.document.duration == pytest.approx(complete / SR)
    (t0, t1), _ = window.waveform.plot.getViewBox().viewRange()
    assert (t0, t1) == (pytest.approx(0.2), pytest.approx(0.6))
    assert f"{complete / SR:.2f} s" in window.info_label.text()
