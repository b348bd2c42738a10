"""The window's export jobs: plain generators (no Qt) that yield Progress and return the
path they wrote. Each kind of export runs under its own runner key; every write is atomic
or leaves no file when cancelled."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

from sonolens.audio import AudioSource
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.workers.jobs import frame_ranges

KEY_EXPORT = "export"  # prefix: each kind of export has its own key
KEY_EXPORT_CSV = f"{KEY_EXPORT}:csv"
KEY_EXPORT_NPZ = f"{KEY_EXPORT}:npz"
KEY_EXPORT_WAV = f"{KEY_EXPORT}:wav"
KEY_EXPORT_IMAGE = f"{KEY_EXPORT}:image"  # + ":PATH", one per file (ui.image_export)
EXPORT_KEYS = (KEY_EXPORT_CSV, KEY_EXPORT_NPZ, KEY_EXPORT_WAV)


def features_csv_job(path: Path, label: str, table: Any) -> Generator[Progress, None, Path]:
    """Write the per-frame FeatureTable ``table`` as `sonolens extract` does (no file
    column; ``label`` names the source in messages). The window passes the default
    columns plus the opt-in ones on screen (ui.exports)."""
    from sonolens.export.csv_table import feature_csv_steps

    yield Progress(0, 1, "writing CSV")
    yield from feature_csv_steps(path, [(label, table)], file_column=False)
    return path


def spectrogram_npz_job(source: AudioSource, params: AnalysisParams, kind: str, path: Path
                        ) -> Generator[Progress, None, Path]:
    """Write the full-resolution ``kind`` spectrogram of ``source`` as .npz (export.npz)."""
    from sonolens.export.npz import export_spectrogram_npz

    return (yield from export_spectrogram_npz(source, params, kind, path))


def dataset_job(root: Path | str, output: Path | str, spec: Any, *, jobs: int = 1,
                resume: bool = False) -> Generator[Progress, None, Any]:
    """File > Batch Export: every audio file under ``root`` to one table at ``output``, as
    ``sonolens dataset`` writes it (export.dataset_batch.make_dataset; returns its
    DatasetRun)."""
    from sonolens.export.dataset_batch import make_dataset

    return (yield from make_dataset(root, output, spec, jobs=jobs, resume=resume))


def selection_wav_job(source: AudioSource, start: int, stop: int, path: Path, subtype: str
                      ) -> Generator[Progress, None, Path]:
    """Write frames [start, stop) (all channels) to a WAV file, streaming block by block
    (memory stays flat however long the selection; cancelling leaves no file)."""
    from sonolens.export.wav import wav_writer

    total = max(1, stop - start)
    with wav_writer(path, source.samplerate, source.channels, n_frames=stop - start,
                    subtype=subtype) as write:
        for first, last in frame_ranges(start, stop):
            block = source.read(first, last)
            if len(block) == 0:
                break
            write(block)
            yield Progress(last - start, total, "writing")
    return path


KEY_LABELS_READ = "annotations:read"
KEY_LABELS_WRITE = "annotations:write"


def read_labels_job(path: Path) -> Generator[Progress, None, Any]:
    """File > Import Annotations: (AnnotationSet, format name) of ``path`` (any supported
    format; LabelFileError names the file and line)."""
    from sonolens.export.labels import read_labels

    yield Progress(0, 1, "reading annotations")
    annotations, fmt = read_labels(path)
    yield Progress(1, 1, "reading annotations")
    return annotations, fmt.name


def write_labels_job(annotations: Any, path: Path, fmt: str) -> Generator[Progress, None, Path]:
    """File > Export > Annotations: ``annotations`` to ``path`` in ``fmt``, atomically."""
    from sonolens.export.labels import write_labels

    yield Progress(0, 1, "writing annotations")
    return write_labels(annotations, path, fmt)


KEY_LABELS_FEATURES = "annotations:features"


def annotation_features_job(source: AudioSource, channel: int | None, table: Any,
                            annotations: Any, path: Path) -> Generator[Progress, None, Path]:
    """File > Export > Annotation features: one row per annotation (features as
    ``sonolens extract --annotations``, then levels; export.annotation_features)."""
    from sonolens.export.annotation_features import annotation_features_steps

    yield from annotation_features_steps(path, source, channel, table, annotations)
    return path
