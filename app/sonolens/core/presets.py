"""Named spectrogram set-ups: built-ins sized for the analysis rate, and the user's own.

A preset holds some :class:`AnalysisParams` fields (never ``sr`` or ``channel``: those
belong to the file) and some :class:`ViewSettings` fields (kind, frequency scale,
colormap, dB range, Hz/note axis and its A4). Applying one replaces those fields and
keeps the rest; a preset *matches* the current settings when applying it would change
nothing. User presets come from a settings file and are never trusted:
:func:`load_user_presets` keeps only entries that validate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sonolens.core.errors import ParameterError
from sonolens.core.params import CQT_FMIN, PYIN_FMIN, AnalysisParams, cqt_bins_below_nyquist
from sonolens.core.view_settings import ViewSettings

PRESET_PARAM_FIELDS: tuple[str, ...] = tuple(
    name for name in AnalysisParams.field_names() if name not in ("sr", "channel"))
PRESET_VIEW_FIELDS: tuple[str, ...] = ("kind", "freq_scale", "colormap", "db_range",
                                       "freq_axis", "a4")
MAX_NAME_CHARS = 80
MAX_USER_PRESETS = 100
FALLBACK_SR = 22050  # librosa's default rate: sizes the built-ins before a file is open

SPEECH = "Speech 25 ms / 10 ms"
MUSIC = "Music 2048 / 512"
BIRD_SONG = "Bird song (high time resolution)"
HARMONICS = "Harmonics (high frequency resolution)"
MUSIC_NOTES = "Music notes (constant-Q)"
SPEECH_PYIN_FMAX = 523.2511306011972  # Hz: librosa.note_to_hz("C5"), above most voices' f0
BUILTIN_NAMES: tuple[str, ...] = (SPEECH, MUSIC, BIRD_SONG, HARMONICS, MUSIC_NOTES)


@dataclass(frozen=True)
class Preset:
    """``params``/``view``: (field, value) pairs; ``builtin``: shipped, not deletable."""

    name: str
    params: tuple[tuple[str, Any], ...]
    view: tuple[tuple[str, Any], ...]
    builtin: bool = False

    def apply(self, params: AnalysisParams, view: ViewSettings, sr: int | None = None
              ) -> tuple[AnalysisParams, ViewSettings]:
        """``params`` and ``view`` with this preset's fields; raises ParameterError.

        Kept valid: ``n_mfcc`` is lowered to ``n_mels`` if needed; with the analysis rate
        ``sr`` (Hz), an ``fmax`` past Nyquist becomes None and an ``fmin`` past it 0.
        """
        changes = dict(self.params)
        try:
            n_mels = changes.get("n_mels", params.n_mels)
            if changes.get("n_mfcc", params.n_mfcc) > n_mels:
                changes["n_mfcc"] = n_mels
            if sr is not None:
                fmax = changes.get("fmax", params.fmax)
                if fmax is not None and fmax > sr / 2:
                    changes["fmax"] = None
                if changes.get("fmin", params.fmin) >= sr / 2:
                    changes["fmin"] = 0.0
            return params.replace(**changes), view.replace(**dict(self.view))
        except (TypeError, ValueError, OverflowError) as exc:  # wrong types from a file
            raise ParameterError(f"preset {self.name!r}: {exc}") from None

    def matches(self, params: AnalysisParams, view: ViewSettings, sr: int | None = None
                ) -> bool:
        """True if applying the preset would leave ``params`` and ``view`` unchanged."""
        try:
            return self.apply(params, view, sr) == (params, view)
        except ParameterError:
            return False

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": dict(self.params), "view": dict(self.view)}

    @classmethod
    def capture(cls, name: str, params: AnalysisParams, view: ViewSettings) -> Preset:
        """A user preset of every preset field of ``params`` and ``view``."""
        return cls(check_name(name),
                   tuple((f, getattr(params, f)) for f in PRESET_PARAM_FIELDS),
                   tuple((f, getattr(view, f)) for f in PRESET_VIEW_FIELDS))

    @classmethod
    def from_dict(cls, data: object) -> Preset:
        """A user preset from its stored form; raises ParameterError if anything is off."""
        if not isinstance(data, Mapping):
            raise ParameterError("a preset must be a mapping")
        name = check_name(data.get("name"))
        params, view = data.get("params", {}), data.get("view", {})
        if not isinstance(params, Mapping) or not isinstance(view, Mapping):
            raise ParameterError(f"preset {name!r}: params and view must be mappings")
        unknown = (set(params) - set(PRESET_PARAM_FIELDS)) | (set(view) - set(PRESET_VIEW_FIELDS))
        if unknown:
            raise ParameterError(f"preset {name!r}: unknown fields {sorted(map(str, unknown))}")
        preset = cls(name, tuple((f, params[f]) for f in PRESET_PARAM_FIELDS if f in params),
                     tuple((f, view[f]) for f in PRESET_VIEW_FIELDS if f in view))
        preset.apply(AnalysisParams(), ViewSettings())  # validates every value
        return preset


def check_name(name: object) -> str:
    """A usable preset name (stripped); raises ParameterError."""
    if not isinstance(name, str) or not name.strip():
        raise ParameterError("a preset needs a name")
    name = name.strip()
    if len(name) > MAX_NAME_CHARS:
        raise ParameterError(f"a preset name has at most {MAX_NAME_CHARS} characters")
    if not name.isprintable():
        raise ParameterError("a preset name cannot hold control characters")
    return name


def next_power_of_two(n: int) -> int:
    return 1 << max(0, math.ceil(math.log2(max(1, n))))


def builtin_presets(sr: int | None) -> list[Preset]:
    """The shipped presets for analysis rate ``sr`` (Hz; None: :data:`FALLBACK_SR`).

    Speech: 25 ms window (``win_length = round(0.025 sr)``), 10 ms hop, ``n_fft`` the next
    power of two, 80 mel bands, up to 8 kHz. Bird song: ~10 ms windows (``n_fft`` the
    next power of two of 0.010 sr), hop a quarter of it. Music: librosa's 2048 / 512 on a
    log axis. Harmonics: 8192 / 2048 (fine frequency bins) on a log axis. Music notes:
    the constant-Q kind, librosa.cqt's defaults (C1, 84 semitone bins; fewer where the top
    ones would pass Nyquist).
    """
    rate = sr or FALLBACK_SR
    speech_win = round(0.025 * rate)
    bird_fft = next_power_of_two(round(0.010 * rate))
    full = (("fmin", 0.0), ("fmax", None))
    return [
        Preset(SPEECH, (("n_fft", next_power_of_two(speech_win)),
                        ("hop_length", round(0.010 * rate)), ("win_length", speech_win),
                        ("window", "hann"), ("n_mels", 80), ("fmin", 0.0),
                        ("fmax", 8000.0 if rate > 16000 else None),
                        ("pyin_fmin", PYIN_FMIN), ("pyin_fmax", SPEECH_PYIN_FMAX)),
               (("kind", "db"), ("freq_scale", "linear"), ("db_range", 70.0)), builtin=True),
        Preset(MUSIC, (("n_fft", 2048), ("hop_length", 512), ("win_length", None),
                       ("window", "hann"), ("n_mels", 128), *full),
               (("kind", "db"), ("freq_scale", "log"), ("db_range", 80.0)), builtin=True),
        Preset(BIRD_SONG, (("n_fft", bird_fft), ("hop_length", bird_fft // 4),
                           ("win_length", None), ("window", "hann"), *full),
               (("kind", "db"), ("freq_scale", "linear"), ("db_range", 60.0)), builtin=True),
        Preset(HARMONICS, (("n_fft", 8192), ("hop_length", 2048), ("win_length", None),
                           ("window", "hann"), *full),
               (("kind", "db"), ("freq_scale", "log"), ("db_range", 90.0)), builtin=True),
        Preset(MUSIC_NOTES, (("hop_length", 512), ("cqt_fmin", CQT_FMIN),
                             ("cqt_n_bins", max(1, cqt_bins_below_nyquist(rate, 84, CQT_FMIN, 12))),
                             ("cqt_bins_per_octave", 12), ("cqt_gamma", 0.0)),
               (("kind", "cqt"), ("db_range", 80.0)), builtin=True),
    ]


def load_user_presets(raw: object) -> list[Preset]:
    """The valid user presets in ``raw`` (a stored list); anything else is dropped:
    non-mappings, bad names or values, built-in names, repeated names, past the limit."""
    if not isinstance(raw, list):
        return []
    kept: dict[str, Preset] = {}
    for item in raw[: MAX_USER_PRESETS * 2]:
        try:
            preset = Preset.from_dict(item)
        except (ParameterError, TypeError, ValueError, RecursionError):
            continue
        if preset.name not in BUILTIN_NAMES and preset.name not in kept:
            kept[preset.name] = preset
    return list(kept.values())[:MAX_USER_PRESETS]
