"""Level of detail while the user pans or zooms (wheel, drag, keys).

A gesture moves the views many times a second; during it every view draws at half
horizontal resolution (half the columns to pool, colour and paint: frames stay within a
60 Hz budget on long files), then once more at full resolution when it rests.
"""

from __future__ import annotations

import time

INTERACTION_S = 0.2  # a gesture's frames are drawn at half width until it rests this long

_interaction = {"until": 0.0}


def note_interaction() -> None:
    """A pan/zoom gesture (wheel, drag, key) is moving the views: for the next
    INTERACTION_S every view draws at half horizontal resolution (half the columns to
    pool, colour and paint), then redraws once at full resolution."""
    _interaction["until"] = time.monotonic() + INTERACTION_S


def interacting() -> bool:
    return time.monotonic() < _interaction["until"]
