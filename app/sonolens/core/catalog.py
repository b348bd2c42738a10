"""The catalog: every per-frame feature and every spectrogram kind, one entry each.

Everything else that lists features or kinds is derived from here: the CSV columns and
their order, the CLI's ``--features`` / ``--kind`` / ``--overlays`` choices, the settings
panel's lists, what the window draws and where, the readout's labels and units, the
"Copy as Python" calls. See ``docs/extending.md`` for how to add an entry.

An entry names its computation by a dotted path (``kernel``) inside ``sonolens.dsp``, so
this module imports nothing of ours but the parameters (core depends on no other layer);
the engine resolves the path when it plans an analysis.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from enum import Enum

from sonolens.core.notes import PITCH_CLASSES
from sonolens.core.params import AnalysisParams


class Drawn(Enum):
    """How the window draws a feature (the layer that shows it)."""

    OVERLAY = "curve over the spectrogram"
    BAND = "band over the spectrogram"
    LOWER_CURVE = "curve in the lower view"
    LOWER_MATRIX = "matrix image in the lower view"
    PITCH = "pitch track over the spectrogram (gaps where unvoiced)"
    MARKERS = "instants (vertical lines)"
    REGIONS = "time spans"
    NONE = "not drawn"


class Pass(Enum):
    """Which analysis pass computes a feature (engine module doc)."""

    FIRST = 1  # exact float64 STFT, block by block
    SECOND = 2  # needs a global quantity of pass 1 (tuning, dB floor): replayed signal


@dataclass(frozen=True)
class Feature:
    """One per-frame feature.

    ``columns(params)``: the CSV column names in order. ``unit``: of its values ("" for
    none). ``color``: its curve's colour; ``colormap``: a matrix's fixed colour map (None =
    the user's). ``view``/``view_label``: the lower view it is drawn in and that view's
    name in the menu (taken from the first entry of the view that gives one).
    ``librosa``: the expression that reproduces it in "Copy as Python" (names ``y, sr, S,
    n_fft, hop_length`` and the parameters in ``snippet_params`` are defined there).
    ``kernel``: ``"module:function"`` in ``sonolens.dsp`` (``dsp/frame_features.py``):
    (BlockSpectra) -> (n_frames,) or (n_frames, n_columns) values of one block, computed
    in pass 1. Features that need a quantity of the whole file instead name the engine's
    ``stage`` for them: "contrast" (dB floor), "chroma" (tuning), "mfcc" (dB floor).
    """

    name: str
    label: str
    columns: Callable[[AnalysisParams], tuple[str, ...]]
    unit: str = ""
    color: str = "#ffffff"
    drawn: Drawn = Drawn.NONE
    view: str = ""
    view_label: str = ""
    colormap: str | None = None
    levels: str = "zero_max"  # matrix colour levels: zero_max, unit, symmetric
    rank: int = 0  # position among overlays / lower views in menus and legends
    passes: Pass = Pass.FIRST
    needs: tuple[str, ...] = ()  # features computed with it and drawn with it
    aliases: tuple[str, ...] = ()
    default: bool = True  # among `sonolens extract`'s columns when --features is not given
    librosa: str = ""
    snippet_params: tuple[str, ...] = ()
    result: str = "features"  # the Document result holding it (its job: workers.registry)
    curves: tuple[tuple[str, str], ...] = ()  # per-column (label, colour) of a multi-curve
    second_axis: bool = False  # the last curve against its own axis on the right (scales differ)
    kernel: str = ""
    stage: str = "frame"  # frame (kernel per block), contrast, chroma, mfcc, onset
    time_domain: bool = False  # computed from the framed signal, not from the STFT

    def curve_styles(self, params: AnalysisParams) -> dict[str, tuple[str, str]]:
        """Column -> (legend label, colour) of the curves this feature is drawn as."""
        styles = self.curves or ((self.label, self.color),)
        return dict(zip(self.columns(params), styles, strict=True))

    @property
    def column_prefix(self) -> str:
        """What every column of a multi-column feature starts with (``mfcc_``)."""
        return f"{self.name}_"


@dataclass(frozen=True)
class SpectrogramKind:
    """One spectrogram kind: what the view shows as an image.

    ``cli``: its ``--kind`` name in ``sonolens render``. ``variable``: its name in "Copy
    as Python". ``fields``: the AnalysisParams it depends on beyond the STFT's (a change
    to others leaves it as it is). ``db``: values in dB (the dB range applies).
    ``rows``: "fft" (bin frequencies) or "mel" (mel band centres). ``librosa``: the
    "Copy as Python" lines that make ``variable`` from ``S`` (``{db_range}`` is filled in).
    ``kernel``: ``"module:function"`` in ``sonolens.dsp`` (``dsp/spectrogram_kinds.py``):
    (|X|, |X|^2 or None, plan) -> values; ``power``: whether it needs |X|^2 (then |X| is
    squared in place and not passed). ``blocks``: instead of a kernel, a kind that
    computes its own frames from the analysis signal (not from the STFT) names
    ``"module:function"`` in ``sonolens.dsp``: (AnalysisParams, sr) -> an object with
    ``freqs`` (n_rows,) Hz and ``blocks(chunks)`` -> (first frame, float32 (n, n_rows)).
    ``image``: "" = drawn from the stored columns; else the ``sonolens.dsp`` module that
    draws this kind's own image of the visible range (``reassigned_image``:
    ui.views.reassigned_layer) and writes its matrix export; the stored columns
    (``kernel``) show while it computes or when the range is too long.
    """

    name: str
    label: str
    unit: str
    cli: str
    variable: str
    db: bool = False
    rows: str = "fft"
    fields: tuple[str, ...] = ()
    librosa: tuple[str, ...] = ()
    kernel: str = ""
    power: bool = True
    blocks: str = ""
    result: str = "spectrogram"  # the Document result holding it (its job: workers.registry)
    image: str = ""


def _one(name: str) -> Callable[[AnalysisParams], tuple[str, ...]]:
    return lambda _params: (name,)


def _numbered(prefix: str, count: Callable[[AnalysisParams], int]
              ) -> Callable[[AnalysisParams], tuple[str, ...]]:
    return lambda params: tuple(f"{prefix}_{i}" for i in range(1, count(params) + 1))


_F = "librosa.feature."

FEATURES: tuple[Feature, ...] = (
    Feature("rms", "RMS", _one("rms"), color="#4fc3f7", drawn=Drawn.LOWER_CURVE,
            view="features", view_label="RMS / ZCR / flatness", time_domain=True,
            librosa=f"{_F}rms(y=y, frame_length=n_fft, hop_length=hop_length)",
            kernel="frame_features:rms"),
    Feature("zero_crossing_rate", "Zero-crossing rate", _one("zero_crossing_rate"),
            color="#ffb74d", drawn=Drawn.LOWER_CURVE, view="features", aliases=("zcr",),
            time_domain=True,
            librosa=f"{_F}zero_crossing_rate(y, frame_length=n_fft, hop_length=hop_length)",
            kernel="frame_features:zero_crossing_rate"),
    Feature("spectral_centroid", "Centroid", _one("spectral_centroid"), unit="Hz",
            color="#00e5ff", drawn=Drawn.OVERLAY, aliases=("centroid",),
            librosa=f"{_F}spectral_centroid(S=S, sr=sr)",
            kernel="frame_features:spectral_centroid"),
    Feature("spectral_bandwidth", "Bandwidth (centroid ± bw/2)", _one("spectral_bandwidth"),
            unit="Hz", color="#ffffff", drawn=Drawn.BAND, needs=("spectral_centroid",), rank=2,
            aliases=("bandwidth",), librosa=f"{_F}spectral_bandwidth(S=S, sr=sr, p=p)",
            snippet_params=("p",), kernel="frame_features:spectral_bandwidth"),
    Feature("spectral_rolloff", "Rolloff", _one("spectral_rolloff"), unit="Hz",
            color="#b2ff59", drawn=Drawn.OVERLAY, aliases=("rolloff",),
            rank=1, librosa=f"{_F}spectral_rolloff(S=S, sr=sr, roll_percent=roll_percent)",
            snippet_params=("roll_percent",), kernel="frame_features:spectral_rolloff"),
    Feature("spectral_flatness", "Flatness", _one("spectral_flatness"), color="#81c784",
            drawn=Drawn.LOWER_CURVE, view="features", aliases=("flatness",),
            librosa=f"{_F}spectral_flatness(S=S)", kernel="frame_features:spectral_flatness"),
    Feature("spectral_contrast", "Contrast band", _numbered(
                "spectral_contrast", lambda p: p.contrast_bands + 1),
            unit="dB", drawn=Drawn.LOWER_MATRIX, view="contrast",
            view_label="Spectral contrast", aliases=("contrast",), rank=3,
            librosa=f"{_F}spectral_contrast(S=S, sr=sr, fmin=..., n_bands=...)",
            stage="contrast"),
    Feature("chroma", "Pitch class",
            lambda _p: tuple(f"chroma_{name}" for name in PITCH_CLASSES),
            unit="energy (max = 1)", drawn=Drawn.LOWER_MATRIX, view="chroma",
            view_label="Chroma", levels="unit", passes=Pass.SECOND, aliases=("chroma_stft",),
            rank=2,
            librosa=f"{_F}chroma_stft(S=S**2, sr=sr)  # tuning estimated from all frames",
            stage="chroma"),
    Feature("mfcc", "MFCC", _numbered("mfcc", lambda p: p.n_mfcc), unit="coefficient",
            drawn=Drawn.LOWER_MATRIX, view="mfcc", view_label="MFCC", colormap="coolwarm",
            levels="symmetric", passes=Pass.SECOND, rank=1,
            librosa=f"{_F}mfcc(S=librosa.power_to_db(M, top_db=top_db), n_mfcc=n_mfcc)",
            snippet_params=("n_mels", "fmin", "fmax", "n_mfcc", "top_db"),
            stage="mfcc"),
    Feature("poly_features", "Spectral line fit",
            lambda _p: ("poly_features_slope", "poly_features_offset"),
            unit="", color="#ce93d8", drawn=Drawn.LOWER_CURVE, view="poly",
            view_label="Spectral slope / offset", aliases=("poly",), default=False, rank=4,
            curves=(("Slope", "#ce93d8"), ("Offset", "#ffd54f")), second_axis=True,
            librosa=f"{_F}poly_features(S=S, sr=sr, order=1)  # rows: slope, offset",
            kernel="frame_features:poly_features"),
    Feature("f0", "Pitch (f0)", lambda _p: ("f0", "voiced_flag", "voiced_probability"),
            unit="Hz", color="#00e676", drawn=Drawn.PITCH, aliases=("pitch", "pyin"),
            default=False, rank=3, result="pitch", stage="pitch",
            librosa="np.vstack(librosa.pyin(y, sr=sr, fmin=pyin_fmin, fmax=min(pyin_fmax, "
                    "sr / 2), frame_length=n_fft, hop_length=hop_length, center=True))  "
                    "# rows: f0 (Hz, NaN unvoiced), voiced_flag, voiced_probability",
            snippet_params=("pyin_fmin", "pyin_fmax")),
    # -- issue 17, onsets (i17-onsets): the onset strength envelope, opt-in -------------
    Feature("onset_strength", "Onset strength", _one("onset_strength"), unit="dB",
            color="#ff8a65", drawn=Drawn.LOWER_CURVE, view="onsets",
            view_label="Onset strength", aliases=("onset",), default=False, rank=5,
            passes=Pass.SECOND, stage="onset",
            librosa="librosa.onset.onset_strength(S=librosa.power_to_db(librosa.feature."
                    "melspectrogram(S=S**2, sr=sr, n_fft=n_fft)), sr=sr, n_fft=n_fft, "
                    "hop_length=hop_length)  # = onset_strength(y=y, ...) for a hann window"),
)

SPECTROGRAM_KINDS: tuple[SpectrogramKind, ...] = (
    SpectrogramKind("magnitude", "Linear magnitude", "amplitude", cli="linear", variable="S",
                    kernel="spectrogram_kinds:magnitude", power=False),
    SpectrogramKind("power", "Power", "power", cli="power", variable="S_power",
                    kernel="spectrogram_kinds:power", librosa=("S_power = S**2",)),
    SpectrogramKind("db", "dB", "dB", cli="db", variable="S_db", db=True,
                    kernel="spectrogram_kinds:db", librosa=(
        "S_db = librosa.amplitude_to_db(S, ref=np.max, top_db={db_range!r})  "
        "# dB re the loudest bin, as shown",)),
    SpectrogramKind("mel_db", "Mel dB", "dB", cli="mel", variable="M_db", db=True,
                    rows="mel", fields=("n_mels",), kernel="spectrogram_kinds:mel_db", librosa=(
        "M = librosa.feature.melspectrogram(S=S**2, sr=sr, n_fft=n_fft, n_mels=n_mels, "
        "fmin=fmin, fmax=fmax)",
        "M_db = librosa.power_to_db(M, ref=np.max, top_db={db_range!r})  "
        "# dB re the loudest band, as shown",)),
    SpectrogramKind("cqt", "Constant-Q dB", "dB", cli="cqt", variable="C_db", db=True,
                    rows="cqt", blocks="cqt_kind:cqt_db",
                    fields=("cqt_fmin", "cqt_n_bins", "cqt_bins_per_octave", "cqt_gamma"),
                    librosa=(
        "C = np.abs(librosa.vqt(y, sr=sr, hop_length=hop_length, fmin=cqt_fmin, "
        "n_bins=cqt_n_bins, bins_per_octave=cqt_bins_per_octave, gamma=cqt_gamma, "
        'res_type="soxr_hq"))  # gamma=0: librosa.cqt(y, sr=sr, hop_length=hop_length, ...)',
        "C_db = librosa.amplitude_to_db(C, ref=np.max, top_db={db_range!r})  "
        "# dB re the loudest bin, as shown",)),
    # -- issue 19, reassigned (i19-reass): its own image of the visible range ------------
    SpectrogramKind("reassigned", "Reassigned", "dB", cli="reassigned", variable="S_db",
                    db=True, kernel="spectrogram_kinds:db", image="reassigned_image", librosa=(
        "S_db = librosa.amplitude_to_db(S, ref=np.max, top_db={db_range!r})  "
        "# the plain dB columns: shown zoomed out",
        "freqs_r, times_r, mags_r = librosa.reassigned_spectrogram(y=y, sr=sr, n_fft=n_fft, "
        "hop_length=hop_length, win_length=win_length, window=window)  "
        "# the image: mags_r**2 summed per pixel at (times_r, freqs_r), in dB",)),
)


@dataclass(frozen=True)
class Catalog:
    """Look-ups over the entries (one instance: :data:`CATALOG`)."""

    features: tuple[Feature, ...]
    kinds: tuple[SpectrogramKind, ...]
    _by_name: dict[str, Feature] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.features})

    # -- features ------------------------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        """Every feature, in CSV column order."""
        return tuple(f.name for f in self.features)

    @property
    def default_names(self) -> tuple[str, ...]:
        """The features of ``sonolens extract`` without ``--features`` (and of ``all``)."""
        return tuple(f.name for f in self.features if f.default)

    def feature(self, name: str) -> Feature:
        return self._by_name[name]

    def aliases(self) -> dict[str, str]:
        """Short names users type (``zcr``) -> feature names."""
        return {alias: f.name for f in self.features for alias in f.aliases}

    def resolve(self, text: str) -> str | None:
        """A feature name or alias (any case) -> the feature name, or None."""
        name = text.strip().lower()
        name = self.aliases().get(name, name)
        return name if name in self._by_name else None

    def columns(self, name: str, params: AnalysisParams) -> tuple[str, ...]:
        return self.feature(name).columns(params)

    def with_needs(self, names: set[str] | frozenset[str]) -> tuple[str, ...]:
        """``names`` plus what they are computed or drawn with, in catalog order."""
        wanted = set(names)
        for name in names:
            wanted.update(self.feature(name).needs)
        return tuple(n for n in self.names if n in wanted)

    def shown_by(self, overlays: frozenset[str] | set[str], lower_view: str
                 ) -> tuple[str, ...]:
        """The features a view draws (its overlays and its lower view's), with what they
        need, in catalog order (Copy as Python computes these)."""
        return self.with_needs(set(overlays) | {f.name for f in self.in_view(lower_view)})

    def window_features(self, overlays: frozenset[str] | set[str], lower_view: str
                        ) -> tuple[str, ...]:
        """What the window computes and exports: the default features, plus the opt-in
        ones its view shows, in catalog order."""
        return self.with_needs(set(self.default_names) | set(self.shown_by(overlays,
                                                                            lower_view)))

    def per_block(self, names: Iterable[str]) -> tuple[str, ...]:
        """``names`` without the features computed by a job of their own (pitch: result
        ``"pitch"``): what the engine's feature passes compute."""
        return tuple(n for n in names if self.feature(n).result == "features")

    def can_draw(self, name: str, columns: Container[str]) -> bool:
        """Whether ``columns`` hold feature ``name`` and every feature it needs."""
        return name in columns and all(n in columns for n in self.feature(name).needs)

    def drawn_as(self, *kinds: Drawn) -> tuple[Feature, ...]:
        return tuple(f for f in self.features if f.drawn in kinds)

    def _ranked(self) -> list[Feature]:
        return sorted(self.features, key=lambda f: f.rank)

    # -- overlays and lower views -----------------------------------------------------------
    def overlays(self) -> dict[str, str]:
        """Features drawn over the spectrogram -> legend label."""
        return {f.name: f.label for f in self._ranked()
                if f.drawn in (Drawn.OVERLAY, Drawn.BAND, Drawn.PITCH)}

    def lower_views(self) -> dict[str, str]:
        """Lower-view key -> its menu name, in catalog order."""
        views: dict[str, str] = {}
        for f in self._ranked():
            if f.view and (f.view not in views or not views[f.view]):
                views[f.view] = f.view_label
        return views

    def in_view(self, view: str) -> tuple[Feature, ...]:
        """The features the lower view ``view`` draws."""
        return tuple(f for f in self.features if f.view == view)

    def matrix_views(self) -> dict[str, Feature]:
        """Lower views showing one feature as a matrix image -> that feature."""
        return {f.view: f for f in self._ranked() if f.drawn is Drawn.LOWER_MATRIX}

    # -- spectrogram kinds ---------------------------------------------------------------
    def kind(self, name: str) -> SpectrogramKind:
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise KeyError(name)

    def kind_labels(self) -> dict[str, str]:
        return {k.name: k.label for k in self.kinds}


CATALOG = Catalog(FEATURES, SPECTROGRAM_KINDS)
