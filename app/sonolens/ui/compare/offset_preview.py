"""B drawn at an offset it has not been analysed at yet: while B is dragged or nudged by
hand, and until B is analysed again at the new offset.

B's views draw B moved by the offset its source was opened at (a ShiftedSource: shown
time t is B's time t + that offset). To show B at another offset, every drawn item of B's
waveform and spectrogram (image, envelope, overlay curves; not the selection, cursor and
playhead, which are A's times) is moved sideways by the difference with
``QGraphicsItem.setPos``: nothing is recomputed, a few item moves per mouse move.
"""

from __future__ import annotations


class OffsetPreview:
    """``show(offset)``: B's drawing as if B were moved by ``offset`` s (None: as analysed).

    ``window``: a CompareWindow (reads ``b``, ``markers``).
    """

    def __init__(self, window) -> None:
        self.window = window
        self.views = (window.b.views.waveform, window.b.views.spectrogram)
        self.dx = 0.0  # s: how far right B's drawing is moved from where it was analysed

    def analysed_offset(self) -> float | None:
        """The offset (s) B's shown source was opened at (None: no B yet)."""
        source = self.window.b.document.source
        if source is None or not hasattr(source, "shift"):
            return None
        return source.shift / source.samplerate

    def show(self, offset: float | None) -> None:
        analysed = self.analysed_offset()
        dx = 0.0 if offset is None or analysed is None else analysed - offset
        if dx and abs(dx) * self.window.b.document.source.samplerate < 1:
            dx = 0.0  # within a sample of what was analysed: drawn where it lies
        self.dx = dx
        for item in self._items():
            if item.pos().x() != dx:
                item.setPos(dx, item.pos().y())

    def _items(self) -> list:
        markers = self.window.markers
        fixed = {id(item) for item in (*markers.regions, *markers.playheads, *markers.cursors)}
        return [item for view in self.views for layer in view.layers
                for item in layer.items() if id(item) not in fixed]
