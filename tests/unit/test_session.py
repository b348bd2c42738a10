"""Session files (.sonolens): written, read back, moved, and refused when malformed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sonolens.audio.playback.mix import ChannelMix
from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import ViewSettings
from sonolens.export.session import Session, SessionError, read_session, write_session


def _session(audio: Path) -> Session:
    notes = AnnotationSet(tiers=[Tier("calls", color="#12ab9f"),
                                 Tier("clicks", points=True, visible=False)])
    notes.add(Annotation(0.25, 1.125, 'a "call", \tdé', "calls", 500.0, 4000.0,
                         (("Notes", "x,y"),)))
    notes.add(Annotation(1.5, 1.5, "", "clicks"))
    return Session(audio=audio, params=AnalysisParams(n_fft=1024, hop_length=256, fmax=8000.0),
                   view=ViewSettings(kind="mel_db", colormap="gray", db_range=60.0,
                                     overlays=frozenset({"spectral_rolloff"})),
                   annotations=notes, selection=(0.5, 1.0), view_range=(0.1, 1.9))


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    audio = tmp_path / "rec" / "a b.wav"
    audio.parent.mkdir()
    audio.write_bytes(b"RIFF")
    session = _session(audio)
    path = write_session(session, tmp_path / "s.sonolens")
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["audio"] == "rec/a b.wav"  # relative to the session's folder
    back = read_session(path)
    assert back.audio == audio
    assert back.params == session.params
    assert back.view == session.view
    assert back.annotations.tiers == session.annotations.tiers
    assert back.annotations.annotations == session.annotations.annotations
    assert back.selection == (0.5, 1.0) and back.view_range == (0.1, 1.9)


def test_moved_folder_still_finds_the_audio(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "x.wav").write_bytes(b"RIFF")
    write_session(_session(folder / "x.wav"), folder / "s.sonolens")
    moved = tmp_path / "elsewhere" / "project2"
    shutil.move(str(folder), moved)
    back = read_session(moved / "s.sonolens")
    assert back.audio == moved / "x.wav" and back.audio.is_file()


def test_no_selection_and_unknown_keys(tmp_path: Path) -> None:
    session = _session(tmp_path / "x.wav")
    session.selection = session.view_range = None
    path = write_session(session, tmp_path / "s.sonolens")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["future_key"] = {"anything": 1}
    data["params"]["future_param"] = 3
    path.write_text(json.dumps(data), encoding="utf-8")
    back = read_session(path)
    assert back.selection is None and back.view_range is None
    assert back.params == session.params


def _broken(tmp_path: Path, change) -> Path:
    path = write_session(_session(tmp_path / "x.wav"), tmp_path / "s.sonolens")
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d.update(version=99), "newer"),
    (lambda d: d.update(version="1"), "version"),
    (lambda d: d.pop("audio"), "audio"),
    (lambda d: d["params"].update(n_fft=-4), "n_fft"),
    (lambda d: d["view"].update(colormap="rainbow"), "colormap"),
    (lambda d: d.update(selection=[1.0, 0.5]), "selection"),
    (lambda d: d.update(view_range="all"), "view_range"),
    (lambda d: d["annotations"][0].update(start="soon"), "annotations[0].start"),
    (lambda d: d["annotations"][0].update(end=0.0), "annotations[0]"),
    (lambda d: d["annotations"][1].update(label=5), "annotations[1].label"),
    (lambda d: d.update(tiers=[{"colour": 1}]), "tiers[0]"),
    (lambda d: d["tiers"][0].update(color="red"), "tiers[0].color"),
    (lambda d: d.update(channel_mix=[1]), "channel_mix"),
    (lambda d: d.update(channel_mix={"channels": -1}), "channel_mix.channels"),
    (lambda d: d.update(channel_mix={"channels": 2, "muted": [2]}), "channel_mix.muted"),
    (lambda d: d.update(channel_mix={"channels": 2, "soloed": ["1"]}), "channel_mix.soloed"),
])
def test_bad_values_name_their_key(tmp_path: Path, change, words: str) -> None:
    path = _broken(tmp_path, change)
    with pytest.raises(SessionError) as info:
        read_session(path)
    message = str(info.value)
    assert message.startswith("s.sonolens: ") and words in message and "\n" not in message


@pytest.mark.parametrize("content", [b"", b"{", b"[1, 2]", b"\xff\xfe garbage",
                                     b'{"version": 1, "audio": "x.wav", "selection": [NaN, 1]}'])
def test_malformed_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.sonolens"
    path.write_bytes(content)
    with pytest.raises(SessionError, match=r"^bad\.sonolens: "):
        read_session(path)


def test_missing_file_and_failed_write_keep_the_old_file(tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="cannot read"):
        read_session(tmp_path / "none.sonolens")
    path = write_session(_session(tmp_path / "x.wav"), tmp_path / "s.sonolens")
    before = path.read_bytes()
    bad = _session(tmp_path / "x.wav")
    bad.selection = (float("nan"), 1.0)
    with pytest.raises(ValueError):
        write_session(bad, path)
    assert path.read_bytes() == before


def test_other_open_recordings_round_trip_relative_to_the_session(tmp_path: Path) -> None:
    other_notes = AnnotationSet()
    other_notes.add(Annotation(0.5, 1.5, "b", "words"))
    other = Session(audio=tmp_path / "sub" / "b.wav", params=AnalysisParams(n_fft=1024),
                    view=ViewSettings(), annotations=other_notes, selection=(0.25, 0.5),
                    view_range=(0.0, 2.0))
    main = Session(audio=tmp_path / "a.wav", others=(other,))
    path = write_session(main, tmp_path / "s.sonolens")
    data = json.loads(path.read_text())
    assert data["others"][0]["audio"] == "sub/b.wav"  # relative, as the main recording's
    back = read_session(path)
    assert back.audio == tmp_path / "a.wav"
    assert len(back.others) == 1 and back.others[0].audio == tmp_path / "sub" / "b.wav"
    assert back.others[0].params.n_fft == 1024
    assert back.others[0].annotations.annotations == other_notes.annotations
    assert back.others[0].selection == (0.25, 0.5) and back.others[0].others == ()
    data["others"] = ["b.wav"]
    path.write_text(json.dumps(data))
    with pytest.raises(SessionError, match="others: expected a list of recordings"):
        read_session(path)


def test_mute_and_solo_round_trip_and_old_files_mute_nothing(tmp_path: Path) -> None:
    session = _session(tmp_path / "a.wav")
    session.channel_mix = ChannelMix(2, frozenset({1}), frozenset({0}))
    other = Session(audio=tmp_path / "b.wav",
                    channel_mix=ChannelMix(4, frozenset({2, 3}), frozenset()))
    session.others = (other, Session(audio=tmp_path / "c.wav"))
    path = write_session(session, tmp_path / "s.sonolens")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1  # an optional key: older readers ignore it
    assert data["channel_mix"] == {"channels": 2, "muted": [1], "soloed": [0]}
    assert data["others"][0]["channel_mix"] == {"channels": 4, "muted": [2, 3], "soloed": []}
    assert "channel_mix" not in data["others"][1]  # nothing muted: nothing written
    back = read_session(path)
    assert back.channel_mix == session.channel_mix
    assert [o.channel_mix for o in back.others] == [other.channel_mix, None]
    for d in (data, *data["others"]):  # a file from before mute/solo were saved
        d.pop("channel_mix", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    old = read_session(path)
    assert old.channel_mix is None and all(o.channel_mix is None for o in old.others)
    assert old.params == session.params and old.annotations.annotations
    plain = Session(audio=tmp_path / "a.wav", channel_mix=ChannelMix(2))
    assert "channel_mix" not in json.loads(
        write_session(plain, tmp_path / "p.sonolens").read_text(encoding="utf-8"))


def test_a_saved_mix_for_another_channel_count_mutes_nothing() -> None:
    mix = ChannelMix(2, frozenset({1}), frozenset({0}))
    assert mix.for_channels(2) is mix
    assert mix.for_channels(3) == ChannelMix(3)  # the file changed since: every channel plays
    assert mix.for_channels(1).audible() == (True,)
