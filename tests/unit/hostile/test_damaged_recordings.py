"""Damaged recordings lose nothing: every decodable sample, one warning, exit 0.

Each case is built from a good file written here: a WAV whose recorder died before the
header was finalised (RIFF/data sizes 0 or 0xFFFFFFFF), a WAV whose data size is too large,
a WAV, FLAC and MP3 cut short. What Sonolens recovers must equal the good file's prefix.
"""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import av
import librosa
import numpy as np
import pandas as pd
import pytest

from sonolens.audio import open_source
from sonolens.audio.source import MAX_FRAMES_PER_BYTE
from sonolens.cli.main import main
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.framing import frame_count
from sonolens.workers import jobs
from tests.unit.hostile import make

SR = make.SR
MPEG_FRAME = 1152  # samples per MPEG-1 Layer III frame


@pytest.fixture(scope="module")
def good_wav(tmp_path_factory) -> Path:
    return make.write(tmp_path_factory.mktemp("good") / "take.wav", make.rich(3.0), SR,
                      subtype="PCM_16")


def extract(capfd, path: Path, out: Path) -> tuple[int, list[str]]:
    """Run `sonolens -q extract PATH -o OUT` in this process; (exit code, stderr lines).

    capfd sees the process's file descriptor 2, so C decoders' chatter would show too.
    """
    code = main(["-q", "extract", str(path), "-o", str(out)])
    return code, capfd.readouterr().err.splitlines()


def assert_one_warning(lines: list[str], path: Path, pattern: str) -> str:
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"warning: {path}: "), lines
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in lines[0]
    return lines[0]


def assert_csv_rows(out: Path, samples: int) -> pd.DataFrame:
    table = pd.read_csv(out)
    assert len(table) == frame_count(samples, n_fft=2048, hop_length=512)
    assert np.isfinite(table.to_numpy()).all()
    return table


# -- WAV headers a dying recorder leaves ------------------------------------------------------
@pytest.mark.parametrize("size", [0, 0xFFFFFFFF], ids=["sizes-0", "sizes-ffffffff"])
def test_unfinalised_wav_gives_every_sample(tmp_path, capfd, good_wav, size):
    raw = good_wav.read_bytes()
    path = tmp_path / "died.wav"
    path.write_bytes(make.with_sizes(raw, riff=size, data=size))
    good = make.decoded(good_wav)

    with open_source(path) as source:
        assert source.frames == len(good)
        data = source.read_all()
        np.testing.assert_array_equal(source.read(1000, 5000), good[1000:5000])
        warnings = source.warnings
    np.testing.assert_array_equal(data, good)
    assert len(warnings) == 1 and "not finalised" in warnings[0], warnings
    assert "3.00 s" in warnings[0]
    assert path.read_bytes() == make.with_sizes(raw, riff=size, data=size)  # file untouched

    code, lines = extract(capfd, path, tmp_path / "died.csv")
    assert code == 0
    assert_one_warning(lines, path, r"not finalised .*recovered 3\.00 s")
    assert main(["-q", "extract", str(good_wav), "-o", str(tmp_path / "good.csv")]) == 0
    recovered = assert_csv_rows(tmp_path / "died.csv", len(good))
    np.testing.assert_array_equal(recovered.to_numpy(),
                                  pd.read_csv(tmp_path / "good.csv").to_numpy())


def test_unfinalised_header_with_nothing_recorded_is_an_error(tmp_path, capfd):
    header_only = make.write(tmp_path / "h.wav", np.zeros((0, 1), np.float32), SR)
    path = tmp_path / "nothing.wav"
    path.write_bytes(make.with_sizes(header_only.read_bytes(), riff=0, data=0))
    code, lines = extract(capfd, path, tmp_path / "o.csv")
    assert code == 1 and len(lines) == 1
    assert lines[0] == f"error: {path}: the file contains no audio samples"
    assert not (tmp_path / "o.csv").exists()


def test_wav_data_size_too_large(tmp_path, capfd, good_wav):
    raw = good_wav.read_bytes()
    _, first = make.data_chunk(raw)
    promised = 10 * (len(raw) - first)  # ten times the bytes present: 30 s of 3 s
    path = tmp_path / "big.wav"
    path.write_bytes(make.with_sizes(raw, riff=first - 8 + promised, data=promised))
    good = make.decoded(good_wav)

    with open_source(path) as source:
        data = source.read_all()
        warnings = source.warnings
    np.testing.assert_array_equal(data, good)
    assert warnings == ["file ends early: decoded 3.00 s of 30.00 s"]

    code, lines = extract(capfd, path, tmp_path / "big.csv")
    assert code == 0
    assert_one_warning(lines, path, r"file ends early: decoded 3\.00 s of 30\.00 s$")
    assert_csv_rows(tmp_path / "big.csv", len(good))


def test_truncated_wav_gives_the_prefix(tmp_path, capfd, good_wav):
    raw = good_wav.read_bytes()
    _, first = make.data_chunk(raw)
    cut = first + (len(raw) - first) // 2 + 3  # mid-frame: the partial frame is dropped
    path = tmp_path / "cut.wav"
    path.write_bytes(raw[:cut])
    good = make.decoded(good_wav)
    present = (cut - first) // 4  # 16-bit stereo: 4 bytes a frame

    with open_source(path) as source:
        data = source.read_all()
        warnings = source.warnings
        tail = source.read(present - 10, present + 10)
        np.testing.assert_array_equal(tail, good[present - 10 : present])
    assert len(data) == present
    np.testing.assert_array_equal(data, good[:present])
    assert warnings == [f"file ends early: decoded {present / SR:.2f} s of 3.00 s"]

    code, lines = extract(capfd, path, tmp_path / "cut.csv")
    assert code == 0
    assert_one_warning(lines, path, r"file ends early: decoded 1\.50 s of 3\.00 s$")
    assert_csv_rows(tmp_path / "cut.csv", present)


# -- compressed files cut short -----------------------------------------------------------------
def test_truncated_flac_gives_every_complete_frame(tmp_path, capfd):
    good = make.write(tmp_path / "good.flac", make.rich(4.0), SR, format="FLAC",
                      subtype="PCM_16")
    raw = good.read_bytes()
    path = tmp_path / "cut.flac"
    path.write_bytes(raw[: int(len(raw) * 0.4)])  # mid-frame: the frame at the cut is lost
    expected = make.decoded(good)
    with av.open(str(path)) as container:  # FFmpeg's own count of the complete frames
        complete = 0
        try:
            for frame in container.decode(audio=0):
                complete += frame.samples
        except av.error.FFmpegError:
            pass
    assert complete % make.flac_block_size(raw) == 0 and 0 < complete < len(expected)

    with open_source(path) as source:
        assert source.info.frames == len(expected)  # the header promises the whole take
        data = source.read_all()
        warnings = source.warnings
    assert len(data) == complete
    np.testing.assert_array_equal(data, expected[:complete])
    assert len(warnings) == 1
    assert warnings[0].startswith(f"file ends early: decoded {complete / SR:.2f} s of 4.00 s")

    code, lines = extract(capfd, path, tmp_path / "cut.csv")
    assert code == 0
    assert_one_warning(lines, path, rf"file ends early: decoded {complete / SR:.2f} s of 4\.00 s")
    assert_csv_rows(tmp_path / "cut.csv", complete)


def test_truncated_mp3_gives_the_decodable_prefix(tmp_path, capfd):
    good = make.write(tmp_path / "good.mp3", make.rich(4.0), SR, format="MP3",
                      subtype="MPEG_LAYER_III")
    raw = good.read_bytes()
    _, mpeg_frames = make.xing_frame_count(raw)
    path = tmp_path / "cut.mp3"
    path.write_bytes(raw[: int(len(raw) * 0.4)])
    reference = make.decoded(good)  # the good MP3 decoded in one read (as librosa.load)
    np.testing.assert_array_equal(reference.T, librosa.load(good, sr=None, mono=False)[0])
    assert mpeg_frames * MPEG_FRAME >= len(reference)

    with open_source(path) as source:
        assert source.info.frames == len(reference)  # the Xing header promises all of it
        data = source.read_all()
        warnings = source.warnings
    # all MPEG frames wholly present decode (the one at the cut may not): ~40 % of the take
    assert 0.4 * len(reference) - 3 * MPEG_FRAME <= len(data) <= 0.4 * len(reference)
    # identical to the good file's decode, except the last frame, whose bit reservoir may
    # reach into bytes that were cut
    np.testing.assert_array_equal(data[:-MPEG_FRAME], reference[: len(data) - MPEG_FRAME])
    np.testing.assert_allclose(data, reference[: len(data)], atol=1e-3)
    assert warnings == [f"file ends early: decoded {len(data) / SR:.2f} s of 4.00 s"]

    code, lines = extract(capfd, path, tmp_path / "cut.csv")
    assert code == 0
    assert_one_warning(lines, path, r"file ends early: decoded 1\.\d\d s of 4\.00 s$")
    assert_csv_rows(tmp_path / "cut.csv", len(data))


@pytest.mark.parametrize("blocksize", [1000, 4096, 65536])
def test_mp3_read_in_blocks_equals_one_read(tmp_path, blocksize):
    """soundfile re-seeks after each read; mpg123 then garbled the rest of that MPEG frame
    (up to 1152 samples at every block boundary) until the decoder stopped seeking."""
    good = make.write(tmp_path / "good.mp3", make.rich(3.0), SR, format="MP3",
                      subtype="MPEG_LAYER_III")
    with open_source(good) as source:
        data = np.concatenate(list(source.blocks(blocksize=blocksize)))
        assert source.warnings == []
    np.testing.assert_array_equal(data, make.decoded(good))


# -- headers that lie: no allocation from their promise -----------------------------------------
def _analyse_traced(path: Path) -> tuple[object, int]:
    """Open and analyse ``path`` like the window does; (source, peak traced bytes)."""
    tracemalloc.start()
    try:
        source = open_source(path)
        table, spectrogram, envelope = run_to_end(
            jobs.analysis_job(source, AnalysisParams(), "db", envelope=True))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.n_frames == spectrogram.n_frames
    assert envelope.n_frames == source.frames
    return source, peak


def test_flac_header_promising_a_year_allocates_for_what_is_there(tmp_path, capfd):
    good = make.write(tmp_path / "good.flac", make.rich(2.0), SR, format="FLAC")
    path = tmp_path / "liar.flac"
    path.write_bytes(make.flac_total_samples(good.read_bytes(), 2**36 - 1))  # ~36 days
    source, peak = _analyse_traced(path)
    assert source.info.frames == 2**36 - 1
    assert source.frames == len(make.decoded(good))
    assert peak < 200 * 2**20, f"{peak / 2**20:.0f} MB traced for a {path.stat().st_size} B file"
    np.testing.assert_array_equal(source.read_all(), make.decoded(good))
    source.close()
    code, lines = extract(capfd, path, tmp_path / "liar.csv")
    assert code == 0 and len(lines) == 1 and "file ends early: decoded 2.00 s" in lines[0]


def test_mp3_xing_header_promising_too_much_allocates_for_what_is_there(tmp_path):
    good = make.write(tmp_path / "good.mp3", make.rich(2.0), SR, format="MP3",
                      subtype="MPEG_LAYER_III")
    raw = bytearray(good.read_bytes())
    at, _ = make.xing_frame_count(bytes(raw))
    raw[at : at + 4] = (2**31 - 1).to_bytes(4, "big")  # 2.4e12 samples promised
    path = tmp_path / "liar.mp3"
    path.write_bytes(bytes(raw))
    size = path.stat().st_size
    with open_source(path) as probe:
        assert probe.info.frames > 2**40
        assert probe.frames <= size * MAX_FRAMES_PER_BYTE
    source, peak = _analyse_traced(path)
    assert peak < 200 * 2**20, f"{peak / 2**20:.0f} MB traced for a {size} B file"
    data, expected = source.read_all(), make.decoded(good)
    source.close()
    # the promise no longer matches, so mpg123 keeps the encoder's end padding (< 1 frame)
    assert len(expected) <= len(data) < len(expected) + MPEG_FRAME
    np.testing.assert_array_equal(data[: len(expected)], expected)
