"""Pure numpy DSP (no Qt), equal to librosa: blocked framing and STFT, filterbanks and
windows, the feature engine and its per-frame table, spectrogram kinds with overviews and
on-demand tiles, frequency scales, min/max pyramids for drawing, the selection spectrum
and measurements.
"""
