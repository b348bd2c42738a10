"""`--channel` counts from 1 as the window does (`1` … `N`, or `mix`) (issue 14, defect 9)."""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from sonolens.cli.main import build_parser, main
from tests.unit.signals import make_signal

SR = 22050


@pytest.fixture
def stereo(tmp_path) -> Path:
    """Channel 1 and channel 2 differ (other signals), so a swap is visible."""
    path = tmp_path / "stereo.wav"
    left, right = make_signal(SR, 1.5, seed=1), 0.5 * make_signal(SR, 1.5, seed=2)[::-1]
    sf.write(path, np.stack([left, right], axis=1), SR, subtype="FLOAT")
    return path


@pytest.mark.parametrize("number", [1, 2])
def test_channel_n_is_the_nth_channel(stereo, tmp_path, number):
    out = tmp_path / "o.csv"
    assert main(["-q", "extract", str(stereo), "-o", str(out), "--channel", str(number),
                 "--features", "centroid"]) == 0
    y, _ = librosa.load(stereo, sr=None, mono=False)
    expected = librosa.feature.spectral_centroid(y=y[number - 1], sr=SR)[0]
    np.testing.assert_allclose(pd.read_csv(out)["spectral_centroid"], expected, rtol=1e-4)


@pytest.mark.parametrize("command", ["extract", "render", "dataset"])
@pytest.mark.parametrize("value", ["0", "3", "-1"])
def test_channel_outside_1_to_n_is_a_usage_error(stereo, tmp_path, capfd, command, value):
    out = tmp_path / ("o.png" if command == "render" else "o.csv")
    target = stereo.parent if command == "dataset" else stereo
    assert main([command, str(target), "-o", str(out), "--channel", value]) == 2
    lines = [ln for ln in capfd.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "error:" in lines[0], lines
    assert "1..2" in lines[0] or (value != "3" and "from 1" in lines[0]), lines[0]
    assert not out.exists()


def test_several_inputs_name_the_file_that_lacks_the_channel(stereo, tmp_path, capfd):
    mono = tmp_path / "mono.wav"
    sf.write(mono, make_signal(SR, 1.0), SR)
    out = tmp_path / "o.csv"
    assert main(["extract", str(stereo), str(mono), "-o", str(out), "--channel", "2"]) == 2
    err = capfd.readouterr().err
    assert str(mono) in err and "1..1" in err and not out.exists()


@pytest.mark.parametrize("command", ["extract", "render", "dataset"])
def test_help_says_channels_count_from_1(command, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--channel" in text and "numbered from 1" in text and "mix" in text
    assert "0-based" not in text
