"""Background work (QtCore only; DESIGN §3): ``JobRunner`` runs generator jobs on QThreads.

The window's jobs are plain generators: analysis in ``jobs``, exports in ``export_jobs``;
``registry`` says which job computes which Document result and how it is accepted, and
``analysis.AnalysisCoordinator`` submits them as the Document changes.

``JobRunner`` is re-exported lazily so that ``sonolens.workers.jobs`` (plain generators)
can be imported without loading Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sonolens.workers.runner import JobRunner

__all__ = ["JobRunner"]


def __getattr__(name: str) -> Any:
    if name == "JobRunner":
        from sonolens.workers.runner import JobRunner

        return JobRunner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
