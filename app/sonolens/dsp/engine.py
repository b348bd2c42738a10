"""Feature extraction in blocks: one STFT per block feeds every spectral feature.

``extract_features(source, params, features)`` is a generator job: it yields
:class:`Progress` after each block (a cancel checkpoint) and returns a :class:`FeatureTable`.
What to compute comes from the catalog (``core/catalog.py``): ``features`` are catalog
names (default: its default ones), computed with what they need, returned in catalog order.

Pass 1 (exact float64 FFT, as librosa): every per-block feature through the kernel its
entry names (``dsp/frame_features.py``: rms, zcr, centroid, bandwidth, rolloff, flatness,
poly_features, ...), plus contrast peaks/valleys, the chroma tuning peaks and the maximum
mel power. Global quantities are then fixed from pass 1's results: the tuning (librosa's
median and histogram over all peaks) and the ``top_db`` floors of contrast and MFCC.
Pass 2 (float32 FFT, only if chroma or MFCC are wanted; ``dsp/second_pass.py``) replays the
analysis signal from a spool and computes chroma with that tuning and MFCC with that floor.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sonolens.audio.protocol import AudioSource
from sonolens.core.catalog import CATALOG, Feature
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.dsp import spectral
from sonolens.dsp.columns import ColumnBuffer
from sonolens.dsp.filterbanks import fft_frequencies
from sonolens.dsp.frame_features import BlockSpectra
from sonolens.dsp.framing import FrameBlock, frame_blocks, frame_count
from sonolens.dsp.onset_stage import OnsetStage
from sonolens.dsp.parallel import ordered_map
from sonolens.dsp.pass_blocks import frame_results
from sonolens.dsp.second_pass import SecondPass, mel_basis, prefetch_fft
from sonolens.dsp.segments import FRAMES_PER_SEGMENT, reads_segments
from sonolens.dsp.signal import check_channel
from sonolens.dsp.spool import SignalSpool
from sonolens.dsp.stft import magnitude_block
from sonolens.dsp.table import FeatureTable
from sonolens.dsp.tuning import TuningPeaks
from sonolens.dsp.windows import stft_window


@dataclass(frozen=True)
class _Plan:
    """What to compute for one (params, sr) and the constant arrays every block shares.

    ``features``: the chosen catalog names in catalog (CSV) order; ``computed``: those
    plus what they need (bandwidth brings the centroid), computed but not returned
    unless chosen; ``kernels``: name -> kernel of each computed per-block feature.
    """

    params: AnalysisParams
    sr: int
    features: tuple[str, ...]
    computed: tuple[str, ...]
    kernels: dict[str, Callable[[BlockSpectra], np.ndarray]]
    window: np.ndarray
    freqs: np.ndarray
    bands: list[tuple[int, int, bool, int]]
    display: Any = None  # a dsp.spectrogram.SpectrogramPlan to fill from pass 1, or None
    display_pool: int = 1  # frames per stored column of that display store
    expected_frames: int = 0  # from the header: the columns' first allocation

    @property
    def second_pass(self) -> bool:
        return any(self.wants(name) for name in ("chroma", "mfcc", "onset_strength"))

    @property
    def needs_stft(self) -> bool:
        """False when only time-domain features are wanted and nothing is displayed."""
        return self.display is not None or any(
            not CATALOG.feature(name).time_domain for name in self.computed)

    def wants(self, name: str) -> bool:
        return name in self.features


def make_plan(params: AnalysisParams, sr: int, features: Iterable[str] | None) -> _Plan:
    """Validate ``params`` for ``sr`` and precompute windows, bin frequencies, bands.

    ``features``: catalog names (default: the catalog's default features).
    """
    params.validate()
    params.validate_for_rate(sr)
    wanted = set(CATALOG.default_names if features is None else features)
    # features with a job of their own (pitch) are not computed here: dsp.pitch joins them
    chosen = CATALOG.per_block(name for name in CATALOG.names if name in wanted)
    computed = CATALOG.with_needs(set(chosen))
    kernels = {name: _kernel(CATALOG.feature(name)) for name in computed
               if CATALOG.feature(name).stage == "frame"}
    freqs = fft_frequencies(sr=sr, n_fft=params.n_fft)
    bands: list[tuple[int, int, bool, int]] = []
    if "spectral_contrast" in chosen:
        bands = spectral.contrast_bands(
            freqs, sr=sr, fmin=params.contrast_fmin, n_bands=params.contrast_bands
        )
    window = stft_window(params.window, params.frame_length, params.n_fft)
    return _Plan(params, sr, chosen, computed, kernels, window, freqs, bands)


def _kernel(feature: Feature) -> Callable[[BlockSpectra], np.ndarray]:
    """The function a catalog entry names as ``"module:function"`` in ``sonolens.dsp``."""
    module, function = feature.kernel.split(":")
    return getattr(importlib.import_module(f"sonolens.dsp.{module}"), function)


def extract_features(
    source: AudioSource, params: AnalysisParams | None = None,
    features: Iterable[str] | None = None, *, workers: int = 2,
    spectrogram: tuple[Any, Any] | None = None,
    on_source_block: Callable[[Any], None] | None = None,
    prepare_source_block: Callable[[np.ndarray], Any] | None = None,
) -> Generator[Progress, None, FeatureTable]:
    """Per-frame features of ``source`` (see module doc). Yields Progress, returns the table.

    ``spectrogram=(SpectrogramPlan, Spectrogram)`` (same params) also fills that display
    spectrogram from pass 1's exact STFT, so the window computes one STFT, not two.
    ``on_source_block(block)`` sees every decoded (n, channels) block of pass 1, in order
    (the window builds its waveform envelope there instead of decoding the file again);
    with ``prepare_source_block`` it sees ``prepare_source_block(block)`` instead, which
    may run on a worker thread (the envelope's bins are computed there).
    A seekable file at its own rate is read in segments on ``workers`` threads, decoding
    included (:mod:`sonolens.dsp.segments`); others are decoded as a stream.
    During pass 1, ``Progress.partial`` is a callable returning the frames analysed so far
    as an incomplete FeatureTable (call it from the thread that drives the job).
    """
    params = (params or AnalysisParams()).validate()
    check_channel(params.channel, source.channels)
    sr = params.sr or source.samplerate
    plan = make_plan(params, sr, features)
    expected = frame_count(
        round(source.frames * sr / source.samplerate), n_fft=params.n_fft,
        hop_length=params.hop_length,
    )
    plan = replace(plan, expected_frames=expected,
                   display=spectrogram[0] if spectrogram is not None else None,
                   display_pool=(spectrogram[1].frames_per_column
                                 if spectrogram is not None else 1))
    total = expected * (2 if plan.second_pass else 1)
    # pass 2 reads an uncompressed file again, in segments on every worker; else it
    # replays the analysis signal that pass 1 spools (decoding twice would cost more)
    reread = (plan.second_pass and reads_segments(source, sr)
              and getattr(source, "decodes_cheaply", False))
    spool = SignalSpool() if plan.second_pass and not reread else None
    try:
        first = _Pass1(plan)
        results = frame_results(source, params, sr, first.compute, spool, workers=workers,
                                see=on_source_block, prepare=prepare_source_block)
        for block, result in results:
            first.add(result)
            if spectrogram is not None:
                spectrogram[1].append_values(result["display"])
            yield Progress(min(block.start + block.n_frames, total), total, "analysing",
                           partial=first.snapshot)
        if spectrogram is not None:
            spectrogram[1].finish()
        # pass 1 is over: its last snapshot (every frame), before its buffers are handed on
        yield Progress(min(first.n_frames, total), total, "analysing", partial=first.snapshot)
        columns = first.columns()
        tuning = None
        if plan.second_pass:
            second = SecondPass(plan, first)
            tuning = second.tuning
            done = first.n_frames
            if spool is None:  # blocks of the stream's shape: products depend on it
                again = frame_results(source, params, sr, second.compute, workers=workers,
                                      frames_per_segment=FRAMES_PER_SEGMENT)
            else:
                again = ordered_map(second.compute, frame_blocks(
                    spool.replay(), n_fft=params.n_fft, hop_length=params.hop_length),
                    workers=workers, ahead=8)
            for block, result in again:
                second.add(result)
                finished = min(done + block.start + block.n_frames, total)
                yield Progress(finished, total, "chroma and MFCC")
            columns.update(second.columns())
    finally:
        if spool is not None:
            spool.close()
    n_frames = first.n_frames
    ordered = {name: columns[name] for name in _column_order(plan) if name in columns}
    times = np.arange(n_frames) * params.hop_length / float(sr)
    return FeatureTable(times, ordered, sr, params, tuning, source.warnings + first.notes)


def _column_order(plan: _Plan) -> list[str]:
    names: list[str] = []
    for feature in plan.features:
        names += CATALOG.columns(feature, plan.params)
    return names


class _Pass1:
    """Exact-FFT features; ``compute`` runs on worker threads, ``add`` in block order."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.tuning = TuningPeaks(sr=plan.sr, n_fft=plan.params.n_fft)
        self.mel_max = -np.inf
        self.onset_max = 0.0  # the largest onset mel power (stage "onset")
        self.onset = (OnsetStage(sr=plan.sr, n_fft=plan.params.n_fft, capacity=plan.expected_frames,
                                 hop_length=plan.params.hop_length)
                      if plan.wants("onset_strength") else None)
        self.n_frames = 0
        self.notes: list[str] = []
        self._columns: dict[str, ColumnBuffer] = {}
        self._mel_seen = -np.inf  # largest block mel maximum computed so far (any thread)
        self._mel64 = mel_basis(plan).astype(np.float64) if plan.wants("mfcc") else None
        self.fft_import = prefetch_fft() if plan.second_pass else None

    def _block_mel_max(self, power: np.ndarray) -> float:
        """The block's largest mel power (float32 ``power @ mel.T``, as pass 2 computes mel),
        or -inf when it cannot be the file's largest.

        Only the file's maximum matters (MFCC's top_db floor). The mel of the block's
        per-bin maximum spectrum bounds every frame's mel from above (weights >= 0; the
        float32 product's rounding, < 1e-4 relative, lies well inside the 0.1 % margin),
        so a block whose bound stays below a maximum already found is skipped: the block
        holding the file's maximum never is, and the result is the same. Threads share
        ``_mel_seen`` without a lock: a lost update only skips fewer blocks.
        """
        bound = float((self._mel64 @ power.max(axis=0)).max())
        if bound * 1.001 < self._mel_seen:
            return -np.inf
        value = float((power @ mel_basis(self.plan).T).max())
        if value > self._mel_seen:
            self._mel_seen = value
        return value

    def compute(self, block: FrameBlock) -> dict[str, Any]:
        plan = self.plan
        spectra = BlockSpectra(block, plan.params, plan.sr, plan.freqs)
        out: dict[str, Any] = {"n": block.n_frames}
        if plan.needs_stft:
            magnitude, spectra.power = magnitude_block(block.frames(), plan.window)
            spectra.magnitude = magnitude
            if plan.display is not None:  # read-only use; pooled as the store keeps it
                out["display"] = plan.display.pooled_from_magnitude(
                    magnitude, spectra.power, block.start, plan.display_pool)
        for name, kernel in plan.kernels.items():
            out[name] = kernel(spectra)
        if plan.wants("spectral_contrast"):
            out["spectral_contrast"] = np.hstack(
                spectral.contrast_peaks_valleys(spectra.magnitude, plan.bands))
        if plan.wants("chroma"):
            out["peaks"] = self.tuning.find(spectra.power)
        if plan.wants("mfcc"):
            out["mel_max"] = self._block_mel_max(spectra.power)
        if self.onset is not None:
            out["onset_max"] = self.onset.block_max(spectra.power)
        return out

    def add(self, result: dict[str, Any]) -> None:
        for name in (*self.plan.kernels, "spectral_contrast"):
            if name in result:
                self._buffer(name).append(result[name])
        if "peaks" in result:
            self.tuning.add(result["peaks"])
        if "mel_max" in result:
            self.mel_max = max(self.mel_max, result["mel_max"])
        self.onset_max = max(self.onset_max, result.get("onset_max", 0.0))
        self.n_frames += result["n"]

    def snapshot(self) -> FeatureTable:
        """The columns of the frames analysed so far (no contrast: it needs every frame),
        as views of the buffers (later appends write past them): an incomplete table."""
        p = self.plan.params
        columns = self._kernel_columns()
        columns = {name: columns[name] for name in _column_order(self.plan) if name in columns}
        times = np.arange(self.n_frames) * p.hop_length / float(self.plan.sr)
        return FeatureTable(times, columns, self.plan.sr, p, complete=False)

    def _kernel_columns(self) -> dict[str, np.ndarray]:
        """Column name -> (n_frames,) view of the per-block features' buffers."""
        columns = {}
        for name in self.plan.kernels:
            if name in self._columns:
                buffer = self._columns[name]
                for k, column in enumerate(CATALOG.columns(name, self.plan.params)):
                    columns[column] = buffer.column(k)
        return columns

    def _buffer(self, name: str) -> ColumnBuffer:
        """The preallocated column(s) of ``name`` (contrast: peaks and valleys per band)."""
        if name not in self._columns:
            width = (2 * len(self.plan.bands) if name == "spectral_contrast"
                     else len(CATALOG.columns(name, self.plan.params)))
            self._columns[name] = ColumnBuffer(self.plan.expected_frames, width)
        return self._columns[name]

    def columns(self) -> dict[str, np.ndarray]:
        """float32 (n_frames,) per column: librosa's own dtype for most features, 7
        significant digits, far inside the 1e-4 contract."""
        for name in self.plan.kernels:
            if name in self._columns:
                self._columns[name].trimmed()
        cols = self._kernel_columns()
        if "spectral_contrast" in self._columns:
            cols.update(self._contrast_columns(self._columns.pop("spectral_contrast")))
        self._columns.clear()
        return cols

    def _contrast_columns(self, buffer: ColumnBuffer) -> dict[str, np.ndarray]:
        """librosa's contrast from the band peaks/valleys, one band at a time in float64."""
        n_bands = len(self.plan.bands)
        top_db = self.plan.params.top_db
        peak_max = max((float(buffer.column(k).max()) for k in range(n_bands)), default=0.0)
        valley_max = max((float(buffer.column(n_bands + k).max()) for k in range(n_bands)),
                         default=0.0)
        db = spectral.power_to_db_unclipped
        top_peak = float(db(np.float64(peak_max)))
        top_valley = float(db(np.float64(valley_max)))
        p = self.plan.params
        names = CATALOG.columns("spectral_contrast", p)
        note = spectral.contrast_note(n_bands, sr=self.plan.sr, n_fft=p.n_fft,
                                      fmin=p.contrast_fmin, n_bands=p.contrast_bands)
        if note is not None:
            self.notes.append(note)
        cols = {}
        for k, name in enumerate(names):
            if k >= n_bands:
                cols[name] = np.full(buffer.n_frames, np.nan, dtype=np.float32)
                continue
            db_peak = db(buffer.column(k).astype(np.float64))
            db_valley = db(buffer.column(n_bands + k).astype(np.float64))
            spectral.clip_top_db(db_peak, top_db=top_db, maximum=top_peak)
            spectral.clip_top_db(db_valley, top_db=top_db, maximum=top_valley)
            cols[name] = (db_peak - db_valley).astype(np.float32)
        return cols
