"""No command writes over one of its own inputs (same path, or the same file via a link)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import soundfile as sf

from sonolens.cli.main import main
from sonolens.core.errors import ParameterError
from sonolens.export.own_input import refuse_own_inputs
from tests.unit.signals import make_signal


def write_wav(path: Path, seconds: float = 1.0, sr: int = 16000, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, make_signal(sr, seconds, seed=seed), sr, subtype="PCM_16")
    return path


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


@pytest.fixture
def audio(tmp_path) -> Path:
    return write_wav(tmp_path / "a.wav")


# -- the shared check -----------------------------------------------------------------------
def test_same_path_is_refused(audio):
    with pytest.raises(ParameterError, match=r"a\.wav is one of the inputs"):
        refuse_own_inputs([audio], [audio])


def test_same_file_through_another_spelling_is_refused(audio, monkeypatch):
    (audio.parent / "sub").mkdir()
    monkeypatch.chdir(audio.parent)
    with pytest.raises(ParameterError, match="input"):
        refuse_own_inputs([Path("sub/../a.wav")], [audio])


def test_symlink_and_hardlink_to_an_input_are_refused(audio, tmp_path):
    soft = tmp_path / "soft.csv"
    soft.symlink_to(audio)
    hard = tmp_path / "hard.csv"
    os.link(audio, hard)
    for link in (soft, hard):
        with pytest.raises(ParameterError, match="same file as the input"):
            refuse_own_inputs([link], [audio])
    # and the other way round: the input given through the link, the output by its name
    with pytest.raises(ParameterError):
        refuse_own_inputs([audio], [soft])


def test_new_or_different_output_passes(audio, tmp_path):
    other = write_wav(tmp_path / "b.wav", seed=1)
    refuse_own_inputs([tmp_path / "new.csv", other], [audio])
    refuse_own_inputs([tmp_path / "new.csv"], [tmp_path / "missing.wav"])


# -- extract --------------------------------------------------------------------------------
def test_extract_over_its_input_is_refused(audio, capfd):
    before = audio.read_bytes()
    assert main(["extract", str(audio), "-o", str(audio)]) == 2
    lines = error_lines(capfd.readouterr().err)
    assert len(lines) == 1 and "error:" in lines[0] and str(audio) in lines[0], lines
    assert audio.read_bytes() == before
    assert not list(audio.parent.glob(".a.wav*")), "temp file left behind"


def test_extract_over_a_later_input_or_a_link_is_refused(audio, tmp_path, capfd):
    second = write_wav(tmp_path / "b.wav", seed=1)
    before = second.read_bytes()
    assert main(["extract", str(audio), str(second), "-o", str(second)]) == 2
    link = tmp_path / "link.csv"
    link.symlink_to(second)
    assert main(["extract", str(audio), str(second), "-o", str(link)]) == 2
    hard = tmp_path / "hard.csv"
    os.link(second, hard)
    assert main(["extract", str(second), "-o", str(hard)]) == 2
    assert second.read_bytes() == before and link.is_symlink()
    assert len(error_lines(capfd.readouterr().err)) == 3


def test_extract_to_a_new_file_still_works(audio, tmp_path):
    out = tmp_path / "out.csv"
    assert main(["-q", "extract", str(audio), "-o", str(out)]) == 0
    assert len(pd.read_csv(out)) > 0


# -- dataset --------------------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "corpus"
    write_wav(root / "x" / "one.wav", seed=1)
    write_wav(root / "y" / "two.wav", seed=2)
    return root


def test_dataset_over_one_of_its_files_is_refused(folder, capfd):
    victim = folder / "y" / "two.wav"
    before = victim.read_bytes()
    assert main(["dataset", str(folder), "-o", str(victim)]) == 2
    lines = error_lines(capfd.readouterr().err)
    assert len(lines) == 1 and "error:" in lines[0] and str(victim) in lines[0], lines
    assert victim.read_bytes() == before
    assert not (folder / "y" / "two.errors.csv").exists()


def test_dataset_over_a_link_to_one_of_its_files_is_refused(folder, tmp_path):
    victim = folder / "x" / "one.wav"
    before = victim.read_bytes()
    hard = tmp_path / "table.csv"
    os.link(victim, hard)
    assert main(["-q", "dataset", str(folder), "-o", str(hard)]) == 2
    assert victim.read_bytes() == before and hard.read_bytes() == before


def test_dataset_output_inside_the_folder_is_not_read_as_input(folder):
    out = folder / "table.csv"
    assert main(["-q", "dataset", str(folder), "-o", str(out)]) == 0
    assert sorted(pd.read_csv(out)["filename"]) == ["x/one.wav", "y/two.wav"]
    # again, keeping the rows: the table it wrote is still not taken for audio
    assert main(["-q", "dataset", str(folder), "-o", str(out), "--resume"]) == 0
    assert sorted(pd.read_csv(out)["filename"]) == ["x/one.wav", "y/two.wav"]


def test_make_dataset_refuses_before_reading(folder):
    """The window's Batch Export runs the same generator: it refuses too."""
    from sonolens.export.dataset_batch import make_dataset
    from sonolens.export.dataset_table import DatasetSpec

    victim = folder / "x" / "one.wav"
    before = victim.read_bytes()
    job = make_dataset(folder, victim, DatasetSpec())
    with pytest.raises(ParameterError, match="input"):
        next(job)
    assert victim.read_bytes() == before
