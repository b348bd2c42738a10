"""The window's jobs: plain generators (no Qt) that yield Progress and return a result."""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import replace
from pathlib import Path

from sonolens.audio import AudioFile, AudioSource, open_source
from sonolens.core.catalog import CATALOG, Drawn
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress, relay
from sonolens.dsp.signal import to_mono


def open_job(path: str | Path) -> Generator[Progress, None, AudioFile]:
    """Open and check ``path`` (decoder probe, readable data) off the GUI thread."""
    yield Progress(0, 1, "opening")
    source = open_source(path)
    try:
        yield Progress(1, 1, "opening")
    except GeneratorExit:
        source.close()
        raise
    return source


# feature snapshots while the first pass runs: one per this fraction of the work (each
# builds its curve pyramids: O(frames so far), so ~50 of them cost ~25 full builds)
SNAPSHOT_FRACTION = 0.05

# columns the window draws as curves: their pyramids are built here, not on the GUI thread
DRAWN_CURVES = tuple(column for feature in CATALOG.drawn_as(Drawn.LOWER_CURVE, Drawn.OVERLAY)
                     for column in feature.columns(AnalysisParams()))


def features_job(source: AudioSource, params: AnalysisParams,
                 features: tuple[str, ...] | None = None):
    """The per-frame ``features`` of ``source`` (catalog names; None: the default ones) as
    a FeatureTable; no partial results (a recompute keeps the complete table on screen
    until the new one is done)."""
    from sonolens.dsp.engine import extract_features  # scipy.fft: not on the start-up path

    table = yield from relay(extract_features(source, params, features),
                             lambda progress: replace(progress, partial=None))
    return _with_curve_pyramids(table)


def added_features_job(source: AudioSource, params: AnalysisParams, table,
                       added: tuple[str, ...]):
    """``table`` (a complete FeatureTable for ``params``) with the features ``added``
    computed and joined in catalog column order: a new table (the shown one is not
    changed); only the added features' passes run."""
    from sonolens.dsp.engine import extract_features

    extra = yield from relay(extract_features(source, params, added),
                             lambda progress: replace(progress, partial=None))
    return joined_tables(table, extra, params)


def joined_tables(table, extra, params: AnalysisParams):
    """A new complete table: ``table``'s columns and ``extra``'s (same frames), in catalog
    column order, its curve pyramids built."""
    from sonolens.dsp.table import FeatureTable

    joined = {**table.columns, **extra.columns}
    order = [column for name in CATALOG.names for column in CATALOG.columns(name, params)]
    columns = {column: joined[column] for column in order if column in joined}
    merged = FeatureTable(table.times, columns, table.sr, params,
                          table.tuning if table.tuning is not None else extra.tuning,
                          list(table.warnings) + [w for w in extra.warnings
                                                  if w not in table.warnings])
    return _with_curve_pyramids(merged)


def _with_curve_pyramids(table):
    from sonolens.dsp.table import BAND_EDGES

    for name in DRAWN_CURVES:
        if name in table.columns:
            table.pyramid(name)
    if CATALOG.can_draw("spectral_bandwidth", table.columns):
        for name in BAND_EDGES:
            table.pyramid(name)
    return table


def analysis_job(source: AudioSource, params: AnalysisParams, kind: str, *,
                 envelope: bool = False, features: tuple[str, ...] | None = None):
    """Features, the ``kind`` display spectrogram (same STFT) and, with ``envelope``, the
    waveform envelope (same decode) in one pass: returns (table, spectrogram, envelope).

    Progress.partial is (Spectrogram, WaveformEnvelope | None, FeatureTable | None): the
    first two growing, the table an incomplete snapshot of the frames analysed so far
    (taken every SNAPSHOT_FRACTION of the work, its curve pyramids built here). The
    spectrogram and the envelope are complete after the first pass.
    """
    from sonolens.dsp.engine import extract_features
    from sonolens.dsp.envelope import WaveformEnvelope
    from sonolens.dsp.spectrogram import new_spectrogram
    from sonolens.workers.own_frames import own_frames_step

    plan, spec, expected = new_spectrogram(source, params, kind)
    own = plan.own_frames  # the kind's own frames (cqt) first, then the features without it
    if own:
        yield from own_frames_step(source, plan, spec, expected)
    env = (WaveformEnvelope.allocate(source.samplerate, source.channels, source.frames)
           if envelope else None)
    job = extract_features(source, params, features,
                           spectrogram=None if own else (plan, spec),
                           on_source_block=env.append_prepared if env is not None else None,
                           prepare_source_block=env.prepare if env is not None else None)
    last = {"table": None, "taken": -math.inf}  # the last snapshot, the progress it was at

    def partial(progress: Progress) -> tuple:
        passed = spec.complete and not own  # pass 1 has read every block
        if env is not None and passed and not env.complete:
            env.finish()
        snapshot = progress.partial
        ending = progress.done >= progress.total  # the complete table follows at once
        if callable(snapshot) and not ending and (
                passed or progress.done - last["taken"]
                >= progress.total * SNAPSHOT_FRACTION):
            last["table"], last["taken"] = _with_curve_pyramids(snapshot()), progress.done
        return spec, env, last["table"]

    table = yield from relay(job, lambda progress: replace(progress, partial=partial(progress)))
    if env is not None and not env.complete:
        env.finish()
    return _with_curve_pyramids(table), spec, env


def pitch_job(source: AudioSource, params: AnalysisParams):
    """The source's pitch track (dsp.pitch.PitchTrack): reads the analysis signal, then
    pYIN block by block (numba compiles on the first call, here on the worker)."""
    from sonolens.dsp.pitch import pitch_steps

    return (yield from pitch_steps(source, params))


def spectrogram_job(source: AudioSource, params: AnalysisParams, kind: str):
    """The display spectrogram of ``kind`` (progressive: partial = the Spectrogram)."""
    from sonolens.dsp.spectrogram import compute_spectrogram

    return compute_spectrogram(source, params, kind)


def detail_job(source: AudioSource, spectrogram, keys):
    """Tiles ``keys`` of a pooled ``spectrogram`` (dsp.tiles), in order; Progress.partial
    and the result are (spectrogram, {TileKey: float32 (n_columns, n_rows)}) with every
    tile done so far (the runner delivers only the latest partial)."""
    from sonolens.dsp.tiles import compute_tile

    done: dict = {}
    for number, key in enumerate(keys):
        tile = compute_tile(source, spectrogram.plan, key, spectrogram.detail_frames)
        done[key] = yield from relay(tile, lambda step, n=number: Progress(
            n * step.total + step.done, len(keys) * step.total, "detail"))
        yield Progress(number + 1, len(keys), "detail", partial=(spectrogram, dict(done)))
    return spectrogram, done


_READ_FRAMES = 262144


def frame_ranges(start: int, stop: int):
    """[first, last) frame ranges of at most _READ_FRAMES covering [start, stop)."""
    for first in range(start, stop, _READ_FRAMES):
        yield first, min(stop, first + _READ_FRAMES)


def measure_job(source: AudioSource, start: int, stop: int, channel: int | None, table,
                t0: float, t1: float, pitch=None):
    """Levels and zero crossings of frames [start, stop), then feature stats over [t0, t1]
    (with a ``pitch`` track: its median f0 over voiced frames and voiced fraction too)."""
    from sonolens.dsp.measure import SelectionMeter, feature_stats

    meter = SelectionMeter(source.samplerate, source.channels, channel=channel)
    total = max(1, stop - start)
    for first, last in frame_ranges(start, stop):
        block = source.read(first, last)
        if len(block) == 0:
            break
        meter.add(block)
        yield Progress(last - start, total, "measuring")
    stats = feature_stats(table, t0, t1) if table is not None else {}
    if pitch is not None:
        from sonolens.dsp.pitch import selection_stats

        stats.update(selection_stats(pitch, t0, t1))
    return meter.result(), stats


def spectrum_job(source: AudioSource, start: int, stop: int, channel: int | None, window: str,
                 max_peaks: int = 6):
    """(Spectrum, peaks) of frames [start, stop): Welch-averaged when long; peaks found here
    too, because peak refinement is too slow for the GUI thread on long spectra."""
    from sonolens.dsp.spectrum import LONG_INPUT, WelchAccumulator, find_peaks, magnitude_spectrum

    sr = source.samplerate
    if stop - start <= LONG_INPUT:
        yield Progress(0, 1, "spectrum")
        spectrum = magnitude_spectrum(to_mono(source.read(start, stop), channel), sr,
                                      window=window)
    else:
        accumulator = WelchAccumulator(sr, window=window)
        total = stop - start
        for first, last in frame_ranges(start, stop):
            block = source.read(first, last)
            if len(block) == 0:
                break
            accumulator.add(to_mono(block, channel))
            yield Progress(last - start, total, "spectrum")
        spectrum = accumulator.result()
    yield Progress(1, 1, "spectrum peaks")
    return spectrum, find_peaks(spectrum, max_peaks)
