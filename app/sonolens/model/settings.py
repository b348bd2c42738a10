"""Remembered choices (QSettings): values, never widget indices (DESIGN §9).

Stored: analysis parameters and view settings (as JSON of the dataclasses), recent
files, last folder, window geometry/state. ``Settings(path)`` uses an INI file there
(tests pass a path under tmp_path); the environment variable SONOLENS_SETTINGS does
the same for a whole process.
"""

from __future__ import annotations

import json
import os
from dataclasses import fields
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import ViewSettings

MAX_RECENT = 10


class Settings:
    """Typed access to the persisted settings."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        path = path or os.environ.get("SONOLENS_SETTINGS")
        if path:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings("Sonolens", "Sonolens")

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
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent(self, path: str | Path) -> list[str]:
        path = str(Path(path).resolve())
        recent = [path] + [p for p in self.recent_files() if p != path]
        self._qs.setValue("files/recent", json.dumps(recent[:MAX_RECENT]))
        self._qs.setValue("files/last_folder", str(Path(path).parent))
        return recent[:MAX_RECENT]

    def clear_recent(self) -> None:
        self._qs.setValue("files/recent", "[]")

    def last_folder(self) -> str:
        return str(self._qs.value("files/last_folder", "") or "")

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

    def _json(self, key: str, default: object = None) -> dict:
        raw = self._qs.value(key, "")
        try:
            value = json.loads(raw) if isinstance(raw, str) and raw else default
        except json.JSONDecodeError:
            value = default
        if default is None:
            return value if isinstance(value, dict) else {}
        return value  # type: ignore[return-value]
