"""Spectrogram presets (core.presets): built-ins sized for the rate, applying, matching,
and user presets from an untrusted settings file."""

from __future__ import annotations

import pytest

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.presets import (
    BIRD_SONG,
    BUILTIN_NAMES,
    HARMONICS,
    MUSIC,
    PRESET_PARAM_FIELDS,
    SPEECH,
    Preset,
    builtin_presets,
    load_user_presets,
    next_power_of_two,
)
from sonolens.core.view_settings import ViewSettings


def builtin(name: str, sr: int | None) -> Preset:
    return next(p for p in builtin_presets(sr) if p.name == name)


@pytest.mark.parametrize("sr,n_fft,win,hop,fmax", [
    (8000, 256, 200, 80, None),
    (16000, 512, 400, 160, None),
    (22050, 1024, 551, 220, 8000.0),
    (44100, 2048, 1102, 441, 8000.0),
    (48000, 2048, 1200, 480, 8000.0),
])
def test_speech_is_25_ms_windows_every_10_ms_at_the_file_rate(sr, n_fft, win, hop, fmax):
    params, view = builtin(SPEECH, sr).apply(AnalysisParams(), ViewSettings(), sr)
    assert (params.n_fft, params.win_length, params.hop_length) == (n_fft, win, hop)
    assert params.win_length / sr == pytest.approx(0.025, abs=0.5 / sr + 1e-12)
    assert params.hop_length / sr == pytest.approx(0.010, abs=0.5 / sr + 1e-12)
    assert params.fmax == fmax and params.n_mels == 80
    assert view.kind == "db" and view.db_range == 70.0


def test_other_builtins():
    music, _ = builtin(MUSIC, 44100).apply(AnalysisParams(n_fft=512, hop_length=64),
                                           ViewSettings())
    assert (music.n_fft, music.hop_length, music.win_length) == (2048, 512, None)
    bird, _ = builtin(BIRD_SONG, 44100).apply(AnalysisParams(), ViewSettings(), 44100)
    assert (bird.n_fft, bird.hop_length) == (512, 128)  # 11.6 ms windows, 2.9 ms hops
    bird, _ = builtin(BIRD_SONG, 22050).apply(AnalysisParams(), ViewSettings(), 22050)
    assert (bird.n_fft, bird.hop_length) == (256, 64)
    fine, view = builtin(HARMONICS, None).apply(AnalysisParams(), ViewSettings())
    assert (fine.n_fft, fine.hop_length, view.freq_scale) == (8192, 2048, "log")
    assert [p.name for p in builtin_presets(None)] == list(BUILTIN_NAMES)
    assert [next_power_of_two(n) for n in (1, 2, 3, 400, 512, 513)] == [1, 2, 4, 512, 512, 1024]


def test_apply_keeps_the_rest_and_stays_valid():
    params = AnalysisParams(channel=1, sr=16000, n_mfcc=100, n_mels=128, roll_percent=0.9)
    view = ViewSettings(colormap="viridis", lower_view="chroma")
    new, new_view = builtin(SPEECH, 16000).apply(params, view, 16000)
    assert (new.channel, new.sr, new.roll_percent) == (1, 16000, 0.9)  # not preset fields
    assert new.n_mels == 80 and new.n_mfcc == 80  # lowered to n_mels, not an error
    assert (new_view.colormap, new_view.lower_view) == ("viridis", "chroma")
    # a saved fmax past this file's Nyquist is dropped, an fmin past it reset
    mine = Preset("hi", (("fmin", 9000.0), ("fmax", 20000.0)), ())
    low, _ = mine.apply(AnalysisParams(), ViewSettings(), 16000)
    assert (low.fmin, low.fmax) == (0.0, None)


def test_matches_when_applying_changes_nothing():
    music = builtin(MUSIC, 22050)
    params, view = music.apply(AnalysisParams(), ViewSettings())
    assert music.matches(params, view, 22050)
    assert not music.matches(AnalysisParams(), ViewSettings(), 22050)  # linear axis
    assert not music.matches(params.replace(hop_length=256), view, 22050)
    speech = builtin(SPEECH, 16000)
    params, view = speech.apply(AnalysisParams(), ViewSettings(), 16000)
    assert speech.matches(params, view, 16000)
    assert not builtin(SPEECH, 44100).matches(params, view, 44100)  # sized for another rate


def test_user_preset_round_trips_every_field():
    params = AnalysisParams(n_fft=1024, hop_length=300, win_length=900, window="hamming",
                            n_mels=64, fmin=50.0, fmax=7000.0, n_mfcc=13, top_db=60.0)
    view = ViewSettings(kind="mel_db", freq_scale="mel", colormap="gray", db_range=55.0)
    saved = Preset.capture("  Frogs  ", params, view)
    assert saved.name == "Frogs" and {f for f, _ in saved.params} == set(PRESET_PARAM_FIELDS)
    loaded = Preset.from_dict(saved.as_dict())
    assert loaded == saved
    assert loaded.apply(AnalysisParams(sr=16000, channel=0), ViewSettings()) == (
        params.replace(sr=16000, channel=0), view)


HOSTILE = [
    None, 3, "x", [], {"name": ""}, {"name": 7}, {"name": "a\x00b"}, {"name": "n" * 500},
    {"name": "big", "params": {"n_fft": 2**40}},
    {"name": "float", "params": {"n_fft": 2048.0}},
    {"name": "bool", "params": {"hop_length": True}},
    {"name": "neg", "params": {"fmin": -1.0}},
    {"name": "nan", "params": {"fmax": float("nan")}},
    {"name": "win", "params": {"n_fft": 512, "win_length": 1024}},
    {"name": "list", "params": {"window": ["hann"]}},
    {"name": "window", "params": {"window": "kaiser; rm -rf"}},
    {"name": "unknown", "params": {"sr": 8000}},
    {"name": "field", "params": {"__class__": 1}},
    {"name": "kind", "view": {"kind": "sonar"}},
    {"name": "range", "view": {"db_range": 1e9}},
    {"name": "params", "params": [1, 2]},
    {"name": MUSIC, "params": {"n_fft": 1024}},  # a built-in's name
]


def test_hostile_user_presets_are_dropped_good_ones_kept():
    good = Preset.capture("Good", AnalysisParams(n_fft=4096), ViewSettings(kind="power"))
    raw = [*HOSTILE, good.as_dict(), {**good.as_dict(), "params": {"n_fft": 256}}]
    assert load_user_presets(raw) == [good]  # the repeated name keeps the first
    for item in HOSTILE[4:-1]:
        with pytest.raises(ParameterError):
            Preset.from_dict(item)
    assert load_user_presets({"name": "x"}) == [] and load_user_presets("[]") == []
    many = [Preset.capture(f"p{k}", AnalysisParams(), ViewSettings()).as_dict()
            for k in range(500)]
    assert len(load_user_presets(many)) == 100


def test_music_notes_preset_is_librosas_cqt_and_fits_the_rate():
    """The constant-Q preset: kind cqt with librosa.cqt's defaults, fewer bins where the
    top ones would pass Nyquist (then librosa.cqt accepts them and one more it refuses)."""
    import librosa
    import numpy as np

    from sonolens.core.presets import MUSIC_NOTES

    params, view = builtin(MUSIC_NOTES, 22050).apply(AnalysisParams(n_fft=512), ViewSettings(),
                                                     22050)
    assert view.kind == "cqt" and params.hop_length == 512 and params.n_fft == 512
    assert (params.cqt_fmin, params.cqt_n_bins, params.cqt_bins_per_octave,
            params.cqt_gamma) == (librosa.note_to_hz("C1"), 84, 12, 0.0)
    y = np.zeros(4096, dtype=np.float32)
    bins = {}
    for sr in (6000, 8000, 11025):
        fitted, _ = builtin(MUSIC_NOTES, sr).apply(AnalysisParams(), ViewSettings(), sr)
        bins[sr] = n_bins = fitted.cqt_n_bins
        librosa.cqt(y, sr=sr, n_bins=n_bins)  # accepted
        if n_bins < 84:
            with pytest.raises(librosa.util.exceptions.ParameterError, match="Nyquist"):
                librosa.cqt(y, sr=sr, n_bins=n_bins + 1)
    assert bins[6000] < bins[8000] < bins[11025] == 84
