"""How the window plays: at which speed and in which band (slowed / band-limited playback).

:class:`PlayShape` is what the PlaybackController consults: the slow-down factor k (speed
1/k), the selected time–frequency box (an annotation with a band: Space then plays that
box's span, only its band) and whether to play everything except the band. When any of
these applies the player plays a
:class:`~sonolens.audio.playback.transforms.Transformed` view of the source (resampled:
the pitch drops) or, keeping the pitch, a :class:`~sonolens.dsp.stretched.Stretched` one;
either's frames are output frames (file frame × k).
"""

from __future__ import annotations

from dataclasses import dataclass

from sonolens.audio.playback.transforms import Band, Transformed
from sonolens.audio.protocol import Playable
from sonolens.core.annotations import Annotation
from sonolens.dsp.stretched import Stretched
from sonolens.model.document import Document


@dataclass
class PlayShape:
    """Speed and band of playback (see the module doc)."""

    slowdown: int = 1
    band_stop: bool = False
    box: Annotation | None = None  # the selected annotation, if it has a band
    keep_pitch: bool = False  # slowed by the phase vocoder (speech) instead of resampled
    played: tuple[int, int] | None = None  # file frames the controller is about to play

    @property
    def band(self) -> Band | None:
        box = self.box
        if box is None or not box.has_band or box.end <= box.start:
            return None
        return Band(box.low_hz, box.high_hz, self.band_stop)

    @property
    def transformed(self) -> bool:
        return self.slowdown > 1 or self.band is not None

    @property
    def stretched(self) -> bool:
        """Slowed keeping the pitch: only ``played`` is stretched (see dsp.stretched)."""
        return self.keep_pitch and self.slowdown > 1

    def key(self) -> tuple:
        """Equal keys: the same view would be built (the player can be kept)."""
        return (self.slowdown, self.band, self.stretched,
                self.played if self.stretched else None)

    def wrap(self, playable: Playable) -> Playable:
        """``playable`` itself, or its slowed / band-limited view (frames × slowdown).
        Raises ParameterError when a span is too long to stretch keeping the pitch."""
        if self.stretched and self.played is not None:
            return Stretched(playable, self.played, slowdown=self.slowdown, band=self.band)
        if not self.transformed:
            return playable
        return Transformed(playable, slowdown=self.slowdown, band=self.band)

    def span(self, document: Document) -> tuple[int, int] | None:
        """File frames to play: the box's span when band-limited, else the selection's."""
        source = document.source
        if self.band is not None and source is not None and self.box is not None:
            sr = source.samplerate
            start = min(max(round(self.box.start * sr), 0), source.frames)
            stop = min(max(round(self.box.end * sr), 0), source.frames)
            return (start, stop) if stop > start else None
        return document.selected_frames()
