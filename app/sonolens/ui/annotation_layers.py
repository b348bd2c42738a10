"""The document's annotations drawn as layers: per tier, its spans (and boxes) as a
regions layer and its points as a markers layer, over the waveform and the spectrogram
(bands only over the spectrogram: elsewhere a box spans the whole height)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject

from sonolens.model.document import Document
from sonolens.ui.views.layer import Layer
from sonolens.ui.views.layout import TimeView
from sonolens.ui.views.marker_layer import MarkersLayer
from sonolens.ui.views.region_layer import Region, RegionsLayer


class AnnotationLayers(QObject):
    """Keeps one regions layer and one markers layer per tier on ``spectrogram`` and on
    each of ``others`` (the waveform), in step with ``document.annotations``."""

    def __init__(self, document: Document, spectrogram: TimeView, others: Sequence[TimeView],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.spectrogram = spectrogram
        self.others = list(others)
        self.layers: list[tuple[TimeView, Layer]] = []
        document.annotations_changed.connect(self._on_document_annotations_changed)

    def _on_document_annotations_changed(self) -> None:
        for view, layer in self.layers:
            view.remove_layer(layer)
        self.layers = []
        annotations = self.document.annotations
        by_tier: dict[str, list] = {tier.name: [] for tier in annotations.tiers}
        for a in annotations.annotations:  # one pass (100 000 open in well under 1 s)
            by_tier.setdefault(a.tier, []).append(a)
        for k, tier in enumerate(annotations.tiers):
            if not tier.visible:
                continue
            color = annotations.color_of(k)
            items = by_tier[tier.name]
            # bands count only on a view with a frequency scale (the spectrogram): the
            # waveform's regions layer has none, so the same regions span its full height
            spans = [Region(a.start, a.end, a.low_hz, a.high_hz, a.label)
                     for a in items if not a.is_point]
            points = [a for a in items if a.is_point]
            times, texts = [a.start for a in points], [a.label for a in points]
            name = tier.name or "labels"
            for view in (self.spectrogram, *self.others):
                if spans:
                    regions = RegionsLayer(name, color)
                    self._add(view, regions)
                    regions.set_result(spans)
                if points:
                    markers = MarkersLayer(name, name, color)
                    self._add(view, markers)
                    markers.set_result(times, texts)
        for view in {id(v): v for v, _ in self.layers}.values():
            view.update_legend()
            view.schedule_redraw()

    def _add(self, view: TimeView, layer: Layer) -> None:
        view.add_layer(layer)
        self.layers.append((view, layer))
