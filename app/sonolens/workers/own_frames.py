"""The picture of a spectrogram kind that computes its own frames (``cqt``), as a job step.

Such a kind does not come from the analysis STFT (``SpectrogramKind.blocks``), so the
window's analysis job computes it first, block by block into the growing store (drawn as
it grows, cancellable at every block), then runs the feature pass without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator

from sonolens.audio import AudioSource
from sonolens.core.progress import Progress


def own_frames_step(source: AudioSource, plan, spec, expected: int
                    ) -> Generator[Progress, None, None]:
    """Fill ``spec`` (an empty Spectrogram of ``plan``) from ``plan.own``'s blocks and
    finish it; yields Progress(partial=(spec, None, None)) per block (the analysis job's
    partial shape: spectrogram, no envelope yet, no feature table yet)."""
    from sonolens.dsp.spectrogram import spectrogram_blocks

    with contextlib.closing(spectrogram_blocks(source, plan)) as blocks:
        for _start, values in blocks:
            spec.append(values)
            yield Progress(spec.n_frames, max(expected, spec.n_frames), "spectrogram",
                           partial=(spec, None, None))
    spec.finish()
