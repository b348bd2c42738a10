"""The audio seam: the file source and the excerpt implement the protocols the app reads
audio through, the app names only the protocols, and a source that is not a file (an
in-memory array whose length grows as it is read, like a live input) runs through the
feature engine and the spectrogram with the same numbers as the file of the same samples."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import AudioFile, AudioSource, Playable, open_source
from sonolens.audio.excerpt import Excerpt, excerpt
from sonolens.audio.protocol import BLOCK_FRAMES
from sonolens.audio.source import FileSource
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.engine import extract_features
from sonolens.dsp.spectrogram import compute_spectrogram
from tests.unit.signals import make_signal
from tests.unit.streamed import compute_envelope

ROOT = Path(__file__).resolve().parents[2]
SR = 22050


def _members(protocol: type) -> list[str]:
    """Public members a protocol declares, its bases' included."""
    return sorted({name for klass in protocol.__mro__ if klass.__module__ == protocol.__module__
                   for name in vars(klass) if not name.startswith("_")})


def _check_structure(source: object, protocol: type) -> None:
    """Every member of ``protocol`` exists on ``source``: data members as properties or
    attributes, methods with the protocol's parameters (names, kinds, defaults)."""
    kind = type(source).__name__
    for name in _members(protocol):
        wanted = inspect.getattr_static(protocol, name)
        found = inspect.getattr_static(source, name, None)
        assert found is not None, f"{kind} lacks {name}"
        if isinstance(wanted, property):
            assert isinstance(found, property) or not callable(found), f"{kind}.{name}"
            continue
        assert callable(found), f"{kind}.{name} is not a method"
        expected = inspect.signature(wanted).parameters
        actual = inspect.signature(found).parameters
        assert [(p.name, p.kind, p.default) for p in actual.values()] == \
               [(p.name, p.kind, p.default) for p in expected.values()], \
               f"{kind}.{name}{inspect.signature(found)}"


@pytest.fixture
def wav(tmp_path) -> Path:
    y = np.stack([make_signal(SR, 3.0), make_signal(SR, 3.0, seed=1)[::-1]], axis=1)
    path = tmp_path / "two channels.wav"
    sf.write(path, y, SR, subtype="FLOAT")
    return path


def test_the_protocols_list_what_the_app_reads():
    assert _members(Playable) == ["channels", "frames", "read", "samplerate"]
    assert _members(AudioSource) == ["blocks", "channels", "close", "frames", "length_known",
                                     "read", "samplerate", "warnings"]
    assert set(_members(AudioFile)) - set(_members(AudioSource)) == {
        "backend", "describe", "path", "read_if_seekable"}


def test_file_source_and_excerpt_implement_the_protocols(wav):
    with open_source(wav) as source:
        assert isinstance(source, FileSource) and isinstance(source, AudioFile)
        _check_structure(source, AudioFile)
        cut = excerpt(source, offset=0.5, duration=1.0)
        _check_structure(cut, AudioSource)
        assert isinstance(cut, Excerpt) and isinstance(cut, AudioSource)
        assert not isinstance(cut, AudioFile)  # no describe/backend: not what the window opens
        assert isinstance(cut, Playable)


def test_a_class_that_lacks_a_member_does_not_pass():
    class NoBlocks:
        samplerate, channels, frames, length_known, warnings = SR, 1, 0, True, []

        def read(self, start: int, stop: int) -> np.ndarray:
            return np.zeros((0, 1), np.float32)

        def close(self) -> None:
            pass

    assert isinstance(NoBlocks(), Playable)
    assert not isinstance(NoBlocks(), AudioSource)
    with pytest.raises(AssertionError, match="lacks blocks"):
        _check_structure(NoBlocks(), AudioSource)


def test_excerpt_reads_its_own_frames(wav):
    with open_source(wav) as source:
        every = source.read(0, source.frames)
        cut = excerpt(source, offset=0.5, duration=1.0)
        start = int(0.5 * SR)
        assert cut.frames == SR
        np.testing.assert_array_equal(cut.read(0, cut.frames), every[start:start + SR])
        np.testing.assert_array_equal(cut.read(100, 200), every[start + 100:start + 200])
        np.testing.assert_array_equal(cut.read(SR - 10, SR + 50), every[start + SR - 10:start + SR])
        assert cut.read(SR + 5, SR + 50).shape == (0, 2)  # past the excerpt's end
        np.testing.assert_array_equal(np.concatenate(list(cut.blocks(4096))),
                                      cut.read(0, cut.frames))
        tail = excerpt(source, offset=2.5)  # to the end of the data
        np.testing.assert_array_equal(tail.read(0, 10**9), every[int(2.5 * SR):])


def test_nothing_outside_audio_names_the_file_class():
    """The app outside sonolens.audio reads through the protocols (open_source opens one)."""
    offenders = []
    for path in (ROOT / "app" / "sonolens").rglob("*.py"):
        if path.parent.name == "audio":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "sonolens.audio.source":
                offenders += [f"{path.name}: {a.name}" for a in node.names
                              if a.name != "open_source"]
            elif isinstance(node, ast.Name | ast.Attribute):
                name = node.id if isinstance(node, ast.Name) else node.attr
                if name == "FileSource":
                    offenders.append(f"{path.name}: FileSource")
    assert offenders == []


class GrowingArraySource:
    """An in-memory source that, like a live input, learns its length as it is read:
    ``frames`` counts what has been handed out so far until the end is reached."""

    def __init__(self, data: np.ndarray, samplerate: int) -> None:
        self._data = data
        self.samplerate = samplerate
        self.channels = data.shape[1]
        self._seen = 0
        self.length_known = False
        self.warnings: list[str] = []
        self.closed = False

    @property
    def frames(self) -> int:
        return self._seen

    def blocks(self, blocksize: int = BLOCK_FRAMES, start: int = 0) -> Iterator[np.ndarray]:
        for first in range(start, len(self._data), blocksize):
            block = self._data[first:first + blocksize]
            self._seen = max(self._seen, first + len(block))
            yield block
        if start == 0:
            self.length_known = True

    def read(self, start: int, stop: int) -> np.ndarray:
        return self._data[max(0, start):max(0, start, stop)]

    def close(self) -> None:
        self.closed = True


def test_an_in_memory_source_gives_the_files_numbers(wav):
    with open_source(wav) as source:
        samples = source.read(0, source.frames)
        params = AnalysisParams()
        expected = run_to_end(extract_features(source, params))
        spectrogram = run_to_end(compute_spectrogram(source, params, "db"))
        envelope = run_to_end(compute_envelope(source))
    memory = GrowingArraySource(samples, SR)
    _check_structure(memory, AudioSource)
    assert isinstance(memory, AudioSource) and memory.frames == 0
    table = run_to_end(extract_features(memory, params))
    assert memory.length_known and memory.frames == len(samples)
    assert table.names == expected.names and table.n_frames == expected.n_frames > 100
    np.testing.assert_array_equal(table.times, expected.times)
    for name in expected.names:
        np.testing.assert_array_equal(table.columns[name], expected.columns[name], err_msg=name)
    assert table.tuning == expected.tuning

    memory = GrowingArraySource(samples, SR)
    grown = run_to_end(compute_spectrogram(memory, params, "db"))
    assert grown.n_frames == spectrogram.n_frames
    np.testing.assert_array_equal(grown.values[:grown.filled],
                                  spectrogram.values[:spectrogram.filled])
    memory = GrowingArraySource(samples, SR)
    drawn = run_to_end(compute_envelope(memory))
    assert drawn.n_frames == envelope.n_frames and drawn.filled == envelope.filled
    for got, want, filled in zip(drawn.levels, envelope.levels, envelope.filled, strict=True):
        np.testing.assert_array_equal(got[:filled], want[:filled])
