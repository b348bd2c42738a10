"""Session files (``.sonolens``, JSON, UTF-8): everything needed to reopen a recording as
it was — the audio path (relative to the session's folder when possible), analysis and
view settings, tiers and annotations, selection and view range (seconds), and the
playback mute/solo of its channels (``channel_mix``: the channel count and the muted and
soloed channels, 0-based as ``params.channel``; written only when a channel is muted or
soloed, so a file without it plays every channel; no version bump: readers of version 1
ignore keys they do not know).

Qt-free. :func:`read_session` raises :class:`SessionError` (``<file>: <cause>``, one
line): a version newer than :data:`VERSION` is refused, unknown keys are ignored, a bad
value names its key.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sonolens.audio.playback.mix import ChannelMix
from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import ParameterError, SonolensError
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import ViewSettings
from sonolens.export.atomic import atomic_write

VERSION = 1
SUFFIX = ".sonolens"
MAX_BYTES = 256 * 1024 * 1024  # a session larger than this is not a session


class SessionError(SonolensError):
    """A session file is unreadable or malformed: ``<file>: <cause>``."""

    def __init__(self, path: str | Path, cause: str) -> None:
        self.path = Path(path)
        self.cause = cause
        super().__init__(f"{self.path.name}: {cause}")


Span = tuple[float, float] | None


@dataclass
class Session:
    """A recording as it was shown. ``audio``: absolute path of the audio file."""

    audio: Path
    params: AnalysisParams = field(default_factory=AnalysisParams)
    view: ViewSettings = field(default_factory=ViewSettings)
    annotations: AnnotationSet = field(default_factory=AnnotationSet)
    selection: Span = None
    view_range: Span = None
    version: int = VERSION
    others: tuple[Session, ...] = ()
    """The other recordings open beside it (the window's other tabs), each as it was."""
    channel_mix: ChannelMix | None = None
    """Playback's mute/solo of its channels (None: every channel plays)."""


# -- writing -----------------------------------------------------------------------------
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def session_dict(session: Session, folder: Path) -> dict[str, Any]:
    """The JSON object of ``session``; the audio path relative to ``folder`` if it can be."""
    audio = Path(os.path.abspath(session.audio))
    try:
        stored = os.path.relpath(audio, os.path.abspath(folder))
    except ValueError:  # another drive (Windows)
        stored = str(audio)
    return {
        "format": "sonolens-session",
        "version": VERSION,
        "audio": Path(stored).as_posix() if not Path(stored).is_absolute() else stored,
        "params": session.params.as_dict(),
        "view": session.view.as_dict(),
        "tiers": [_tier_json(t) for t in session.annotations.tiers],
        "annotations": [_annotation_dict(a) for a in session.annotations.annotations],
        "duration": session.annotations.duration,
        "selection": list(session.selection) if session.selection else None,
        "view_range": list(session.view_range) if session.view_range else None,
        **({"others": [session_dict(other, folder) for other in session.others]}
           if session.others else {}),
        **_channel_mix_json(session.channel_mix),
    }


def _channel_mix_json(mix: ChannelMix | None) -> dict[str, Any]:
    if mix is None or not (mix.muted or mix.soloed):
        return {}
    return {"channel_mix": {"channels": mix.channels, "muted": sorted(mix.muted),
                            "soloed": sorted(mix.soloed)}}


def _tier_json(tier: Tier) -> dict[str, Any]:
    return {"name": tier.name, "points": tier.points, "color": tier.color,
            "visible": tier.visible}


def _annotation_dict(a: Annotation) -> dict[str, Any]:
    return {"tier": a.tier, "start": a.start, "end": a.end, "label": a.label,
            "low_hz": a.low_hz, "high_hz": a.high_hz, "extra": [list(p) for p in a.extra]}


def write_session(session: Session, path: str | os.PathLike[str]) -> Path:
    """Write ``session`` to ``path`` atomically (UTF-8 JSON); returns the path."""
    target = Path(path)
    text = json.dumps(session_dict(session, target.parent), ensure_ascii=False, indent=1,
                      allow_nan=False)
    with atomic_write(target, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text + "\n")
    return target


# -- reading -----------------------------------------------------------------------------
def read_session(path: str | os.PathLike[str]) -> Session:
    """The session in ``path``; raises :class:`SessionError` naming the file and cause."""
    source = Path(path)
    try:
        if source.stat().st_size > MAX_BYTES:
            raise SessionError(source, "file too large for a session")
        raw = source.read_bytes()
    except OSError as exc:
        raise SessionError(source, f"cannot read ({exc.strerror or exc})") from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise SessionError(source, "not UTF-8 text") from exc
    except (json.JSONDecodeError, ValueError) as exc:
        raise SessionError(source, f"not a session (invalid JSON: {exc})") from exc
    if not isinstance(data, dict):
        raise SessionError(source, "not a session (expected a JSON object)")
    try:
        return _session_from(data, source)
    except SessionError:
        raise
    except (ParameterError, TypeError, ValueError) as exc:
        raise SessionError(source, str(exc).splitlines()[0]) from exc


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _session_from(data: dict[str, Any], source: Path, *, nested: bool = False) -> Session:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(source, f"version: {version!r} is not a session version")
    if version > VERSION:
        raise SessionError(source, f"version {version} is newer than this Sonolens "
                                   f"reads ({VERSION}); update Sonolens")
    audio = data.get("audio")
    if not isinstance(audio, str) or not audio:
        raise SessionError(source, "audio: missing or not a path")
    audio_path = Path(audio)
    if not audio_path.is_absolute():
        audio_path = Path(os.path.abspath(source.parent / audio_path))
    return Session(
        audio=audio_path,
        params=_dataclass_from(AnalysisParams, data.get("params", {}), "params", source),
        view=_view_from(data.get("view", {}), source),
        annotations=_annotations_from(data, source),
        selection=_span(data.get("selection"), "selection", source),
        view_range=_span(data.get("view_range"), "view_range", source),
        version=version,
        others=() if nested else _others_from(data.get("others", []), source),
        channel_mix=_channel_mix_from(data.get("channel_mix"), source),
    )


def _channel_mix_from(value: Any, source: Path) -> ChannelMix | None:
    """The ``channel_mix`` object (None when absent: every channel plays)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SessionError(source, "channel_mix: expected an object")
    channels = value.get("channels")
    if not _is_number(channels) or channels != int(channels) or channels < 0:
        raise SessionError(source, f"channel_mix.channels: {channels!r} is not a count")
    chosen = []
    for key in ("muted", "soloed"):
        items = value.get(key, [])
        if not isinstance(items, list) or not all(
                _is_number(k) and k == int(k) and 0 <= k < channels for k in items):
            raise SessionError(source, f"channel_mix.{key}: expected channel numbers "
                                       f"from 0 to {int(channels) - 1}")
        chosen.append(frozenset(int(k) for k in items))
    return ChannelMix(int(channels), chosen[0], chosen[1])


def _others_from(value: Any, source: Path) -> tuple[Session, ...]:
    """The ``others`` list: a session object per recording open beside the main one."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SessionError(source, "others: expected a list of recordings")
    return tuple(_session_from(item, source, nested=True) for item in value)


def _dataclass_from(cls: Any, value: Any, key: str, source: Path) -> Any:
    if not isinstance(value, dict):
        raise SessionError(source, f"{key}: expected an object")
    known = {f.name for f in fields(cls)}
    try:
        return cls(**{k: v for k, v in value.items() if k in known}).validate()
    except (ParameterError, TypeError, ValueError) as exc:
        raise SessionError(source, f"{key}: {exc}") from exc


def _view_from(value: Any, source: Path) -> ViewSettings:
    if isinstance(value, dict) and isinstance(value.get("overlays"), list):
        if not all(isinstance(o, str) for o in value["overlays"]):
            raise SessionError(source, "view: overlays must be names")
        value = {**value, "overlays": frozenset(value["overlays"])}
    return _dataclass_from(ViewSettings, value, "view", source)


def _span(value: Any, key: str, source: Path) -> Span:
    if value is None:
        return None
    if (not isinstance(value, list) or len(value) != 2
            or not all(_is_number(v) for v in value) or not value[0] < value[1]):
        raise SessionError(source, f"{key}: expected null or [t0, t1] seconds with t0 < t1")
    return float(value[0]), float(value[1])


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _annotations_from(data: dict[str, Any], source: Path) -> AnnotationSet:
    tiers_raw, items = data.get("tiers", []), data.get("annotations", [])
    if not isinstance(tiers_raw, list) or not isinstance(items, list):
        raise SessionError(source, "tiers/annotations: expected lists")
    result = AnnotationSet()
    for k, tier in enumerate(tiers_raw):
        if not isinstance(tier, dict) or not isinstance(tier.get("name"), str):
            raise SessionError(source, f"tiers[{k}]: expected an object with a name")
        color = tier.get("color")
        if color is not None and not (isinstance(color, str) and _COLOR.fullmatch(color)):
            raise SessionError(source, f"tiers[{k}].color: expected #rrggbb, got {color!r}")
        result.tiers.append(Tier(tier["name"], points=bool(tier.get("points", False)),
                                 color=color, visible=bool(tier.get("visible", True))))
    for k, item in enumerate(items):
        result.add(_annotation_from(item, f"annotations[{k}]", source))
    duration = data.get("duration")
    if duration is not None and not _is_number(duration):
        raise SessionError(source, "duration: expected null or seconds")
    result.duration = duration
    return result


def _annotation_from(item: Any, key: str, source: Path) -> Annotation:
    if not isinstance(item, dict):
        raise SessionError(source, f"{key}: expected an object")
    for name in ("tier", "label"):
        if not isinstance(item.get(name, ""), str):
            raise SessionError(source, f"{key}.{name}: expected text")
    for name in ("start", "end", "low_hz", "high_hz"):
        value = item.get(name)
        if (value is not None or name in ("start", "end")) and not _is_number(value):
            raise SessionError(source, f"{key}.{name}: {value!r} is not a number")
    extra = item.get("extra", [])
    if not isinstance(extra, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p)
            for p in extra):
        raise SessionError(source, f"{key}.extra: expected [[column, text], ...]")
    try:
        return Annotation(float(item["start"]), float(item["end"]), item.get("label", ""),
                          item.get("tier", ""), _opt(item.get("low_hz")),
                          _opt(item.get("high_hz")),
                          tuple((a, b) for a, b in extra)).validate()
    except ParameterError as exc:
        raise SessionError(source, f"{key}: {exc}") from exc


def _opt(value: Any) -> float | None:
    return None if value is None else float(value)
