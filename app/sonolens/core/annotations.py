"""Annotations: labelled time spans (regions), instants (points) and time-frequency boxes,
grouped in named tiers. Qt-free values; the label formats live in ``export/labels*``.

Times are seconds from the start of the audio; a point has ``end == start``; a box has
``low_hz``/``high_hz`` (None: no band). ``extra`` keeps columns a format carries that
Sonolens does not use (Raven's annotation columns), so they can be written back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from sonolens.core.errors import ParameterError


@dataclass(frozen=True)
class Annotation:
    """One labelled span, point or box (see module doc)."""

    start: float
    end: float
    label: str = ""
    tier: str = ""
    low_hz: float | None = None
    high_hz: float | None = None
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def is_point(self) -> bool:
        return self.end == self.start

    @property
    def has_band(self) -> bool:
        return self.low_hz is not None or self.high_hz is not None

    @property
    def duration(self) -> float:
        return self.end - self.start

    def validate(self) -> Annotation:
        """Raise ParameterError unless times are finite with ``end >= start`` and the band
        (if any) is >= 0 Hz and ordered. Times past the audio's end are valid (kept)."""
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ParameterError(f"{name}={value!r} must be a finite number of seconds")
        if self.end < self.start:
            raise ParameterError(f"end={self.end:g} s lies before start={self.start:g} s")
        for name in ("low_hz", "high_hz"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int | float)
                                      or not math.isfinite(value) or value < 0):
                raise ParameterError(f"{name}={value!r} must be a frequency >= 0 Hz")
        if (self.low_hz is not None and self.high_hz is not None
                and self.high_hz < self.low_hz):
            raise ParameterError(f"high_hz={self.high_hz:g} lies below low_hz={self.low_hz:g}")
        return self

    def replace(self, **changes: Any) -> Annotation:
        return replace(self, **changes).validate()


#: Tier colours, in tier order (cycled) for tiers without a colour of their own:
#: saturated enough over magma and over a white waveform.
TIER_COLORS = ("#00e676", "#ffea00", "#40c4ff", "#ff4081", "#b388ff", "#ff9100")


@dataclass(frozen=True)
class Tier:
    """A named group of annotations; ``points``: a tier of instants (Praat's TextTier);
    ``color``: ``#rrggbb`` chosen by the user (None: from :data:`TIER_COLORS` by its
    position); ``visible``: drawn in the views (hidden tiers stay in files and tables)."""

    name: str
    points: bool = False
    color: str | None = None
    visible: bool = True


@dataclass
class AnnotationSet:
    """Tiers in order and their annotations (any order; :meth:`sorted` orders them).

    ``duration``: the span the file declares (TextGrid's xmax), or None.
    """

    tiers: list[Tier] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    duration: float | None = None

    def tier(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.name == name), None)

    def add(self, annotation: Annotation) -> None:
        """Add ``annotation`` (validated); its tier is created if new (a point tier when
        the annotation is a point)."""
        annotation.validate()
        if self.tier(annotation.tier) is None:
            self.tiers.append(Tier(annotation.tier, points=annotation.is_point))
        self.annotations.append(annotation)

    def color_of(self, index: int) -> str:
        """The colour of the tier at ``index``: its own, else TIER_COLORS cycled."""
        own = self.tiers[index].color
        return own if own else TIER_COLORS[index % len(TIER_COLORS)]

    def in_tier(self, name: str) -> list[Annotation]:
        return sorted((a for a in self.annotations if a.tier == name),
                      key=lambda a: (a.start, a.end))

    def sorted(self) -> list[Annotation]:
        """By tier order, then start, then end."""
        order = {t.name: k for k, t in enumerate(self.tiers)}
        return sorted(self.annotations,
                      key=lambda a: (order.get(a.tier, len(order)), a.start, a.end))

    @property
    def end(self) -> float:
        """The latest end of any annotation (0 when empty)."""
        return max((a.end for a in self.annotations), default=0.0)
