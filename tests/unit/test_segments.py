"""The analysis pass in segments (dsp/segments.py, dsp/pass_blocks.py) is bit-identical to
the stream it replaces: features (pass 1 and the pass 2 that replays the segments' spool),
the display spectrogram and the waveform envelope, over files spanning many segments, odd
lengths, hops that divide neither 64 nor the segment, 1/2/6 channels, a channel chosen,
WAV/FLAC/AIFF in 16/24-bit and float. Files whose header's frame count is wrong keep the
stream (reads_spans is False) and give what they gave before.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp import pass_blocks, segments
from sonolens.dsp.engine import extract_features
from sonolens.dsp.spectrogram import compute_spectrogram
from sonolens.workers.jobs import analysis_job
from tests.unit.hostile import make

SR = 22050
ODD = 2 * SR + 1237  # samples: neither a whole hop nor a whole envelope bin


def _signal(n: int, channels: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n) / SR
    out = np.empty((n, channels), dtype=np.float32)
    for c in range(channels):
        tone = 0.3 * np.sin(2 * np.pi * (220 * (c + 1) + 40 * t) * t)
        clicks = (rng.random(n) < 0.0005) * 0.5
        out[:, c] = tone + 0.05 * rng.standard_normal(n) + clicks
    return np.clip(out, -1, 1)


def _write(path, n=ODD, channels=2, subtype="PCM_24", fmt=None):
    sf.write(str(path), _signal(n, channels), SR, subtype=subtype, format=fmt)
    return path


class _Counting:
    """segment_results with a small segment, counting the passes that used it."""

    def __init__(self, frames_per_segment: int) -> None:
        self.calls = 0
        self.frames_per_segment = frames_per_segment

    def __call__(self, *args, **kwargs):
        self.calls += 1
        kwargs.setdefault("frames_per_segment", self.frames_per_segment)
        return segments.segment_results(*args, **kwargs)


def _both(monkeypatch, path, run, frames_per_segment=37):
    """(segmented, streamed) results of ``run(source)`` on fresh sources of ``path``."""
    counting = _Counting(frames_per_segment)
    with monkeypatch.context() as patch:
        patch.setattr(pass_blocks, "segment_results", counting)
        with open_source(path) as source:
            segmented = run(source)
            assert source.length_known  # confirm_length after the segmented pass
            assert source.frames == sf.info(str(path)).frames
    assert counting.calls >= 1, "the segmented path was not taken"
    with monkeypatch.context() as patch:
        patch.setattr(pass_blocks, "reads_segments", lambda source, sr: False)
        patch.setattr(pass_blocks, "segment_results", _refuse)
        with open_source(path) as source:
            streamed = run(source)
    return segmented, streamed


def _refuse(*args, **kwargs):
    raise AssertionError("the streaming path must not use segments")


def _assert_tables_equal(ours, ref):
    assert list(ours.columns) == list(ref.columns)
    np.testing.assert_array_equal(ours.times, ref.times)
    for name in ref.columns:
        np.testing.assert_array_equal(ours.columns[name], ref.columns[name], err_msg=name)
    assert ours.tuning == ref.tuning
    assert ours.warnings == ref.warnings


def _assert_envelopes_equal(ours, ref):
    assert ours.n_frames == ref.n_frames and ours.complete and ref.complete
    assert ours.filled == ref.filled
    for level, (a, b) in enumerate(zip(ours.levels, ref.levels, strict=True)):
        np.testing.assert_array_equal(a, b, err_msg=f"level {level}")


def _assert_spectrograms_equal(ours, ref):
    assert ours.n_frames == ref.n_frames and ours.filled == ref.filled
    np.testing.assert_array_equal(ours.values[: ours.filled], ref.values[: ref.filled])


FORMATS = [
    ("wav", "PCM_16", None),
    ("flac", "PCM_24", None),
    ("aiff", "PCM_24", None),
    ("wav", "FLOAT", None),
]


@pytest.mark.parametrize("ext,subtype,fmt", FORMATS, ids=[f"{e}-{s}" for e, s, _ in FORMATS])
def test_default_features_segmented_equal_streamed(tmp_path, monkeypatch, ext, subtype, fmt):
    path = _write(tmp_path / f"x.{ext}", subtype=subtype, fmt=fmt)
    segmented, streamed = _both(monkeypatch, path,
                                lambda source: run_to_end(extract_features(source)))
    assert "mfcc_1" in streamed.columns and "chroma_C" in streamed.columns  # pass 2 ran
    _assert_tables_equal(segmented, streamed)


@pytest.mark.parametrize("channels,channel", [(1, None), (2, None), (6, None), (6, 1), (2, 1)])
def test_hop_not_dividing_64_every_feature(tmp_path, monkeypatch, channels, channel):
    path = _write(tmp_path / "x.flac", n=2 * SR + 77, channels=channels)
    params = AnalysisParams(n_fft=1000, hop_length=300, channel=channel)
    names = ("rms", "zero_crossing_rate", "spectral_centroid", "spectral_bandwidth",
             "spectral_rolloff", "spectral_flatness", "spectral_contrast", "chroma", "mfcc",
             "poly_features", "onset_strength")
    segmented, streamed = _both(
        monkeypatch, path, lambda source: run_to_end(extract_features(source, params, names)),
        frames_per_segment=29)
    assert "onset_strength" in streamed.columns
    _assert_tables_equal(segmented, streamed)


@pytest.mark.parametrize("frames_per_segment", [1, 7, 256, 300, 10_000])
def test_segment_sizes(tmp_path, monkeypatch, frames_per_segment):
    """One frame per segment, segments of whole/partial blocks, one segment for all."""
    path = _write(tmp_path / "x.wav", n=SR + 5, subtype="PCM_16")
    params = AnalysisParams(n_fft=512, hop_length=128)
    segmented, streamed = _both(
        monkeypatch, path,
        lambda source: run_to_end(extract_features(source, params, ("rms", "chroma"))),
        frames_per_segment=frames_per_segment)
    _assert_tables_equal(segmented, streamed)


@pytest.mark.parametrize("channels,channel,hop,n_fft", [
    (2, None, 512, 2048), (1, None, 300, 1000), (6, 1, 300, 1000), (2, 0, 333, 1024)])
def test_analysis_job_spectrogram_and_envelope(tmp_path, monkeypatch, channels, channel, hop,
                                               n_fft):
    path = _write(tmp_path / "x.aiff", n=2 * SR + 1001, channels=channels)
    params = AnalysisParams(n_fft=n_fft, hop_length=hop, channel=channel)
    segmented, streamed = _both(
        monkeypatch, path,
        lambda source: run_to_end(analysis_job(source, params, "db", envelope=True)),
        frames_per_segment=23)
    (table, spec, env), (ref_table, ref_spec, ref_env) = segmented, streamed
    _assert_tables_equal(table, ref_table)
    _assert_spectrograms_equal(spec, ref_spec)
    _assert_envelopes_equal(env, ref_env)
    assert env.n_frames == 2 * SR + 1001


@pytest.mark.parametrize("kind", ["db", "mel_db"])
def test_compute_spectrogram_segmented_equal_streamed(tmp_path, monkeypatch, kind):
    path = _write(tmp_path / "x.wav", n=2 * SR + 3, channels=6, subtype="FLOAT")
    params = AnalysisParams(n_fft=1000, hop_length=300)
    segmented, streamed = _both(
        monkeypatch, path, lambda source: run_to_end(compute_spectrogram(source, params, kind)),
        frames_per_segment=41)
    _assert_spectrograms_equal(segmented, streamed)


def test_resampled_analysis_keeps_the_stream(tmp_path, monkeypatch):
    """At another rate than the file's there are no segments (the resampler streams)."""
    path = _write(tmp_path / "x.wav", subtype="PCM_16")
    counting = _Counting(37)
    monkeypatch.setattr(pass_blocks, "segment_results", counting)
    with open_source(path) as source:
        assert segments.reads_segments(source, SR)
        assert not segments.reads_segments(source, 16000)
        table = run_to_end(extract_features(source, AnalysisParams(sr=16000), ("rms",)))
    assert counting.calls == 0 and len(table.times) > 0


# -- headers whose frame count is wrong keep the stream -----------------------------------


def _features(path):
    with open_source(path) as source:
        spans = source.reads_spans
        table = run_to_end(extract_features(source, AnalysisParams(), ("rms", "chroma")))
        return spans, table, source.frames, source.warnings


def _prefix_reference(tmp_path, path):
    """The features of a clean WAV holding exactly what ``path`` decodes to."""
    with open_source(path) as source:
        data = source.read_all()
    clean = tmp_path / "prefix.wav"
    sf.write(str(clean), data, SR, subtype="FLOAT")
    spans, table, _frames, warnings = _features(clean)
    assert spans and warnings == []
    return data, table


def test_truncated_flac_reads_no_spans_and_gives_the_prefix(tmp_path):
    good = _write(tmp_path / "good.flac", n=3 * SR, subtype="PCM_16")
    raw = good.read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(raw[: len(raw) * 2 // 3])

    spans, table, frames, warnings = _features(cut)
    data, reference = _prefix_reference(tmp_path, cut)
    assert not spans
    assert 0 < frames == len(data) < 3 * SR
    assert any("file ends early" in note for note in warnings), warnings
    for name in reference.columns:
        np.testing.assert_array_equal(table.columns[name], reference.columns[name], err_msg=name)


def _fewer_flac(tmp_path, good):
    path = tmp_path / "fewer.flac"
    path.write_bytes(make.flac_total_samples(good.read_bytes(), 2 * SR))
    return path


def _too_large_wav(tmp_path, good):
    raw = good.read_bytes()
    _, first = make.data_chunk(raw)
    promised = 10 * (len(raw) - first)
    path = tmp_path / "big.wav"
    path.write_bytes(make.with_sizes(raw, riff=first - 8 + promised, data=promised))
    return path


@pytest.mark.parametrize("ext,damage", [("flac", _fewer_flac), ("wav", _too_large_wav)],
                         ids=["flac-promising-fewer", "wav-data-size-too-large"])
def test_headers_libsndfile_corrects_are_segmented_like_the_stream(tmp_path, monkeypatch, ext,
                                                                   damage):
    """libsndfile stops a FLAC at STREAMINFO's count and a WAV at the bytes present: the
    stream and the segments read the same frames, with the same warnings."""
    good = _write(tmp_path / f"good.{ext}", n=3 * SR, subtype="PCM_16")
    path = damage(tmp_path, good)
    with open_source(path) as source:
        assert source.reads_spans
    segmented, streamed = _both(
        monkeypatch, path,
        lambda source: run_to_end(extract_features(source, AnalysisParams(), ("rms", "chroma"))))
    _assert_tables_equal(segmented, streamed)
    _, reference = _prefix_reference(tmp_path, path)
    for name in reference.columns:
        np.testing.assert_array_equal(segmented.columns[name], reference.columns[name])


@pytest.mark.parametrize("size", [0, 0xFFFFFFFF], ids=["sizes-0", "sizes-ffffffff"])
def test_unfinished_wav_reads_no_spans_and_gives_every_sample(tmp_path, size):
    good = _write(tmp_path / "good.wav", n=2 * SR + 11, subtype="PCM_16")
    died = tmp_path / "died.wav"
    died.write_bytes(make.with_sizes(good.read_bytes(), riff=size, data=size))
    spans, table, frames, warnings = _features(died)
    ref_spans, reference, ref_frames, ref_warnings = _features(good)
    assert ref_spans and not spans
    assert frames == ref_frames == 2 * SR + 11
    assert len(warnings) == 1 and "not finalised" in warnings[0] and ref_warnings == []
    for name in reference.columns:
        np.testing.assert_array_equal(table.columns[name], reference.columns[name], err_msg=name)


def test_confirm_length_only_after_a_whole_segmented_pass(tmp_path, monkeypatch):
    path = _write(tmp_path / "x.flac", subtype="PCM_16")
    monkeypatch.setattr(pass_blocks, "segment_results",
                        functools.partial(segments.segment_results, frames_per_segment=11))
    with open_source(path) as source:
        assert not source.length_known
        job = extract_features(source, AnalysisParams(), ("rms",))
        next(job)
        next(job)
        job.close()  # cancelled: the end was not reached
        assert not source.length_known
        run_to_end(extract_features(source, AnalysisParams(), ("rms",)))
        assert source.length_known and source.frames == ODD
        assert "file ends early" not in source.describe()


def test_nan_samples_counted_once_though_segments_overlap(tmp_path, monkeypatch):
    y = _signal(ODD, 2)
    y[::997, 0] = np.nan
    y[5000:5003, 1] = np.inf
    bad = int(np.count_nonzero(~np.isfinite(y)))
    path = tmp_path / "nan.wav"
    sf.write(str(path), y, SR, subtype="FLOAT")

    def twice(source):  # a second pass meets the same samples again
        table = run_to_end(extract_features(source, AnalysisParams(), ("rms", "chroma")))
        run_to_end(compute_spectrogram(source, AnalysisParams(), "db"))
        return table, source.warnings

    (segmented, warned), (streamed, ref_warned) = _both(monkeypatch, path, twice)
    _assert_tables_equal(segmented, streamed)
    assert segmented.warnings == [f"{bad} NaN/Inf samples replaced by 0"]
    assert warned == ref_warned == segmented.warnings


def test_flac_damaged_in_the_middle_stops_where_the_stream_stops(tmp_path, monkeypatch):
    good = _write(tmp_path / "good.flac", n=3 * SR, subtype="PCM_16")
    raw = bytearray(good.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 3000] = bytes(3000)
    path = tmp_path / "damaged.flac"
    path.write_bytes(bytes(raw))
    with open_source(path) as source:
        assert source.reads_spans  # its end is where the header says: the damage is found later
    counting = _Counting(13)
    monkeypatch.setattr(pass_blocks, "segment_results", counting)
    with open_source(path) as source:
        segmented = run_to_end(extract_features(source, AnalysisParams(), ("rms", "chroma")))
        frames = source.frames
    monkeypatch.setattr(pass_blocks, "reads_segments", lambda source, sr: False)
    with open_source(path) as source:
        streamed = run_to_end(extract_features(source, AnalysisParams(), ("rms", "chroma")))
        assert source.frames == frames < 3 * SR
    assert counting.calls == 1
    _assert_tables_equal(segmented, streamed)
    assert any("file ends early" in note for note in segmented.warnings), segmented.warnings


@pytest.mark.parametrize("n", [1, 100, 1023, 1024, 1025, 2048, 2049])
def test_files_shorter_than_a_few_frames(tmp_path, monkeypatch, n):
    path = _write(tmp_path / "short.wav", n=n, subtype="PCM_16")
    params = AnalysisParams(n_fft=2048, hop_length=512)
    segmented, streamed = _both(
        monkeypatch, path,
        lambda source: run_to_end(analysis_job(source, params, "db", envelope=True)),
        frames_per_segment=1)
    _assert_tables_equal(segmented[0], streamed[0])
    _assert_spectrograms_equal(segmented[1], streamed[1])
    _assert_envelopes_equal(segmented[2], streamed[2])


@pytest.mark.parametrize("frames_per_segment", [13, 256])
def test_pooled_display_spectrogram(tmp_path, monkeypatch, frames_per_segment):
    """Columns max-pooled k frames at a time: segment blocks cut the pools elsewhere."""
    path = _write(tmp_path / "x.flac", n=2 * SR + 999, channels=2)
    params = AnalysisParams(n_fft=1000, hop_length=300)
    budget = 501 * 4 * 47  # 501 rows, 47 columns: several frames per column

    def run(source):
        return run_to_end(compute_spectrogram(source, params, "db", max_bytes=budget))

    segmented, streamed = _both(monkeypatch, path, run, frames_per_segment=frames_per_segment)
    assert segmented.frames_per_column > 1
    _assert_spectrograms_equal(segmented, streamed)


def test_window_shorter_than_n_fft(tmp_path, monkeypatch):
    path = _write(tmp_path / "x.wav", n=2 * SR + 31, channels=2, subtype="PCM_24")
    params = AnalysisParams(n_fft=1000, hop_length=300, win_length=701, window="hamming")
    segmented, streamed = _both(
        monkeypatch, path, lambda source: run_to_end(analysis_job(source, params, "mel_db",
                                                                  envelope=True)),
        frames_per_segment=19)
    _assert_tables_equal(segmented[0], streamed[0])
    _assert_spectrograms_equal(segmented[1], streamed[1])
    _assert_envelopes_equal(segmented[2], streamed[2])


def test_closing_a_segmented_pass_stops_its_threads(tmp_path, monkeypatch):
    import threading

    path = _write(tmp_path / "x.flac", n=6 * SR, subtype="PCM_16")
    monkeypatch.setattr(pass_blocks, "segment_results",
                        functools.partial(segments.segment_results, frames_per_segment=5))
    with open_source(path) as source:
        job = extract_features(source, AnalysisParams(), None)
        for _ in range(3):
            next(job)
        job.close()
        assert not source.length_known
    assert not [t for t in threading.enumerate() if t.name.startswith("sonolens-dsp")]


def test_flac_compressed_beyond_the_size_cap_is_analysed_to_its_end(tmp_path, monkeypatch):
    """Two minutes of digital silence in a 10 kB FLAC: more frames per byte than
    MAX_FRAMES_PER_BYTE, so FileSource.frames is capped below the header's count until a
    pass has decoded it; segments sized by the cap analysed 28 s of 120 s, no warning."""
    n = 120 * SR
    path = tmp_path / "silent.flac"
    y = np.zeros((n, 2), np.float32)
    t = np.arange(SR // 5) / SR
    y[-SR // 5 :] = 0.5 * np.sin(2 * np.pi * 441 * t)[:, None]  # something at the end
    sf.write(str(path), y, SR, subtype="PCM_16")
    with open_source(path) as source:
        assert source.frames < source.info.frames == n  # capped
        assert not source.reads_spans
        table = run_to_end(extract_features(source, AnalysisParams(), ("rms",)))
        assert source.frames == n and source.warnings == []
    assert len(table.times) == 1 + n // 512
    assert table.columns["rms"][-5:].min() > 0.1
