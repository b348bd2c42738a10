"""Annotations: labelled time spans (regions), instants (points) and time-frequency boxes,
grouped in named tiers. Qt-free values; the label formats live in ``export/labels*``.

Times are seconds from the start of the audio; a point has ``end == start``; a box has
``low_hz``/``high_hz`` (None: no band). ``extra`` keeps columns a format carries that
Sonolens does not use (Raven's annotation columns), so they can be written back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
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

    # -- edits: each returns a new set (the old one stays as it was, for undo) ---------
    def copy(self) -> AnnotationSet:
        return AnnotationSet(list(self.tiers), list(self.annotations), self.duration)

    def with_added(self, annotation: Annotation) -> AnnotationSet:
        """A copy with ``annotation`` (its tier created if new)."""
        copy = self.copy()
        copy.add(annotation)
        return copy

    def with_replaced(self, index: int, annotation: Annotation) -> AnnotationSet:
        """A copy where ``annotations[index]`` is ``annotation`` (validated; its tier
        created if new)."""
        copy = self.copy()
        annotation.validate()
        if copy.tier(annotation.tier) is None:
            copy.tiers.append(Tier(annotation.tier, points=annotation.is_point))
        copy.annotations[index] = annotation
        return copy

    def without(self, indices: Iterable[int]) -> AnnotationSet:
        """A copy without ``annotations[k]`` for k in ``indices`` (tiers kept)."""
        drop = set(indices)
        return AnnotationSet(list(self.tiers),
                             [a for k, a in enumerate(self.annotations) if k not in drop],
                             self.duration)

    def with_tier(self, name: str, /, **changes: Any) -> AnnotationSet:
        """A copy where tier ``name`` has ``changes`` (``name=`` renames it and its
        annotations; ``color=``, ``visible=``, ``points=``). ParameterError when ``name``
        is missing or the new name is taken."""
        index = self._tier_index(name)
        new_name = changes.get("name", name)
        if new_name != name and self.tier(new_name) is not None:
            raise ParameterError(f"a tier named {new_name!r} exists already")
        copy = self.copy()
        copy.tiers[index] = replace(copy.tiers[index], **changes)
        if new_name != name:
            copy.annotations = [replace(a, tier=new_name) if a.tier == name else a
                                for a in copy.annotations]
        return copy

    def with_tier_moved(self, name: str, to: int) -> AnnotationSet:
        """A copy where tier ``name`` is at position ``to`` (clamped) of the tier order."""
        copy = self.copy()
        tier = copy.tiers.pop(self._tier_index(name))
        copy.tiers.insert(max(0, min(to, len(copy.tiers))), tier)
        return copy

    def _tier_index(self, name: str) -> int:
        for k, tier in enumerate(self.tiers):
            if tier.name == name:
                return k
        raise ParameterError(f"no tier named {name!r}")
