"""Sonolens: a spectrogram analyzer whose numbers agree with librosa."""

__version__ = "0.1.0"
