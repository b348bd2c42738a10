"""Writers and readers of files (Qt-free; every write atomic: temp file + rename).

Per-frame feature CSV, dataset tables (one row per file) and their batch build over worker
processes, full-resolution spectrogram NPZ, selection WAV, spectrum text, the "Copy as
Python" librosa script, and the guard that refuses to write over an input.
"""
