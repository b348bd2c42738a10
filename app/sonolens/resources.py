"""Files shipped with Sonolens (the demo sound), found in the source tree or the wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DATA = Path(__file__).resolve().parent / "data"
_SOURCE_TREE = Path(__file__).resolve().parents[2] / "resources"


def resource_path(name: str) -> Path:
    """Path of a bundled resource file (``resources/`` in a checkout, ``data/`` in a wheel)."""
    for folder in (_PACKAGE_DATA, _SOURCE_TREE):
        candidate = folder / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"bundled resource {name!r} is missing from this installation")


def demo_sound() -> Path:
    return resource_path("demo.flac")
