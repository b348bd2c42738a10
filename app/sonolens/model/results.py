"""What the Document holds by key, and how it takes each result (no Qt).

A result key names one thing computed from the open source (``FEATURES``: a
dsp.table.FeatureTable; ``SPECTROGRAM``: a dsp.spectrogram.Spectrogram; ``ENVELOPE``: a
dsp.envelope.WaveformEnvelope). ``DETAIL`` is not stored: its finer tiles merge into the
current spectrogram. A new result is one entry in :data:`ACCEPTANCE` (or none: the
default takes it when its token matches generation, parameters and kind).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

FEATURES = "features"
SPECTROGRAM = "spectrogram"
ENVELOPE = "envelope"
DETAIL = "detail"  # (spectrogram, {TileKey: columns}) merged into SPECTROGRAM
PITCH = "pitch"  # a dsp.pitch.PitchTrack (pYIN over the whole source: a job of its own)

#: How much of a job's token must still match the document: "kind" = generation,
#: parameters and the view's spectrogram kind; "params" = generation and parameters;
#: "generation" = the same open source only.
Match = Literal["kind", "params", "generation"]


@dataclass(frozen=True)
class Acceptance:
    """How the Document takes a result under one key.

    ``into``: the key it lands under (default: its own); ``merge(current, value)``: instead
    of replacing, fold ``value`` into the current result and say whether anything changed;
    ``new_only``: the same object again is ignored; ``warnings``: its ``.warnings`` join
    the document's; ``duration``: a pass over the source may have found its real end.
    """

    match: Match = "kind"
    into: str | None = None
    merge: Callable[[Any, Any], bool] | None = None
    new_only: bool = False
    warnings: bool = False
    duration: bool = True
    refuse: Callable[[Any, Any], bool] | None = None


def partial_after_complete(current: Any, value: Any) -> bool:
    """A provisional result (``complete`` False) never replaces a complete one of the same
    parameters; a complete one replaces anything."""
    return (current is not None and not getattr(value, "complete", True)
            and getattr(current, "complete", True)
            and getattr(current, "params", None) == getattr(value, "params", None))


def merge_tiles(spectrogram: Any, detail: tuple[Any, dict]) -> bool:
    """Put (spectrogram, {TileKey: columns}) tiles into ``spectrogram``'s tile cache; False
    when they were computed for another spectrogram (or it keeps no tiles)."""
    spec, tiles = detail
    if spec is not spectrogram or spec.tiles is None:
        return False
    for key, columns in tiles.items():
        spec.tiles.put(key, columns)
    return True


ACCEPTANCE: dict[str, Acceptance] = {
    # the same features for every kind: a kind change does not make them stale
    FEATURES: Acceptance(match="params", new_only=True, warnings=True),
    SPECTROGRAM: Acceptance(match="kind"),
    # the waveform depends on the source only
    ENVELOPE: Acceptance(match="generation"),
    # tiles depend only on that spectrogram: an edit that kept it (a feature-only
    # parameter) re-tags it, and must not throw its tiles away
    DETAIL: Acceptance(match="generation", into=SPECTROGRAM, merge=merge_tiles,
                       duration=False),
    # pYIN depends on the parameters (framing, pyin range), not on the view's kind; its
    # warnings (pyin_fmax clamped to Nyquist) reach the status bar; provisional tracks
    # (complete=False, drawn while pYIN runs) give way to the exact one, never the reverse
    PITCH: Acceptance(match="params", warnings=True, refuse=partial_after_complete),
}
DEFAULT_ACCEPTANCE = Acceptance()
