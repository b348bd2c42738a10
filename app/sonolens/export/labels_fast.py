"""Many annotations made at once, for the label readers (100 000 in a few tens of ms).

A reader parses a well-formed file into columns and calls :func:`build`: the times and
bands are checked for the whole file with numpy, and the annotations are made without a
per-annotation ``validate``. When anything is wrong (a number that does not parse, NaN,
end before start, a bad band), :func:`build` returns None and the reader reads the file
again the exact way, which names the line and the cause.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sonolens.core.annotations import Annotation, Tier

_NEW = object.__new__
_SET = object.__setattr__


def _make(start: float, end: float, label: str, tier: str, low: float | None,
          high: float | None, extra: tuple) -> Annotation:
    """An Annotation without ``__init__``'s frozen-field setattrs (checked by the caller)."""
    a = _NEW(Annotation)
    _SET(a, "__dict__", {"start": start, "end": end, "label": label, "tier": tier,
                         "low_hz": low, "high_hz": high, "extra": extra})
    return a


def _hz(values: Sequence[float | None] | None, n: int) -> tuple[np.ndarray, list] | None:
    """(n,) float Hz (NaN where None) and the values as a list; None if one is NaN."""
    if values is None:
        return np.full(n, np.nan), [None] * n
    listed = list(values)
    hz = np.array(listed, dtype=np.float64)
    if np.count_nonzero(np.isnan(hz)) != listed.count(None):  # a NaN in the file
        return None
    return hz, listed


def build(start: Sequence[float], end: Sequence[float], labels: Sequence[str],
          tiers: Sequence[str] | str, low: Sequence[float | None] | None = None,
          high: Sequence[float | None] | None = None,
          extra: Sequence[tuple] | None = None) -> list[Annotation] | None:
    """The annotations (n of each; ``tiers``: one name for all, or n), or None when one
    would not validate (Annotation.validate's rules, checked here in numpy)."""
    n = len(start)
    if not n:
        return []
    s = np.array(start, dtype=np.float64)
    e = np.array(end, dtype=np.float64)
    lows, highs = _hz(low, n), _hz(high, n)
    if lows is None or highs is None or len(e) != n:
        return None
    lo, hi = lows[0], highs[0]
    bad = ~(np.isfinite(s) & np.isfinite(e)) | (e < s) | np.isinf(lo) | np.isinf(hi)
    bad |= (lo < 0) | (hi < 0) | (hi < lo)  # NaN (no band) compares False
    if bad.any():
        return None
    tier_list = [tiers] * n if isinstance(tiers, str) else tiers
    extras = [()] * n if extra is None else extra
    return list(map(_make, s.tolist(), e.tolist(), labels, tier_list, lows[1], highs[1],
                    extras))


def tiers_in_order(annotations: list[Annotation]) -> list[Tier]:
    """Tiers as AnnotationSet.add makes them: in order of first appearance, a point tier
    when its first annotation is a point."""
    names = [a.tier for a in annotations]
    return [Tier(name, points=annotations[names.index(name)].is_point)
            for name in dict.fromkeys(names)]
