"""Jobs registered by key: which generator computes which Document results (QtCore-free).

Each :class:`JobEntry` names the runner key its jobs run under (a newer submit under a
key cancels the older job), the generator function in ``workers.jobs``, the document
result keys (``model.results``) it computes, and how its return value and its
``Progress.partial`` become ``Document.accept(key, value, token)`` calls, in order. The
coordinator submits entries and hands their results over; nothing routes results by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sonolens.model.results import DETAIL, ENVELOPE, FEATURES, PITCH, SPECTROGRAM
from sonolens.workers import jobs

KEY_OPEN = "open"
KEY_FEATURES = "features"
KEY_SPECTROGRAM = "spectrogram"
KEY_DETAIL = "detail"  # zoomed-in spectrogram tiles (dsp.tiles)
KEY_PITCH = "pitch"  # pYIN over the whole source (dsp.pitch)
ANALYSIS_KEYS = (KEY_FEATURES, KEY_SPECTROGRAM, KEY_DETAIL, KEY_PITCH)

#: (document result key, value) pairs, accepted in this order.
Offers = list[tuple[str, Any]]


def _nothing(_value: Any) -> Offers:
    return []


def _as(result_key: str) -> Callable[[Any], Offers]:
    """The whole value under ``result_key``."""
    return lambda value: [(result_key, value)]


@dataclass(frozen=True)
class JobEntry:
    """A job computing ``computes`` (result keys): ``run(...)`` returns its generator,
    ``results`` / ``partials`` turn its return value / a Progress.partial into offers."""

    key: str
    run: Callable[..., Any]
    computes: tuple[str, ...]
    results: Callable[[Any], Offers]
    partials: Callable[[Any], Offers] = _nothing


def _analysis_results(result: tuple) -> Offers:
    table, spectrogram, envelope = result
    offers: Offers = [(ENVELOPE, envelope)] if envelope is not None else []
    return [*offers, (FEATURES, table), (SPECTROGRAM, spectrogram)]


def _analysis_partials(payload: tuple) -> Offers:
    """(Spectrogram, WaveformEnvelope | None, FeatureTable snapshot | None)."""
    spectrogram, envelope, table = payload
    offers: Offers = [(ENVELOPE, envelope)] if envelope is not None else []
    if table is not None:
        offers.append((FEATURES, table))
    return [*offers, (SPECTROGRAM, spectrogram)]


#: features, the display spectrogram and (optionally) the envelope in one pass
ANALYSIS = JobEntry(KEY_FEATURES, jobs.analysis_job, (FEATURES, SPECTROGRAM, ENVELOPE),
                    _analysis_results, _analysis_partials)
#: features alone (a parameter the picture does not depend on changed); no partials
FEATURES_ONLY = JobEntry(KEY_FEATURES, jobs.features_job, (FEATURES,), _as(FEATURES))
#: opt-in features a view now shows, computed alone and joined to the complete table
FEATURES_ADDED = JobEntry(KEY_FEATURES, jobs.added_features_job, (FEATURES,), _as(FEATURES))
#: the display spectrogram of another kind, drawn as it grows
SPECTROGRAM_ONLY = JobEntry(KEY_SPECTROGRAM, jobs.spectrogram_job, (SPECTROGRAM,),
                            _as(SPECTROGRAM), _as(SPECTROGRAM))
#: finer tiles of the current spectrogram, merged in as each is done
DETAIL_TILES = JobEntry(KEY_DETAIL, jobs.detail_job, (DETAIL,), _as(DETAIL), _as(DETAIL))
#: the pitch track (f0, voicing) of the whole source, when the view shows it
#: (provisional tracks, complete=False, while pYIN runs)
PITCH_TRACK = JobEntry(KEY_PITCH, jobs.pitch_job, (PITCH,), _as(PITCH), _as(PITCH))

#: result key -> the job that computes it (the envelope only comes with the analysis).
#: Every catalog entry names its result key (``Feature.result``, ``SpectrogramKind.result``):
#: a feature computed by a job of its own (pitch, onsets) adds its key and entry here.
RESULT_JOBS: dict[str, JobEntry] = {FEATURES: FEATURES_ONLY, SPECTROGRAM: SPECTROGRAM_ONLY,
                                    ENVELOPE: ANALYSIS, DETAIL: DETAIL_TILES,
                                    PITCH: PITCH_TRACK}
