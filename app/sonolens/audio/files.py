"""Which files in a folder are audio: by suffix, hidden files and folders skipped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

#: File suffixes taken as audio, in the order the window's Open dialog lists them.
AUDIO_SUFFIX_LIST = (
    ".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff", ".aifc",
    ".m4a", ".mp4", ".aac", ".caf", ".w64", ".rf64", ".au", ".snd",
)
#: The same, for lookups when walking a folder.
AUDIO_SUFFIXES = frozenset(AUDIO_SUFFIX_LIST)


def find_audio_files(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """Audio files under ``folder`` (recursively), sorted by path; hidden entries skipped."""
    root = Path(folder)
    for path in sorted(root.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
        if not hidden and path.suffix.lower() in AUDIO_SUFFIXES and path.is_file():
            yield path
