"""What a view of another source (an excerpt, a shifted take) passes through unchanged."""

from __future__ import annotations

from typing import Any


class SourceView:
    """Rate, channels, whether the length is known and warnings: those of ``source``."""

    source: Any

    @property
    def samplerate(self) -> int:
        return self.source.samplerate

    @property
    def channels(self) -> int:
        return self.source.channels

    @property
    def length_known(self) -> bool:
        return self.source.length_known

    @property
    def warnings(self) -> list[str]:
        return self.source.warnings
