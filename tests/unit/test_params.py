"""Invalid parameters raise ParameterError naming the parameter."""

from __future__ import annotations

import pytest

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams


@pytest.mark.parametrize(
    "changes,name",
    [
        (dict(n_fft=0), "n_fft"),
        (dict(n_fft=2048.5), "n_fft"),
        (dict(hop_length=0), "hop_length"),
        (dict(win_length=4096), "win_length"),
        (dict(window="kaiser-bessel"), "window"),
        (dict(n_mels=0), "n_mels"),
        (dict(n_mfcc=200), "n_mfcc"),
        (dict(fmin=-1.0), "fmin"),
        (dict(fmin=500.0, fmax=100.0), "fmax"),
        (dict(roll_percent=1.5), "roll_percent"),
        (dict(p=0.0), "p"),
        (dict(sr=0), "sr"),
        (dict(channel=-1), "channel"),
        (dict(top_db=float("nan")), "top_db"),
    ],
)
def test_invalid_parameters_name_themselves(changes, name):
    with pytest.raises(ParameterError, match=rf"^{name}="):
        AnalysisParams(**changes).validate()


def test_rate_dependent_checks():
    with pytest.raises(ParameterError, match=r"fmax=.*Nyquist"):
        AnalysisParams(fmax=6000.0).validate_for_rate(8000)
    AnalysisParams(fmax=4000.0).validate_for_rate(8000)


def test_defaults_are_librosas():
    p = AnalysisParams().validate()
    assert (p.n_fft, p.hop_length, p.window, p.n_mels, p.n_mfcc, p.roll_percent) == (
        2048, 512, "hann", 128, 20, 0.85)
    assert p.sr is None and p.channel is None and p.frame_length == 2048


def test_a_missing_channel_is_named_as_users_count_them():
    from sonolens.dsp.signal import check_channel

    check_channel(1, 2)  # the second of two
    with pytest.raises(ParameterError, match=r"channel 3 does not exist: the file has 2 "):
        check_channel(2, 2)
