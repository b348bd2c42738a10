"""How results are shown (not what is computed): one frozen dataclass, defaults here only."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from sonolens.core.catalog import CATALOG
from sonolens.core.errors import ParameterError
from sonolens.core.notes import A4_DEFAULT, A4_RANGE
from sonolens.core.params import MAX_CHANNELS

SPECTROGRAM_KINDS: dict[str, str] = CATALOG.kind_labels()  # kind -> label
SPECTROGRAM_UNITS: dict[str, str] = {k.name: k.unit for k in CATALOG.kinds}  # of its values
FREQUENCY_SCALES: dict[str, str] = {"linear": "Linear", "log": "Log", "mel": "Mel"}
FREQUENCY_AXES: dict[str, str] = {"hz": "Hz", "notes": "Notes"}  # the frequency axis' labels
COLORMAPS: tuple[str, ...] = ("magma", "inferno", "viridis", "gray", "coolwarm")
LOWER_VIEWS: dict[str, str] = CATALOG.lower_views()  # lower view -> menu name
WAVEFORM_MIX = -1
OVERLAYS: dict[str, str] = CATALOG.overlays()  # overlay -> legend label


@dataclass(frozen=True)
class ViewSettings:
    """Display choices. ``db_range``: dB shown below the maximum (colour levels).

    ``waveform_channel``: 0-based channel drawn in the waveform, None = every channel (one
    lane each), :data:`WAVEFORM_MIX` (-1) = the mono mix (mean of the channels).
    ``overlays``: feature curves drawn over the spectrogram (keys of :data:`OVERLAYS`).
    ``freq_axis``: the spectrogram's frequency axis labelled in Hz or with note names
    (keys of :data:`FREQUENCY_AXES`); ``a4``: the notes' reference pitch (Hz).
    """

    kind: str = "db"
    freq_scale: str = "linear"
    colormap: str = "magma"
    db_range: float = 80.0
    overlays: frozenset[str] = frozenset({"spectral_centroid"})
    lower_view: str = "features"
    waveform_channel: int | None = None
    freq_axis: str = "hz"
    a4: float = A4_DEFAULT

    def validate(self) -> ViewSettings:
        for name, value, allowed in (
            ("kind", self.kind, SPECTROGRAM_KINDS),
            ("freq_scale", self.freq_scale, FREQUENCY_SCALES),
            ("colormap", self.colormap, COLORMAPS),
            ("lower_view", self.lower_view, LOWER_VIEWS),
            ("freq_axis", self.freq_axis, FREQUENCY_AXES),
        ):
            if value not in allowed:
                raise ParameterError(f"{name}={value!r} is not one of {', '.join(allowed)}")
        if not isinstance(self.db_range, int | float) or not 1.0 <= float(self.db_range) <= 200.0:
            raise ParameterError(f"db_range={self.db_range} must lie in [1, 200] dB")
        lo, hi = A4_RANGE
        if (not isinstance(self.a4, int | float) or isinstance(self.a4, bool)
                or not lo <= float(self.a4) <= hi):
            raise ParameterError(f"a4={self.a4} must lie in [{lo:g}, {hi:g}] Hz")
        channel = self.waveform_channel
        if channel is not None and (not isinstance(channel, int) or isinstance(channel, bool)
                                    or not WAVEFORM_MIX <= channel < MAX_CHANNELS):
            raise ParameterError(f"waveform_channel={self.waveform_channel} must lie in "
                                 f"[-1, {MAX_CHANNELS - 1}]")
        unknown = set(self.overlays) - set(OVERLAYS)
        if unknown:
            raise ParameterError(f"overlays: unknown {', '.join(sorted(unknown))}")
        return self

    def replace(self, **changes: Any) -> ViewSettings:
        return replace(self, **changes).validate()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["overlays"] = sorted(self.overlays)
        return data
