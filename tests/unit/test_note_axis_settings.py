"""The note axis option (freq_axis, a4) is a view setting: validated, written into a
session file and a user preset, and read back as it was."""

from __future__ import annotations

import json

import pytest

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.presets import Preset, builtin_presets
from sonolens.core.view_settings import ViewSettings
from sonolens.export.session import Session, SessionError, read_session, write_session

NOTES = ViewSettings(freq_scale="log", freq_axis="notes", a4=432.0)


def test_defaults_and_validation():
    assert (ViewSettings().freq_axis, ViewSettings().a4) == ("hz", 440.0)
    for bad in ({"freq_axis": "midi"}, {"a4": 399.9}, {"a4": 480.5}, {"a4": True},
                {"a4": "440"}):
        with pytest.raises(ParameterError):
            ViewSettings().replace(**bad)
    assert ViewSettings().replace(a4=400, freq_axis="notes").a4 == 400


def test_session_file_keeps_the_note_axis(tmp_path):
    audio = tmp_path / "x.wav"
    audio.write_bytes(b"")
    path = write_session(Session(audio=audio, view=NOTES), tmp_path / "s.sonolens")
    stored = json.loads(path.read_text(encoding="utf-8"))["view"]
    assert (stored["freq_axis"], stored["a4"]) == ("notes", 432.0)
    assert read_session(path).view == NOTES
    stored["a4"] = 1000.0
    path.write_text(json.dumps({**json.loads(path.read_text()), "view": stored}))
    with pytest.raises(SessionError, match="a4"):
        read_session(path)


def test_older_session_without_the_fields_opens_with_hz(tmp_path):
    audio = tmp_path / "x.wav"
    audio.write_bytes(b"")
    path = write_session(Session(audio=audio), tmp_path / "s.sonolens")
    data = json.loads(path.read_text())
    del data["view"]["freq_axis"], data["view"]["a4"]
    path.write_text(json.dumps(data))
    assert read_session(path).view == ViewSettings()


def test_user_preset_keeps_the_note_axis_and_builtins_leave_it():
    preset = Preset.capture("notes", AnalysisParams(), NOTES)
    stored = json.loads(json.dumps(preset.as_dict()))
    assert (stored["view"]["freq_axis"], stored["view"]["a4"]) == ("notes", 432.0)
    loaded = Preset.from_dict(stored)
    _, view = loaded.apply(AnalysisParams(), ViewSettings())
    assert (view.freq_axis, view.a4) == ("notes", 432.0)
    for builtin in builtin_presets(22050):  # a shipped preset keeps the user's axis
        _, kept = builtin.apply(AnalysisParams(), NOTES)
        assert (kept.freq_axis, kept.a4) == ("notes", 432.0)
    with pytest.raises(ParameterError):
        Preset.from_dict({**stored, "view": {**stored["view"], "a4": 10.0}})
