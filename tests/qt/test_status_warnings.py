"""The status bar's warnings concern what is shown: a note about spectral-contrast bands
appears only while the contrast view is on screen."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from tests.qt.conftest import wait_settled


def test_contrast_note_only_while_contrast_is_shown(qtbot, make_main_window, tmp_path):
    sr = 8000  # librosa's default contrast bands pass Nyquist at 8 kHz: a band is left empty
    t = np.arange(sr) / sr
    path = tmp_path / "phone.wav"
    sf.write(path, (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr)
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    assert window.document.warnings == []  # contrast is computed when something needs it
    window.document.request_all_features()  # as an export does
    wait_settled(qtbot, window)
    assert any(n.startswith("spectral contrast") for n in window.document.warnings)
    assert "contrast" not in window.warning_label.text()
    window.document.set_view(window.document.view.replace(lower_view="contrast"))
    assert "spectral contrast" in window.warning_label.text()
    assert "spectral contrast" in window.warning_label.toolTip()
    window.document.set_view(window.document.view.replace(lower_view="mfcc"))
    assert "contrast" not in window.warning_label.text()
