"""Pitch (f0, pYIN) of a whole source: a job of its own, not a per-block kernel.

pYIN's Viterbi path needs every frame, so :func:`pitch_steps` runs
:func:`sonolens.dsp.pyin.pyin_steps` over the whole analysis signal (the chosen channel or
the mono mix, at the analysis rate: ``dsp.signal.analysis_chunks``, as the engine) with
``frame_length=n_fft``, ``hop_length``, ``center=True``: the frames of the other features.
The signal is streamed (:class:`~sonolens.dsp.chunk_stream.ChunkStream`), never held whole;
its length comes from the source when known at the native rate, else from a counting pass.
Its :class:`PitchTrack` holds ``f0`` (Hz, NaN unvoiced), ``voiced_flag`` and
``voiced_probability``; :func:`extract_with_pitch` joins them to the engine's FeatureTable
(the columns of ``sonolens extract --features f0``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from sonolens.audio.protocol import AudioSource
from sonolens.core.catalog import CATALOG
from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress, relay
from sonolens.dsp.chunk_stream import ChunkStream
from sonolens.dsp.signal import analysis_chunks, check_channel
from sonolens.dsp.table import FeatureTable

PITCH = "f0"  # the catalog name
READ_SHARE = 0.1  # of the progress bar: counting the signal; the rest is pYIN
PARTIAL_FRACTION = 0.02  # a provisional track every this much of the frames (and the last)
_UNITS = 1000


@dataclass(frozen=True)
class PitchTrack:
    """Per-frame pitch (n_frames,): ``times`` s (frame centres, k * hop / sr), ``f0`` Hz
    float64 (NaN where unvoiced), ``voiced_flag`` bool, ``voiced_prob`` float64; ``fmin``
    / ``fmax`` the range searched (fmax clamped to Nyquist); ``warnings`` one line each."""

    times: np.ndarray
    f0: np.ndarray
    voiced_flag: np.ndarray
    voiced_prob: np.ndarray
    sr: int
    params: AnalysisParams
    fmin: float
    fmax: float
    warnings: list[str] = field(default_factory=list)
    complete: bool = True

    @property
    def n_frames(self) -> int:
        return len(self.times)

    def columns(self) -> dict[str, np.ndarray]:
        """The CSV columns: f0 (empty cell where unvoiced), voiced_flag 0/1, probability."""
        return {"f0": self.f0, "voiced_flag": self.voiced_flag.astype(np.uint8),
                "voiced_probability": self.voiced_prob}

    def summary(self, t0: float = -np.inf, t1: float = np.inf) -> tuple[float, float]:
        """(median f0 of the voiced frames in Hz (NaN: none), voiced fraction) of the
        frames whose centre lies in [t0, t1] s (NaN, NaN: no frame)."""
        keep = (self.times >= t0) & (self.times <= t1)
        return pitch_summary(self.f0[keep], self.voiced_flag[keep])


#: the Selection dock's rows for the pitch: (value, nan) like the features' (mean, std)
SELECTION_ROWS = ("f0 median (voiced, Hz)", "voiced fraction")


def selection_stats(track: PitchTrack, t0: float, t1: float
                    ) -> dict[str, tuple[float, float]]:
    """The Selection dock's pitch rows over frames centred in [t0, t1] s."""
    median, fraction = track.summary(min(t0, t1), max(t0, t1))
    return {SELECTION_ROWS[0]: (median, float("nan")),
            SELECTION_ROWS[1]: (fraction, float("nan"))}


def pitch_summary(f0: np.ndarray, voiced: np.ndarray) -> tuple[float, float]:
    """(median f0 over voiced frames, fraction of frames voiced); NaN where undefined."""
    voiced = np.asarray(voiced, dtype=bool)
    if len(voiced) == 0:
        return float("nan"), float("nan")
    median = float(np.median(f0[voiced])) if voiced.any() else float("nan")
    return median, float(voiced.mean())


def pitch_range(params: AnalysisParams, sr: int) -> tuple[float, float, str | None]:
    """(fmin, fmax, note) of pYIN at ``sr`` Hz: ``pyin_fmax`` above Nyquist is clamped
    (note says so); raises ParameterError when the range cannot work at this rate."""
    nyquist = sr / 2
    fmin, fmax, note = params.pyin_fmin, params.pyin_fmax, None
    if fmin >= nyquist:
        raise ParameterError(f"pyin_fmin={fmin:g} Hz must be below Nyquist ({nyquist:g} Hz "
                             f"at {sr} Hz)")
    if fmax > nyquist:
        note = (f"pyin_fmax={fmax:g} Hz is above Nyquist at {sr} Hz: pitch searched up to "
                f"{nyquist:g} Hz")
        fmax = nyquist
    if sr / fmin >= params.n_fft - 1:
        raise ParameterError(
            f"pyin_fmin={fmin:g} Hz is too low for n_fft={params.n_fft} at {sr} Hz: raise "
            f"pyin_fmin to {sr / (params.n_fft - 1):.1f} Hz or n_fft to "
            f"{int(np.ceil(sr / fmin) + 2)}")
    return fmin, fmax, note


def signal_stream(source: AudioSource, params: AnalysisParams
                  ) -> Generator[Progress, None, tuple[ChunkStream, int]]:
    """The analysis signal of ``source`` as a float32 :class:`ChunkStream` and its rate
    (Hz). Its exact length is ``source.frames`` when known at the native rate; otherwise a
    first pass counts the samples (yielding Progress), and the stream reads them again."""
    check_channel(params.channel, source.channels)
    sr = params.sr or source.samplerate

    def chunks() -> Iterator[np.ndarray]:
        return analysis_chunks(source.blocks(), native_sr=source.samplerate, sr=sr,
                               channel=params.channel)

    if source.length_known and sr == source.samplerate:
        return ChunkStream(chunks(), source.frames), sr
    expected = max(1, round(source.frames * sr / source.samplerate))
    count = 0
    for chunk in chunks():
        count += len(chunk)
        yield Progress(min(count, expected), expected, "reading for pitch")
    return ChunkStream(chunks(), count), sr


def pitch_steps(source: AudioSource, params: AnalysisParams
                ) -> Generator[Progress, None, PitchTrack]:
    """pYIN of ``source`` (see module doc) as a job: yields Progress (a cancel checkpoint
    per block of frames), returns a :class:`PitchTrack`. Raises ParameterError. While pYIN
    runs, ``Progress.partial`` is now and then (every PARTIAL_FRACTION of the frames) a
    provisional PitchTrack (``complete=False``): the frames done so far from the forward
    pass (``pyin_steps(provisional=...)``), NaN / unvoiced beyond; else None."""
    from sonolens.dsp.pyin import PyinResult, pyin_steps

    params = params.validate()
    sr = params.sr or source.samplerate
    fmin, fmax, note = pitch_range(params, sr)
    read_units = round(_UNITS * READ_SHARE)
    y, sr = yield from relay(signal_stream(source, params), lambda p: Progress(
        round(read_units * p.fraction), _UNITS, "reading for pitch"))
    notes = [note] if note else []
    if len(y) == 0:
        return _empty(sr, params, fmin, fmax, [*notes, "no audio: no pitch"])
    snapshots: dict[str, object] = {"track": None, "at": -np.inf}

    def provisional(estimate: PyinResult, done: int) -> None:
        n = len(estimate.f0)
        if done - snapshots["at"] >= n * PARTIAL_FRACTION or done == n:  # type: ignore[operator]
            snapshots["at"] = done
            snapshots["track"] = PitchTrack(
                np.arange(n) * params.hop_length / float(sr), estimate.f0.copy(),
                estimate.voiced_flag.copy(), estimate.voiced_prob.copy(), sr, params, fmin,
                fmax, complete=False)

    def progress(done_total: tuple[int, int]) -> Progress:
        partial, snapshots["track"] = snapshots["track"], None
        return Progress(read_units + round((_UNITS - read_units) * done_total[0]
                                           / max(done_total[1], 1)),
                        _UNITS, "pitch (pYIN)", partial=partial)

    steps = pyin_steps(y, sr, fmin=fmin, fmax=fmax, frame_length=params.n_fft,
                       hop_length=params.hop_length, center=True, provisional=provisional,
                       on_warning=lambda text: notes.append(f"pitch: {text}"))
    result = yield from relay(steps, progress)
    n = len(result.f0)
    times = np.arange(n) * params.hop_length / float(sr)
    return PitchTrack(times, result.f0, result.voiced_flag, result.voiced_prob, sr, params,
                      fmin, fmax, [*source.warnings, *notes])


def _empty(sr: int, params: AnalysisParams, fmin: float, fmax: float, notes: list[str]
           ) -> PitchTrack:
    nothing = np.zeros(0)
    return PitchTrack(nothing, nothing, nothing.astype(bool), nothing, sr, params, fmin, fmax,
                      notes)


def join_pitch(table: FeatureTable, track: PitchTrack) -> FeatureTable:
    """``table`` with the pitch columns joined in catalog column order (same frame grid:
    both frame the signal with n_fft / hop_length, centred)."""
    if track.n_frames != table.n_frames:
        raise ParameterError(f"pitch has {track.n_frames} frames, the features "
                             f"{table.n_frames}")  # not expected: same framing
    joined = {**table.columns, **track.columns()}
    order = [c for name in CATALOG.names for c in CATALOG.columns(name, table.params)]
    columns = {c: joined[c] for c in order if c in joined}
    notes = list(table.warnings) + [w for w in track.warnings if w not in table.warnings]
    return FeatureTable(table.times, columns, table.sr, table.params, table.tuning, notes)


def extract_with_pitch(source: AudioSource, params: AnalysisParams | None = None,
                       features: Iterable[str] | None = None, **engine: object
                       ) -> Generator[Progress, None, FeatureTable]:
    """``dsp.engine.extract_features`` plus, when ``features`` hold f0, the pitch columns
    (pYIN over the whole signal, after the engine's passes). Same Progress and result."""
    from sonolens.dsp.engine import extract_features

    params = (params or AnalysisParams()).validate()
    names = tuple(CATALOG.default_names if features is None else features)
    if PITCH not in names:
        return (yield from extract_features(source, params, names, **engine))  # type: ignore[arg-type]
    sr = params.sr or source.samplerate
    pitch_range(params, sr)  # a range that cannot work fails before any pass
    rest = CATALOG.per_block(names)
    table = yield from relay(extract_features(source, params, rest, **engine),  # type: ignore[arg-type]
                             lambda p: Progress(p.done, 2 * max(p.total, 1), p.stage))
    track = yield from relay(pitch_steps(source, params), lambda p: Progress(
        _UNITS + p.done, 2 * _UNITS, p.stage))
    return join_pitch(table, track)
