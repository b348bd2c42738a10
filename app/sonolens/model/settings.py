"""Remembered choices (QSettings): values, never widget indices (DESIGN §9).

Stored: analysis parameters and view settings (as JSON of the dataclasses), recent
files, last folder, window geometry/state and splitter sizes, the theme (its name) and
the user's spectrogram presets (JSON, validated on load: bad entries are dropped).
``Settings(path)`` uses an INI file there (tests pass a path under tmp_path); the
environment variable SONOLENS_SETTINGS does the same for a whole process; otherwise the
user's INI file (QSettings' IniFormat, user scope). Whatever the file holds, reading it
is safe: values that QSettings would deserialise are removed before it reads them
(:mod:`sonolens.model.settings_file`), and wrong types, absurd sizes or garbage fall
back to defaults.
"""

from __future__ import annotations

import json
import os
from dataclasses import fields
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.presets import Preset, load_user_presets
from sonolens.core.view_settings import ViewSettings
from sonolens.model.settings_file import defuse_settings_file

MAX_RECENT = 10
THEMES = ("system", "light", "dark")  # the View > Theme choices (ui.theme applies them)
DEFAULT_THEME = "system"
MAX_PATH_CHARS = 4096
CACHE_LIMITS = tuple(n * 2**30 for n in (1, 2, 5, 10, 20))  # bytes: the menu's choices
DEFAULT_CACHE_LIMIT = 2 * 2**30


class Settings:
    """Typed access to the persisted settings."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        path = path or os.environ.get("SONOLENS_SETTINGS")
        if not path:  # the user's file: ask Qt where it lives, before it reads a value
            path = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                             "Sonolens", "Sonolens").fileName()
        defuse_settings_file(path)
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def path(self) -> Path:
        return Path(self._qs.fileName())

    def sync(self) -> None:
        self._qs.sync()

    # -- analysis and view ----------------------------------------------------------------
    def params(self) -> AnalysisParams:
        data = self._json("analysis/params")
        known = {f.name for f in fields(AnalysisParams)}
        try:
            return AnalysisParams(**{k: v for k, v in data.items() if k in known}).validate()
        except (TypeError, ValueError, ParameterError):
            return AnalysisParams()

    def set_params(self, params: AnalysisParams) -> None:
        self._qs.setValue("analysis/params", json.dumps(params.as_dict()))

    def view(self) -> ViewSettings:
        data = self._json("view/settings")
        known = {f.name for f in fields(ViewSettings)}
        data = {k: v for k, v in data.items() if k in known}
        try:
            if "overlays" in data:
                data["overlays"] = frozenset(data["overlays"])
            return ViewSettings(**data).validate()
        except (TypeError, ValueError, ParameterError):  # old or hand-edited values
            return ViewSettings()

    def set_view(self, view: ViewSettings) -> None:
        self._qs.setValue("view/settings", json.dumps(view.as_dict()))

    # -- files ---------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self._json("files/recent", default=[])
        if not isinstance(value, list):
            return []
        return [v for v in value if _usable_path(v)][:MAX_RECENT]

    def add_recent(self, path: str | Path) -> list[str]:
        path = str(Path(path).resolve())
        recent = [path] + [p for p in self.recent_files() if p != path]
        self._qs.setValue("files/recent", json.dumps(recent[:MAX_RECENT]))
        self._qs.setValue("files/last_folder", str(Path(path).parent))
        return recent[:MAX_RECENT]

    def clear_recent(self) -> None:
        self._qs.setValue("files/recent", "[]")

    def last_folder(self) -> str:
        value = self._qs.value("files/last_folder", "")
        return value if _usable_path(value) else ""

    def set_last_folder(self, folder: str | Path) -> None:
        self._qs.setValue("files/last_folder", str(folder))

    # -- window --------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._qs.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def set_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)

    def splitter_state(self) -> QByteArray | None:
        """The sizes of the views' splitter (``QSplitter.saveState``)."""
        value = self._qs.value("window/splitter")
        return value if isinstance(value, QByteArray) else None

    def set_splitter_state(self, state: QByteArray) -> None:
        self._qs.setValue("window/splitter", state)

    # -- look and presets ----------------------------------------------------------------
    def theme(self) -> str:
        """"system", "light" or "dark" (anything else: the default)."""
        value = self._qs.value("view/theme", DEFAULT_THEME)
        return value if isinstance(value, str) and value in THEMES else DEFAULT_THEME

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"theme={theme!r} is not one of {', '.join(THEMES)}")
        self._qs.setValue("view/theme", theme)

    def snap_mode(self) -> str:
        """Where annotation edges snap: "none", "zero_crossings" or "frames"."""
        value = self._qs.value("annotations/snap", "none")
        return value if value in ("none", "zero_crossings", "frames") else "none"

    def set_snap_mode(self, mode: str) -> None:
        self._qs.setValue("annotations/snap", mode)

    def fit_frequencies_on_open(self) -> bool:
        """Whether a newly opened file's frequency axis is fitted to its content. Default
        on; the environment variable SONOLENS_FIT_ON_OPEN=0 makes the default off (the test
        suites set it: their views show the full range unless a test asks)."""
        default = "false" if os.environ.get("SONOLENS_FIT_ON_OPEN") == "0" else "true"
        return self._qs.value("view/fit_frequencies_on_open", default) != "false"

    def set_fit_frequencies_on_open(self, enabled: bool) -> None:
        self._qs.setValue("view/fit_frequencies_on_open", "true" if enabled else "false")

    # -- analysis cache (sonolens.store) --------------------------------------------------
    def cache_enabled(self) -> bool:
        """Whether results are kept in and taken from the analysis cache (default on)."""
        return self._qs.value("cache/enabled", "true") != "false"

    def set_cache_enabled(self, enabled: bool) -> None:
        self._qs.setValue("cache/enabled", "true" if enabled else "false")

    def cache_limit(self) -> int:
        """The analysis cache's size limit in bytes (one of CACHE_LIMITS)."""
        value = self._qs.value("cache/limit", "")
        try:
            limit = int(value) if isinstance(value, str) else 0
        except ValueError:
            limit = 0
        return limit if limit in CACHE_LIMITS else DEFAULT_CACHE_LIMIT

    def set_cache_limit(self, limit: int) -> None:
        if limit not in CACHE_LIMITS:
            raise ValueError(f"cache limit {limit} is not one of {CACHE_LIMITS}")
        self._qs.setValue("cache/limit", str(limit))

    def presets(self) -> list[Preset]:
        """The user's spectrogram presets that validate (the others are dropped)."""
        return load_user_presets(self._json("presets/user", default=[]))

    def set_presets(self, presets: list[Preset]) -> None:
        self._qs.setValue("presets/user", json.dumps([p.as_dict() for p in presets]))

    def _json(self, key: str, default: object = None) -> dict:
        raw = self._qs.value(key, "")
        try:
            value = json.loads(raw) if isinstance(raw, str) and raw else default
        except (ValueError, RecursionError):  # bad JSON, 5000-digit numbers, deep nesting
            value = default
        if default is None:
            return value if isinstance(value, dict) else {}
        return value  # type: ignore[return-value]


def _usable_path(value: object) -> bool:
    """A string that can name a file: not empty, no NUL, not absurdly long."""
    return isinstance(value, str) and 0 < len(value) <= MAX_PATH_CHARS and "\0" not in value
