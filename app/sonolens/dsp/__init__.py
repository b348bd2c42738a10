"""Pure numpy DSP: blocked STFT, spectrogram kinds and librosa-exact features (no Qt)."""
