"""Messages and progress on stderr: `error: ...`, `warning: ...`, a bar on terminals."""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import Any, TextIO

from sonolens.core.progress import Progress, drive


class Reporter:
    """Writes one-line messages to ``stream`` (stderr); counts errors."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.errors = 0

    @property
    def interactive(self) -> bool:
        return not self.quiet and bool(getattr(self.stream, "isatty", lambda: False)())

    def error(self, message: str) -> None:
        self.errors += 1
        print(f"error: {message}", file=self.stream)

    def usage(self, message: str) -> None:
        print(f"sonolens: error: {message}", file=self.stream)

    def warning(self, message: str) -> None:
        print(f"warning: {message}", file=self.stream)

    def info(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stream)


def progress_bar(job: Generator[Progress, None, Any], label: str, *, enabled: bool) -> Any:
    """Drive ``job`` to its result, drawing a tqdm bar on stderr when ``enabled``."""
    bar = None
    if enabled:
        from tqdm import tqdm

        bar = tqdm(total=1.0, desc=label, unit="", file=sys.stderr, leave=False,
                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")

    def show(progress: Progress) -> None:
        if bar is not None:
            bar.n = progress.fraction
            bar.refresh()

    try:
        return drive(job, show)
    finally:
        if bar is not None:
            bar.close()
