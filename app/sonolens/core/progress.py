"""Progress reports yielded by long computations (plain data, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` units finished; ``stage`` names the step; ``partial`` is optional."""

    done: int
    total: int
    stage: str = ""
    partial: Any = None

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total > 0 else 0.0
