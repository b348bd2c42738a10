"""Decoding through ``sonolens.audio.open_source``: formats, random access, errors, damage.

Every file is generated here (soundfile for libsndfile formats, PyAV's encoders for
AAC in M4A and in an MP4 that also carries a video stream).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import av
import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.errors import AudioError
from sonolens.dsp.signal import to_mono

TONE_HZ = 440.0
DURATION = 0.5  # seconds; short keeps the whole module fast


# -- signal and file makers ----------------------------------------------------------------
def tone(sr: int, channels: int, duration: float = DURATION) -> np.ndarray:
    """(n, channels) float32: a 440 Hz sine per channel (distinct phases), plus a little noise."""
    t = np.arange(round(sr * duration)) / sr
    rng = np.random.default_rng(channels * 1000 + sr)
    cols = [
        0.5 * np.sin(2 * np.pi * TONE_HZ * t + 0.7 * k) + 0.01 * rng.standard_normal(len(t))
        for k in range(channels)
    ]
    return np.stack(cols, axis=1).astype(np.float32)


def _layout(channels: int) -> str:
    return {1: "mono", 2: "stereo"}[channels]


def write_aac(path: Path, sr: int, data: np.ndarray, *, video: bool = False) -> Path:
    """Encode ``data`` (n, channels) as AAC with PyAV: .m4a, or .mp4 with an mpeg4 video track."""
    n, channels = data.shape
    with av.open(str(path), "w") as container:
        vstream = None
        if video:
            vstream = container.add_stream("mpeg4", rate=10)
            vstream.width, vstream.height, vstream.pix_fmt = 64, 48, "yuv420p"
        astream = container.add_stream("aac", rate=sr)
        astream.layout = _layout(channels)
        pts = 0
        for first in range(0, n, 1024):
            planar = np.ascontiguousarray(data[first:first + 1024].T)  # fltp: (channels, n)
            frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout=_layout(channels))
            frame.sample_rate = sr
            frame.pts = pts
            pts += planar.shape[1]
            for packet in astream.encode(frame):
                container.mux(packet)
        for packet in astream.encode(None):
            container.mux(packet)
        if vstream is not None:
            for k in range(max(1, int(n / sr * 10))):
                image = np.full((48, 64, 3), (k * 40) % 256, dtype=np.uint8)
                vframe = av.VideoFrame.from_ndarray(image, format="rgb24")
                vframe.pts = k
                for packet in vstream.encode(vframe):
                    container.mux(packet)
            for packet in vstream.encode(None):
                container.mux(packet)
    return path


def write_sf(path: Path, sr: int, channels: int, fmt: str, subtype: str | None) -> Path:
    sf.write(str(path), tone(sr, channels), sr, format=fmt, subtype=subtype)
    return path


def reference(path: Path) -> np.ndarray:
    data, _ = sf.read(str(path), dtype="float32", always_2d=True)
    return data


def dominant_hz(signal: np.ndarray, sr: int) -> tuple[float, float]:
    """(frequency of the largest FFT bin, bin width) of a 1-D signal."""
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return float(np.argmax(spectrum) * sr / len(signal)), sr / len(signal)


# -- 1. formats and layouts ------------------------------------------------------------------
LOSSLESS = [
    # id, extension, format, subtype, rate, channels
    ("wav-pcm_u8-mono", "wav", "WAV", "PCM_U8", 8000, 1),
    ("wav-pcm_16-stereo", "wav", "WAV", "PCM_16", 44100, 2),
    ("wav-pcm_16-6ch", "wav", "WAV", "PCM_16", 44100, 6),
    ("wav-pcm_24-stereo", "wav", "WAV", "PCM_24", 48000, 2),
    ("wav-pcm_32-mono", "wav", "WAV", "PCM_32", 22050, 1),
    ("wav-float-stereo", "wav", "WAV", "FLOAT", 96000, 2),
    ("wav-double-mono", "wav", "WAV", "DOUBLE", 16000, 1),
    ("flac-stereo", "flac", "FLAC", "PCM_16", 44100, 2),
    ("flac-24bit-mono", "flac", "FLAC", "PCM_24", 32000, 1),
    ("aiff-stereo", "aiff", "AIFF", "PCM_16", 44100, 2),
    ("aiff-mono", "aiff", "AIFF", "PCM_24", 22050, 1),
]


@pytest.mark.parametrize(
    ("ext", "fmt", "subtype", "sr", "channels"),
    [case[1:] for case in LOSSLESS],
    ids=[case[0] for case in LOSSLESS],
)
def test_lossless_formats_decode_exactly(tmp_path, ext, fmt, subtype, sr, channels):
    path = write_sf(tmp_path / f"tone.{ext}", sr, channels, fmt, subtype)
    expected = reference(path)
    assert sf.info(str(path)).subtype == subtype  # the file really is what the id says

    with open_source(path) as source:
        assert source.info.samplerate == sr
        assert source.info.channels == channels
        assert source.info.frames == len(expected)
        assert source.backend == "soundfile"
        data = source.read_all()
        assert source.warnings == []

    assert data.dtype == np.float32
    assert data.shape == (round(sr * DURATION), channels)
    np.testing.assert_array_equal(data, expected)


def _make_lossy(kind: str, path: Path, sr: int, data: np.ndarray) -> Path:
    if kind == "mp3":
        sf.write(str(path), data, sr, format="MP3", subtype="MPEG_LAYER_III")
    elif kind == "vorbis":
        sf.write(str(path), data, sr, format="OGG", subtype="VORBIS")
    elif kind == "opus":
        sf.write(str(path), data, sr, format="OGG", subtype="OPUS")
    elif kind == "m4a":
        write_aac(path, sr, data)
    elif kind == "mp4-video":
        write_aac(path, sr, data, video=True)
        with av.open(str(path)) as container:  # the test needs a real video+audio file
            assert len(container.streams.video) == 1
            assert len(container.streams.audio) == 1
    else:  # pragma: no cover
        raise AssertionError(kind)
    return path


LOSSY = [
    # id, kind, extension, rate, channels, expected backend
    ("ogg-vorbis-stereo", "vorbis", "ogg", 44100, 2, "soundfile"),
    ("ogg-vorbis-mono", "vorbis", "ogg", 22050, 1, "soundfile"),
    ("ogg-opus-stereo-48k", "opus", "opus", 48000, 2, "soundfile"),
    ("ogg-opus-mono-48k", "opus", "ogg", 48000, 1, "soundfile"),
    ("mp3-stereo", "mp3", "mp3", 44100, 2, "soundfile"),
    ("mp3-mono", "mp3", "mp3", 22050, 1, "soundfile"),
    ("m4a-aac-stereo", "m4a", "m4a", 44100, 2, "pyav"),
    ("m4a-aac-mono", "m4a", "m4a", 48000, 1, "pyav"),
    ("mp4-video-aac-mono", "mp4-video", "mp4", 44100, 1, "pyav"),
    ("mp4-video-aac-stereo", "mp4-video", "mp4", 32000, 2, "pyav"),
]


@pytest.mark.parametrize(
    ("kind", "ext", "sr", "channels", "backend"),
    [case[1:] for case in LOSSY],
    ids=[case[0] for case in LOSSY],
)
def test_lossy_formats_decode_close_to_source(tmp_path, kind, ext, sr, channels, backend):
    original = tone(sr, channels)
    path = _make_lossy(kind, tmp_path / f"tone.{ext}", sr, original)

    with open_source(path) as source:
        assert source.info.samplerate == sr
        assert source.info.channels == channels
        assert source.backend == backend
        data = source.read_all()
        assert source.warnings == []

    assert data.dtype == np.float32
    assert data.ndim == 2
    assert data.shape[1] == channels
    # about the right length: codecs may pad up to a couple of codec frames (AAC: 1024)
    assert abs(len(data) - len(original)) <= 2048, (len(data), len(original))
    assert np.abs(data).max() <= 1.0
    n = min(len(data), len(original))
    for ch in range(channels):
        found, bin_hz = dominant_hz(data[:, ch], sr)
        assert abs(found - TONE_HZ) <= bin_hz, (ch, found)
        # time-aligned (encoder delay removed) and channels not swapped or mixed
        r = np.corrcoef(original[:n, ch], data[:n, ch])[0, 1]
        assert r > 0.95, (ch, r)


# -- 2. random access ------------------------------------------------------------------------
@pytest.fixture
def decode_tmp(tmp_path, monkeypatch):
    """Redirect ``tempfile`` so DecodeCache folders are created where the test can see them."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _cache_dirs(folder: Path) -> list[Path]:
    return sorted(folder.glob("sonolens-decode-*"))


RANGES = [(0, 1), (0, 4096), (1000, 5000), (12345, 20000), (20000, 20001)]


@pytest.mark.parametrize(("ext", "fmt", "subtype"), [
    ("wav", "WAV", "PCM_16"),
    ("flac", "FLAC", "PCM_24"),
])
def test_random_access_exact_formats(tmp_path, decode_tmp, ext, fmt, subtype):
    path = write_sf(tmp_path / f"ra.{ext}", 44100, 2, fmt, subtype)
    with open_source(path) as source:
        everything = source.read_all()
        total = len(everything)
        for start, stop in RANGES:
            block = source.read(start, stop)
            assert block.dtype == np.float32
            np.testing.assert_array_equal(block, everything[start:stop])
        # reading out of order and repeating gives the same answer
        np.testing.assert_array_equal(source.read(1000, 5000), everything[1000:5000])
        # a range that runs past the end is cut short
        tail = source.read(total - 100, total + 500)
        assert tail.shape == (100, 2)
        np.testing.assert_array_equal(tail, everything[-100:])
        # sample-exact formats seek in the file: no decode cache is made
        assert _cache_dirs(decode_tmp) == []


def test_random_access_mp3_uses_decode_cache_and_close_removes_it(tmp_path, decode_tmp):
    path = _make_lossy("mp3", tmp_path / "ra.mp3", 44100, tone(44100, 2))
    source = open_source(path)
    try:
        assert not source.info.frames_exact
        everything = source.read_all()
        total = len(everything)
        assert _cache_dirs(decode_tmp) == []  # sequential reading needs no cache

        for start, stop in [*RANGES, (5000, 1000)]:
            block = source.read(start, stop)
            assert block.dtype == np.float32
            np.testing.assert_array_equal(block, everything[start:max(start, stop)])
        tail = source.read(total - 100, total + 500)
        assert tail.shape == (100, 2)
        np.testing.assert_array_equal(tail, everything[-100:])
        assert source.read(total + 10, total + 20).shape == (0, 2)

        caches = _cache_dirs(decode_tmp)
        assert len(caches) == 1 and caches[0].is_dir()
        # the cache serves read_all() too, with the same samples
        np.testing.assert_array_equal(source.read_all(), everything)
    finally:
        source.close()
    assert not caches[0].exists()
    assert _cache_dirs(decode_tmp) == []
    source.close()  # closing twice is harmless


@pytest.mark.parametrize(("ext", "fmt"), [("wav", "WAV"), ("flac", "FLAC")])
def test_read_entirely_past_end_returns_empty_block(tmp_path, ext, fmt):
    path = write_sf(tmp_path / f"end.{ext}", 44100, 2, fmt, "PCM_16")
    with open_source(path) as source:
        total = len(source.read_all())
        block = source.read(total + 10, total + 20)
    assert block.shape == (0, 2)


# -- 3. mono mix matches librosa -------------------------------------------------------------
@pytest.mark.parametrize(("ext", "fmt", "subtype"), [
    ("wav", "WAV", "PCM_16"),
    ("wav", "WAV", "FLOAT"),
    ("flac", "FLAC", "PCM_24"),
])
def test_mono_mix_equals_librosa(tmp_path, ext, fmt, subtype):
    sr = 22050
    rng = np.random.default_rng(7)
    stereo = np.clip(tone(sr, 2) + 0.2 * rng.standard_normal((round(sr * DURATION), 2)), -1, 1)
    path = tmp_path / f"stereo.{ext}"
    sf.write(str(path), stereo.astype(np.float32), sr, format=fmt, subtype=subtype)

    with open_source(path) as source:
        mono = to_mono(source.read_all(), None)
    expected, expected_sr = librosa.load(str(path), sr=None, mono=True)

    assert expected_sr == sr
    assert mono.dtype == np.float32
    assert mono.shape == expected.shape
    np.testing.assert_array_equal(mono, expected)
    # it really is a mix of two different channels, not one of them
    assert not np.array_equal(mono, reference(path)[:, 0])


# -- 4. errors --------------------------------------------------------------------------------
def _expect_error(path: Path, cause: str) -> AudioError:
    """open_source(path) raises AudioError reading '<path>: <...cause...>'."""
    pattern = rf"^{re.escape(str(path))}: .*{cause}"
    with pytest.raises(AudioError, match=pattern) as info:
        open_source(path)
    assert info.value.path == path
    assert cause.lower() in info.value.cause.lower()
    return info.value


def test_missing_file(tmp_path):
    _expect_error(tmp_path / "nowhere.wav", "not found")


def test_directory(tmp_path):
    folder = tmp_path / "looks_like.wav"
    folder.mkdir()
    _expect_error(folder, "directory")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    _expect_error(path, "empty")


def test_random_bytes_named_wav(tmp_path):
    path = tmp_path / "noise.wav"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    _expect_error(path, "not an audio file")


def test_text_named_mp3(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("This is a shopping list, not a song.\n" * 40)
    _expect_error(path, "not an audio file")


def test_wav_declaring_zero_channels(tmp_path):
    good = write_sf(tmp_path / "good.wav", 8000, 1, "WAV", "PCM_16")
    raw = bytearray(good.read_bytes())
    assert raw[:4] == b"RIFF" and raw[12:16] == b"fmt " and raw[22:24] == b"\x01\x00"
    raw[22:24] = b"\x00\x00"  # fmt chunk: NumChannels
    path = tmp_path / "zero_channels.wav"
    path.write_bytes(bytes(raw))
    _expect_error(path, "zero")


def test_header_only_wav(tmp_path):
    path = tmp_path / "header_only.wav"
    sf.write(str(path), np.zeros((0, 2), dtype=np.float32), 44100, subtype="PCM_16")
    assert 0 < path.stat().st_size <= 100
    _expect_error(path, "no audio samples")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root can read a chmod 000 file",
)
def test_unreadable_file(tmp_path):
    path = write_sf(tmp_path / "locked.wav", 8000, 1, "WAV", "PCM_16")
    path.chmod(0)
    try:
        _expect_error(path, "permission denied")
    finally:
        path.chmod(0o644)


# -- 5. NaN / Inf ----------------------------------------------------------------------------
def test_nan_and_inf_become_zero_with_warning(tmp_path):
    data = tone(8000, 2)
    bad = [(10, 0, np.nan), (20, 1, np.inf), (30, 0, -np.inf), (3000, 1, np.nan)]
    for frame, ch, value in bad:
        data[frame, ch] = value
    path = tmp_path / "nonfinite.wav"
    sf.write(str(path), data, 8000, subtype="FLOAT")

    with open_source(path) as source:
        assert source.warnings == []  # opening does not count the probe's samples
        out = source.read_all()
        warnings = source.warnings

    assert np.isfinite(out).all()
    for frame, ch, _ in bad:
        assert out[frame, ch] == 0.0
    finite = np.isfinite(data)
    np.testing.assert_array_equal(out[finite], data[finite])  # nothing else touched
    assert len(warnings) == 1
    assert "NaN" in warnings[0]
    assert re.match(r"^4\b", warnings[0]), warnings  # counts the four bad samples


# -- 6. truncated FLAC -----------------------------------------------------------------------
def test_truncated_flac_gives_prefix_and_warning(tmp_path):
    sr = 44100
    good = tmp_path / "good.flac"
    sf.write(str(good), tone(sr, 2, duration=2.0), sr, format="FLAC", subtype="PCM_16")
    expected = reference(good)
    raw = good.read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(raw[: len(raw) // 2])

    with open_source(cut) as source:
        assert source.info.samplerate == sr and source.info.channels == 2
        data = source.read_all()
        warnings = source.warnings
        assert source.frames == len(data)  # what was really decoded, not the header's promise
        # random access stays within the decodable prefix and agrees with it
        np.testing.assert_array_equal(source.read(100, 2100), expected[100:2100])
        assert len(source.read(len(data) - 10, len(expected))) == 10

    assert data.dtype == np.float32
    assert 0 < len(data) < len(expected)
    np.testing.assert_array_equal(data, expected[: len(data)])
    assert any("file ends early" in note for note in warnings), warnings

    # random access first, before any full pass: a read past the cut gives what is there
    with open_source(cut) as source:
        assert len(source.read(len(data) - 10, len(expected))) == 10
        np.testing.assert_array_equal(source.read(100, 2100), expected[100:2100])
        assert len(source.read(len(data) + 10, len(expected))) == 0


def test_read_if_seekable_never_builds_a_decode_cache(tmp_path, decode_tmp):
    """The waveform reads samples on the GUI thread: only cheap seeks, never a whole decode."""
    sr = 44100
    good = tmp_path / "good.flac"
    sf.write(str(good), tone(sr, 2, duration=2.0), sr, format="FLAC", subtype="PCM_16")
    expected = reference(good)
    cut = tmp_path / "cut.flac"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with open_source(cut) as source:
        decoded = len(source.read_all())  # the pass that finds the cut
        np.testing.assert_array_equal(source.read_if_seekable(100, 600), expected[100:600])
        assert source.read_if_seekable(decoded - 10, decoded + 10) is None
        assert _cache_dirs(decode_tmp) == []
    mp3 = _make_lossy("mp3", tmp_path / "x.mp3", sr, tone(sr, 1))
    with open_source(mp3) as source:
        assert source.read_if_seekable(0, 100) is None  # not sample-exact: the bins instead
        assert _cache_dirs(decode_tmp) == []
